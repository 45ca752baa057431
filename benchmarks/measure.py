"""Time the directory pages through the real views, as the benchmark's reader.

Every case is a GET through Django's test client inside this process, so a timing is
the server's time for one request: middleware, view, queries and template rendering,
without network or browser. Each case is warmed up, then requested `repeat` times;
the report gives p50/p95/p99 and the number of queries of one request.
"""

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

import phonenumbers
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from activity.models import Assignment
from benchmarks.generate import BIG_SLUG, READER_EMAIL
from companies import selectors as company_selectors
from companies.models import Company
from contacts import selectors as contact_selectors
from contacts.models import Contact
from directory import pagination
from directory import views as directory_views
from events.models import Event
from opportunities.models import Opportunity
from organizations.models import Organization, User
from sales.models import Document

DEEP_PAGE = 10_000
MAX_QUERIES = 10
TARGETS_MS = {"list": 50.0, "search": 100.0, "detail": 30.0}
DEEP_FACTOR = 1.2
MIN_REQUESTS = 20


@dataclass
class Case:
    """One page to measure; `kind` says which target applies (list, deep, search, detail)."""

    name: str
    kind: str
    url: str
    # For a deep page: the name of the first page it is compared with.
    baseline: str = ""


@dataclass
class Result:
    name: str
    kind: str
    url: str
    requests: int
    p50: float
    p95: float
    p99: float
    mean: float
    queries: int
    # Median time the database spent per request (sum of its queries): what is left
    # of p50 is Django's work (middleware, ORM, templates).
    db_p50: float = 0.0
    target: str = ""
    passed: bool = True
    misses: list[str] = field(default_factory=list)


def _sort_query(sort: str, **extra: str) -> str:
    return "?" + urlencode({"sort": sort, **extra})


def _deep_cursor(queryset, order: list[str], page: int) -> tuple[str, int]:
    """Return the cursor that opens `page` of `queryset` in `order`, and the page it opens.

    The cursor is the key of the last row of the page before, found once with OFFSET
    (walking 10,000 pages through the view would measure nothing useful) and encoded
    the way the pagination module encodes its own cursors.
    """
    per_page = directory_views.PER_PAGE
    total = queryset.count()
    page = max(2, min(page, (total - 1) // per_page + 1))
    names = [term.lstrip("-") for term in order]
    values = queryset.order_by(*order).values_list(*names)[(page - 1) * per_page - 1]
    return pagination._encode(list(values)), page


def _is_column_sort(model, order: list[str]) -> bool:
    """Whether `order` names columns only (not an annotation such as a search rank)."""
    try:
        for term in order:
            model._meta.get_field(term.lstrip("-"))
    except FieldDoesNotExist:
        return False
    return True


def _typo(text: str) -> str:
    """`text` with two neighbouring letters of its longest word swapped."""
    word = max(text.split(), key=len)
    middle = len(word) // 2
    swapped = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return text.replace(word, swapped, 1)


def _global_search_url(slug: str) -> str | None:
    """The global search page, when the running code has one."""
    url = f"/o/{slug}/search/"
    try:
        resolve(url)
    except Resolver404:
        return None
    return url


def build_cases(
    organization: Organization, reader: User, *, deep_page: int = DEEP_PAGE
) -> list[Case]:
    """The pages to measure in `organization`, as `reader` sees them."""
    slug = organization.slug
    cases: list[Case] = []
    for label, path, selectors, search in (
        ("contacts", "contacts", contact_selectors, contact_selectors.contact_search),
        ("companies", "companies", company_selectors, company_selectors.company_search),
    ):
        visible = search(reader, organization)
        for sort, order in selectors.SORTS.items():
            if not _is_column_sort(visible.model, order):
                # Relevance only orders search results; the searches below measure it.
                continue
            first = f"{label}: list by {sort}, first page"
            cases.append(Case(first, "list", f"/o/{slug}/{path}/{_sort_query(sort)}"))
            cursor, page = _deep_cursor(visible, order, deep_page)
            cases.append(
                Case(
                    f"{label}: list by {sort}, page {page:,}",
                    "deep",
                    f"/o/{slug}/{path}/{_sort_query(sort, after=cursor)}",
                    baseline=first,
                )
            )

    # Search terms come from records the reader can see, picked from the middle of the
    # data set so no cache of the first rows helps.
    contacts = Contact.objects.visible_to(reader, organization).filter(visibility="public")
    sample = contacts.order_by("id")[contacts.count() // 2]
    email = sample.emails.order_by("position").first().email
    phone = phonenumbers.parse(sample.phones.order_by("position").first().number, None)
    companies = Company.objects.visible_to(reader, organization).filter(visibility="public")
    company = companies.order_by("id")[companies.count() // 2]
    contact_list = f"/o/{slug}/contacts/?"
    company_list = f"/o/{slug}/companies/?"
    searches = [
        ("contacts: search name prefix", contact_list, sample.last_name[:4].lower()),
        (
            "contacts: search full name with a typo",
            contact_list,
            _typo(f"{sample.first_name} {sample.last_name}"),
        ),
        ("contacts: search exact email", contact_list, email),
        ("contacts: search phone digits", contact_list, str(phone.national_number)),
        ("companies: search name prefix", company_list, company.name[:5].lower()),
        ("companies: search VAT number", company_list, company.vat_number),
    ]
    global_search = _global_search_url(slug)
    if global_search:
        searches += [
            ("global search: name prefix", f"{global_search}?", sample.last_name[:4].lower()),
            ("global search: exact email", f"{global_search}?", email),
        ]
    cases += [Case(name, "search", base + urlencode({"q": q})) for name, base, q in searches]

    # The two detail pages the generator built to be measured: the first company of the
    # organization (1,000 persons) and its first contact (3 companies, 20 connections).
    flagship = Company.objects.filter(organization=organization).order_by("id").first()
    hub = Contact.objects.filter(organization=organization).order_by("id").first()
    persons = flagship.affiliations.count()
    companies, connections = hub.affiliations.count(), hub.connections.count()
    cases += [
        Case(
            f"company page with {persons:,} persons",
            "detail",
            f"/o/{slug}/companies/{flagship.pk}/",
        ),
        Case(
            f"contact page with {companies} companies, {connections} connections",
            "detail",
            f"/o/{slug}/contacts/{hub.pk}/",
        ),
    ]
    # The timelines the page loads after itself (issue 13): the hub's 500 events, and
    # the flagship company's own with its 1,000 persons' events.
    events = Event.objects.filter(organization=organization, contact=hub).count()
    cases += [
        Case(
            f"contact timeline ({events:,} events), first page",
            "detail",
            f"/o/{slug}/contacts/{hub.pk}/timeline/",
        ),
        Case(
            f"company timeline with its {persons:,} persons' events",
            "detail",
            f"/o/{slug}/companies/{flagship.pk}/timeline/",
        ),
    ]
    assigned = Assignment.objects.filter(organization=organization, user=reader).count()
    cases.append(Case(f"dashboard: my activities ({assigned:,})", "detail", f"/o/{slug}/"))
    # The pipeline (issue 19): the board over every opportunity (totals per stage and
    # currency, the first cards of each column), and the panel section the contact and
    # company pages load after themselves.
    opportunities = Opportunity.objects.filter(organization=organization).count()
    cases += [
        Case(
            f"opportunity board ({opportunities:,} opportunities)",
            "list",
            f"/o/{slug}/opportunities/board/",
        ),
        Case(
            "open opportunities of the contact (panel section)",
            "list",
            f"/o/{slug}/opportunities/panel/contact/{hub.pk}/",
        ),
        Case(
            "open opportunities of the company (panel section)",
            "list",
            f"/o/{slug}/opportunities/panel/company/{flagship.pk}/",
        ),
    ]
    # Sales documents (issue 15): the company panel's section over its documents (the
    # year's figures, the chart, the counts, the latest ones) and its products report.
    documents = Document.objects.filter(organization=organization, company=flagship).count()
    cases += [
        Case(
            f"sales section of the company ({documents:,} documents)",
            "list",
            f"/o/{slug}/sales/panel/company/{flagship.pk}/",
        ),
        Case(
            "products & services report of the company (a year)",
            "list",
            f"/o/{slug}/sales/report/company/{flagship.pk}/",
        ),
    ]
    return cases


def _percentile(cuts: list[float], p: int) -> float:
    return round(cuts[p - 1], 2)


def time_case(
    client: Client, case: Case, *, repeat: int, warmup: int, budget: float | None = None
) -> Result:
    """Request `case` `warmup` + `repeat` times; every answer must be a 200.

    A page far off its target (seconds per request) would keep a 2-core machine busy
    for many minutes: with a `budget` in seconds, timing stops once it is spent and at
    least MIN_REQUESTS were timed, and the result says how many were.
    """
    timings: list[float] = []
    database: list[float] = []
    queries = 0
    warmed = 0
    while len(timings) < repeat:
        # The query log keeps the last 9,000 queries; a full log would count none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(case.url, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{case.name}: {case.url} answered {response.status_code}")
        if warmed < warmup:
            # A request of seconds is warm after one run; more warm-up only costs.
            warmed = warmup if budget is not None and elapsed > 1000 else warmed + 1
            continue
        timings.append(elapsed)
        database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        queries = max(queries, len(captured.captured_queries))
        if budget is not None and sum(timings) / 1000 > budget and len(timings) >= MIN_REQUESTS:
            break
    cuts = statistics.quantiles(timings, n=100, method="inclusive") if len(timings) > 1 else []
    cuts = cuts or [timings[0]] * 99
    return Result(
        name=case.name,
        kind=case.kind,
        url=case.url,
        requests=len(timings),
        p50=_percentile(cuts, 50),
        p95=_percentile(cuts, 95),
        p99=_percentile(cuts, 99),
        mean=round(statistics.fmean(timings), 2),
        queries=queries,
        db_p50=round(statistics.median(database), 2),
    )


def judge(results: list[Result], cases: list[Case]) -> None:
    """Compare each result with its target; fill `target`, `passed` and `misses`."""
    by_name = {result.name: result for result in results}
    for result, case in zip(results, cases, strict=True):
        if case.kind == "deep" and case.baseline in by_name:
            limit = DEEP_FACTOR * by_name[case.baseline].p95
            result.target = f"p95 ≤ {DEEP_FACTOR} × first page ({limit:.1f} ms)"
        else:
            # A deep page measured without its first page (`only`) keeps the list target.
            limit = TARGETS_MS["list" if case.kind == "deep" else case.kind]
            result.target = f"p95 ≤ {limit:.0f} ms"
        result.target += f", ≤ {MAX_QUERIES} queries"
        result.misses = []
        if result.p95 > limit:
            result.misses.append(f"p95 {result.p95:.1f} ms > {limit:.1f} ms")
        if result.queries > MAX_QUERIES:
            result.misses.append(f"{result.queries} queries > {MAX_QUERIES}")
        result.passed = not result.misses


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line]
        cpu = f"{names[0]} × {len(names)}" if names else cpu
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{total_kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "cpu": cpu,
        # The machine may be shared: the load when measuring says how quiet it was.
        "load_average": load,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": f"{server} (shared_buffers {shared_buffers})",
        "system": platform.platform(),
    }


def run(
    *,
    slug: str = BIG_SLUG,
    repeat: int = 100,
    warmup: int = 10,
    deep_page: int = DEEP_PAGE,
    budget: float | None = None,
    only: list[str] | None = None,
    log: Callable[[str], None] = print,
) -> list[Result]:
    """Measure every case of the benchmark organization (or those whose name contains
    one of `only`); return the judged results."""
    organization = Organization.objects.get(slug=slug)
    reader = User.objects.get(email=READER_EMAIL)
    cases = build_cases(organization, reader, deep_page=deep_page)
    if only:
        cases = [c for c in cases if any(part.lower() in c.name.lower() for part in only)]
    client = Client()
    client.force_login(reader)
    results = []
    for case in cases:
        result = time_case(client, case, repeat=repeat, warmup=warmup, budget=budget)
        log(
            f"  {case.name:<52}p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  "
            f"p99 {result.p99:7.1f} ms  db {result.db_p50:7.1f} ms  {result.queries:2d} queries  "
            f"({result.requests} requests)"
        )
        results.append(result)
    judge(results, cases)
    return results


def as_dicts(results: list[Result]) -> list[dict]:
    return [asdict(result) for result in results]
