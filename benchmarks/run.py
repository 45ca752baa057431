"""`make bench`: build the benchmark data set if missing, time the pages, write the results.

Settings come from the environment (or the matching options):

    BENCH_DATABASE_URL   PostgreSQL database to use (default postgres://postgres@127.0.0.1:5432/rolo_bench);
                         created and migrated if needed. SQLite is refused.
    BENCH_SCALE          size of the data set, 1 = 1,000,000 contacts in the measured
                         organization (0.01 builds 10,000 in a few seconds)
    BENCH_SKIP_GENERATE  1: measure whatever the database holds, generate nothing
    BENCH_RESET          1: drop and recreate the benchmark database first
    BENCH_REPEAT         timed requests per page (default 100)
    BENCH_BUDGET         seconds of timing per page (default 60, 0 = no limit): a page
                         of seconds per request stops after 20 requests once it is spent
    BENCH_OUT            where to write the results (default benchmarks/results/)
    BENCH_ONLY           comma-separated parts of page names: measure only those pages
                         (a quick look while working; the README table is not rewritten)

Only a full-scale run into benchmarks/results/ updates the table in benchmarks/README.md
and the query plans in docs/performance.md.
"""

import os
import sys

# Run as a script, Python puts benchmarks/ first on sys.path, where a module's name
# (benchmarks/copy.py) would shadow the standard library's; the repository root is
# what belongs there.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import environment  # noqa: E402

RESULTS = environment.ROOT / "benchmarks" / "results"
GENERATION_NAME = "generation.json"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument(
        "--skip-generate", action="store_true", default=_flag("BENCH_SKIP_GENERATE")
    )
    parser.add_argument("--reset", action="store_true", default=_flag("BENCH_RESET"))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "100")))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", "10")))
    parser.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "60")))
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("BENCH_OUT", RESULTS)))
    parser.add_argument(
        "--only",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        default=os.environ.get("BENCH_ONLY", ""),
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = environment.database_url()
    environment.require_postgres(url)
    environment.ensure_database(url, reset=args.reset)
    environment.configure(url)

    from django.core.management import call_command

    from benchmarks import explain, generate, measure, report

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"database {url.rsplit('/', 1)[-1]} migrated in {time.perf_counter() - started:.1f} s")
    plan = generate.Plan.at(args.scale)
    generation_file = args.out / GENERATION_NAME
    if args.skip_generate:
        counts = generate.existing(plan) or {}
        print(f"generation skipped: {counts.get('contacts_contact', 0):,} contacts present")
    else:
        summary = generate.generate(plan=plan)
        counts = summary.counts
        if summary.created:
            args.out.mkdir(parents=True, exist_ok=True)
            generation_file.write_text(
                json.dumps(
                    {"scale": args.scale, "seconds": round(summary.seconds, 1), "counts": counts},
                    indent=2,
                )
                + "\n"
            )
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else None

    print(f"measuring ({args.repeat} requests per page after {args.warmup} warm-up requests)")
    machine = measure.machine()
    results = measure.run(
        repeat=args.repeat, warmup=args.warmup, budget=args.budget or None, only=args.only
    )
    meta = {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": args.scale,
        "slug": generate.BIG_SLUG,
        "requests": args.repeat,
        "budget_seconds": args.budget,
        "warmup": args.warmup,
        "data": counts,
        "generation": generation,
        "machine": machine,
    }
    # A partial run (BENCH_ONLY) is a quick look: it writes no results.
    if not args.only:
        paths = report.write(results, meta, args.out)
        print("results written to " + ", ".join(str(path) for path in paths.values()))
        if args.scale == 1 and args.out.resolve() == RESULTS.resolve():
            report.update_readme(environment.ROOT / "benchmarks" / "README.md", results, meta)
            explain.write_plans(environment.ROOT / "docs" / "performance.md")
            print("benchmarks/README.md and docs/performance.md updated")
    missed = [result for result in results if not result.passed]
    print(f"{len(results) - len(missed)} of {len(results)} pages meet their targets")
    for result in missed:
        print(f"  miss: {result.name}: {'; '.join(result.misses)}")


if __name__ == "__main__":
    main()
