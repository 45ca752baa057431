"""Profile benchmark pages: where a request's time goes, per page.

    .venv/bin/python benchmarks/profile.py "contact page"          # cases whose name contains it
    .venv/bin/python benchmarks/profile.py "board" --requests 50 --top 40

Uses the benchmark database (`BENCH_DATABASE_URL`, as `make bench`; generate it first)
and the same reader and cases as `measure.py`. Each chosen page is warmed up, then
requested `--requests` times under cProfile; the report splits the time into the
database (the queries' own time), templates, and the rest of Django and Rolo, then
lists the functions with the most time of their own and the most time in all.
"""

import os
import sys

sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402

from benchmarks import environment  # noqa: E402

# Where a page's template rendering starts: a TemplateResponse's content, or render().
TEMPLATE_ENTRIES = {
    ("django/template/response.py", "rendered_content"),
    ("django/shortcuts.py", "render"),
}


def _template_seconds(stats: pstats.Stats) -> float:
    """Cumulative seconds spent rendering the page's template (its tags' queries included)."""
    return sum(
        cumulative
        for (path, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
        if any(path.endswith(tail) and name == entry for tail, entry in TEMPLATE_ENTRIES)
    )


def profile(case, client, *, requests: int, top: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        client.get(case.url, secure=True)
    database = 0.0
    profiler = cProfile.Profile()
    started = time.perf_counter()
    for _ in range(requests):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            response = client.get(case.url, secure=True)
            profiler.disable()
        assert response.status_code == 200, (case.url, response.status_code)
        database += sum(float(query["time"]) for query in captured.captured_queries)
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    per_request = stats.total_tt / requests * 1000
    templates = _template_seconds(stats) / requests * 1000
    print(f"\n== {case.name}: {case.url}")
    print(
        f"   {requests} requests, {elapsed / requests * 1000:.1f} ms each under the profiler "
        f"({per_request:.1f} ms profiled): database {database / requests * 1000:.1f} ms, "
        f"templates {templates:.1f} ms (their tags' queries included), "
        f"{len(captured.captured_queries)} queries"
    )
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="part of a case's name (see measure.py)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    url = environment.database_url()
    environment.require_postgres(url)
    environment.configure(url)

    from django.test import Client

    from benchmarks.generate import BIG_SLUG, READER_EMAIL
    from benchmarks.measure import build_cases
    from organizations.models import Organization, User

    organization = Organization.objects.get(slug=BIG_SLUG)
    reader = User.objects.get(email=READER_EMAIL)
    client = Client()
    client.force_login(reader)
    cases = [
        case
        for case in build_cases(organization, reader)
        if any(name.lower() in case.name.lower() for name in args.names)
    ]
    if not cases:
        sys.exit(f"no benchmark page matches {args.names}")
    for case in cases:
        profile(case, client, requests=args.requests, top=args.top)


if __name__ == "__main__":
    main()
