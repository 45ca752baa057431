"""Time an import of many contacts from a CSV file, then an export of them (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rolo_importbench \
        IMPORT_ROWS=100000 .venv/bin/python benchmarks/import_export.py

Generates a CSV of IMPORT_ROWS contacts (default 100,000), each with three emails, three
phones (written as people type them: national, with spaces), an address, a role and a
company (one of IMPORT_ROWS / 20), and imports it into a fresh organization through the
code the worker runs (`import_job_execute`: the check, then the run), printing the time
of each step; then exports that organization's contacts as CSV through the view's
generator and prints the time and the memory the process grew by. The issue's goal: the
import in under 60 s on PostgreSQL, the export streamed with flat memory. Nothing here
runs in the test suite at this scale; tests/transfers/test_import_benchmark.py runs it
small.
"""

import sys

sys.path[0] = __file__.rsplit("/", 2)[0] if "/" in __file__ else ".."

import os  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

if __name__ == "__main__":
    django.setup()

OWNER = "import-bench-owner@example.com"
ORGANIZATION = "import-bench"


def csv_text(rows: int) -> bytes:
    """A CSV file of `rows` contacts with three emails and three phones each."""
    lines = [
        "First name,Last name,Email 1,Email 2,Email 3,Phone 1,Phone 2,Phone 3,"
        "Address 1 street,Address 1 city,Role,Company"
    ]
    companies = max(1, rows // 20)
    for i in range(rows):
        phones = [f"33{(i * 3 + k) % 10**8:08d}" for k in range(3)]
        phones = [f"{p[:3]} {p[3:]}" for p in phones]
        lines.append(
            f"First{i},Last{i:07d},p{i}@one.example,p{i}@two.example,p{i}@three.example,"
            f"{phones[0]},{phones[1]},{phones[2]},Via Roma {i % 200},Milano,Buyer,"
            f"Company {i % companies:06d}"
        )
    return ("\n".join(lines) + "\n").encode()


def fresh_organization():
    from organizations.models import Membership, Organization, Role, User

    owner, _ = User.objects.get_or_create(email=OWNER)
    number = Organization.objects.filter(slug__startswith=ORGANIZATION).count() + 1
    organization = Organization.objects.create(
        slug=f"{ORGANIZATION}-{number}", name=f"Import bench {number}"
    )
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization, owner


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(rows: int) -> dict:
    """Import `rows` generated contacts into a fresh organization, then export them."""
    from organizations.scoping import scope, scopes_disabled
    from transfers.exports import csv_stream, export_rows
    from transfers.imports import import_job_create, import_job_execute
    from transfers.models import ImportJob, ImportMode, ImportStatus

    data = csv_text(rows)
    # A benchmark builds its own tenant from outside any request.
    with scopes_disabled():
        organization, owner = fresh_organization()
        started = time.perf_counter()
        job = import_job_create(
            organization=organization,
            user=owner,
            kind="contacts",
            name="bench.csv",
            data=data,
        )
        upload_seconds = time.perf_counter() - started
        assert "" not in job.mapping, job.mapping
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
        started = time.perf_counter()
        import_job_execute(job_id=job.pk, step="check")
        check_seconds = time.perf_counter() - started
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.QUEUED, mode=ImportMode.VALID_ROWS
        )
        started = time.perf_counter()
        import_job_execute(job_id=job.pk, step="run")
        run_seconds = time.perf_counter() - started
        job.refresh_from_db()
    rss_before = max_rss_mb()
    started = time.perf_counter()
    exported = 0
    with scope(organization=organization):
        for _line in csv_stream(export_rows(owner, organization, "contacts", {})):
            exported += 1
    export_seconds = time.perf_counter() - started
    return {
        "job": job,
        "upload_seconds": upload_seconds,
        "check_seconds": check_seconds,
        "run_seconds": run_seconds,
        "export_seconds": export_seconds,
        # the BOM and the header are two of the lines
        "exported": exported - 2,
        "export_rss_growth_mb": max_rss_mb() - rss_before,
    }


def main() -> None:
    from django.conf import settings
    from django.db import connection

    # DEBUG keeps every SQL statement in memory; a measurement should not pay for that.
    settings.DEBUG = False
    rows = int(os.environ.get("IMPORT_ROWS", "100000"))
    figures = measure(rows)
    job = figures["job"]
    print(f"{rows} rows on {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
    print(f"  upload (read and count): {figures['upload_seconds']:.1f} s")
    print(f"  check (dry run): {figures['check_seconds']:.1f} s — {job.checked}")
    print(f"  import: {figures['run_seconds']:.1f} s — {job.counts}")
    print(
        f"  export of {figures['exported']} contacts as CSV: {figures['export_seconds']:.1f} s, "
        f"peak memory grew by {figures['export_rss_growth_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
