"""Record the query plans of the hot pages in docs/performance.md.

Each page is requested once through the real view while its SQL is captured; every
query touching the directory is then run again under EXPLAIN (ANALYZE, BUFFERS), and
the slowest ones are written out with the indexes their plans use. Run it on the full
data set: `python benchmarks/explain.py` (same BENCH_DATABASE_URL as `make bench`).
"""

import os
import sys

# As in run.py: the repository root, not benchmarks/, comes first on sys.path.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import re  # noqa: E402
from pathlib import Path  # noqa: E402

START = "<!-- plans:start -->"
END = "<!-- plans:end -->"
PER_PAGE_SHOWN = 3
INDEX_RE = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)"
)
TABLE_RE = re.compile(r"\b(contacts_|companies_|connections_)")
# The pages whose plans are recorded: one of each kind of list and every search and
# detail page (the other sort orders' plans differ only in the index they walk).
SKIPPED = re.compile(r"list by -(created|updated), first page|companies: list by -")


def page_plans(client, case, *, shown: int = PER_PAGE_SHOWN) -> list[dict]:
    """The slowest directory queries of one request of `case`, with their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{case.name}: {case.url} answered {response.status_code}")
    plans = []
    with connection.cursor() as cursor:
        for number, query in enumerate(captured.captured_queries, start=1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or not TABLE_RE.search(sql):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
            plans.append(
                {
                    "number": number,
                    "of": len(captured.captured_queries),
                    "sql": sql,
                    "plan": plan,
                    "ms": float(executed.group(1)) if executed else 0.0,
                    "indexes": sorted(set(INDEX_RE.findall(plan))),
                }
            )
    return sorted(plans, key=lambda p: p["ms"], reverse=True)[:shown]


def render(pages: list[tuple]) -> str:
    """Markdown: a summary table, then each page's slowest queries with their plans."""
    lines = [
        "| page | queries | slowest query (ms) | indexes used by the slowest queries |",
        "|---|---:|---:|---|",
    ]
    for case, plans in pages:
        indexes = sorted({name for plan in plans for name in plan["indexes"]})
        slowest = plans[0]["ms"] if plans else 0.0
        count = plans[0]["of"] if plans else 0
        lines.append(
            f"| {case.name} | {count} | {slowest:.2f} | "
            + (", ".join(f"`{name}`" for name in indexes) or "(none)")
            + " |"
        )
    for case, plans in pages:
        lines += ["", f"### {case.name}", "", f"`GET {case.url}`"]
        for plan in plans:
            indexes = ", ".join(f"`{name}`" for name in plan["indexes"]) or "no index"
            lines += [
                "",
                f"Query {plan['number']} of {plan['of']}, {plan['ms']:.2f} ms, {indexes}:",
                "",
                "<details><summary>SQL</summary>",
                "",
                "```sql",
                plan["sql"],
                "```",
                "",
                "</details>",
                "",
                "```",
                plan["plan"],
                "```",
            ]
    return "\n".join(lines)


def write_plans(path: Path) -> None:
    """Replace the plans between the markers of `path` with fresh ones."""
    from django.test import Client

    from benchmarks.generate import BIG_SLUG, READER_EMAIL
    from benchmarks.measure import build_cases
    from organizations.models import Organization, User

    organization = Organization.objects.get(slug=BIG_SLUG)
    reader = User.objects.get(email=READER_EMAIL)
    client = Client()
    client.force_login(reader)
    pages = []
    for case in build_cases(organization, reader):
        if SKIPPED.search(case.name):
            continue
        # A first request warms the caches, as the measurements do.
        client.get(case.url, secure=True)
        pages.append((case, page_plans(client, case)))
    text = path.read_text()
    start, end = text.index(START), text.index(END)
    path.write_text(text[: start + len(START)] + "\n" + render(pages) + "\n" + text[end:])


def main() -> None:
    from benchmarks import environment

    url = environment.database_url()
    environment.require_postgres(url)
    environment.configure(url)
    write_plans(environment.ROOT / "docs" / "performance.md")
    print("docs/performance.md updated")


if __name__ == "__main__":
    main()
