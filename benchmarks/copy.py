"""Time a copy of a large directory into another organization (PRODUCT §6, issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rolo_copybench \
        .venv/bin/python benchmarks/copy.py

Builds, once, a source organization with COPY_CONTACTS contacts (default 100,000) and
COPY_COMPANIES companies (default 20,000) — each with an email, a phone and an address,
every contact affiliated with a company, a tenth of them private and some mentioning a
member — set-based, with bulk inserts. Then copies everything the owner sees into a fresh
target with `directory_duplicate` (the code the command and the worker run) and prints the
time; a second run with skip-existing (everything is recognised, nothing is written)
follows. Nothing here runs in the test suite; tests/transfers/test_copy_benchmark.py
runs it at a small scale.
"""

import sys

# Run as a script, this file's folder comes first on sys.path, where its name would hide
# the standard library's `copy` module: put the repository root there instead.
sys.path[0] = __file__.rsplit("/", 2)[0] if "/" in __file__ else ".."

import os  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

if __name__ == "__main__":
    django.setup()

SOURCE = os.environ.get("COPY_SOURCE", "copy-bench-source")
TARGET = "copy-bench-target"
OWNER = "copy-bench-owner@example.com"
MEMBER = "copy-bench-member@example.com"
CHUNK = 5000


def build_source(contacts: int, companies: int):
    """Create the source organization once (set-based); return (source, owner)."""
    from django.db import transaction

    from companies.models import Affiliation, Company, CompanyEmail
    from contacts.models import Contact, ContactAddress, ContactEmail, ContactPhone
    from directory.markup import render_description
    from organizations.models import Membership, Organization, RecordType, Role, Sector, User
    from organizations.scoping import scopes_disabled

    # A benchmark builds its own tenants from outside any request.
    with scopes_disabled(), transaction.atomic():
        source, _ = Organization.objects.get_or_create(slug=SOURCE, defaults={"name": "Source"})
        owner, _ = User.objects.get_or_create(email=OWNER)
        member, _ = User.objects.get_or_create(email=MEMBER)
        Membership.objects.get_or_create(
            organization=source, user=owner, defaults={"role": Role.OWNER}
        )
        Membership.objects.get_or_create(
            organization=source, user=member, defaults={"role": Role.MEMBER}
        )
        if Contact.objects.filter(organization=source).count() >= contacts:
            return source, owner
        types = [
            RecordType.objects.get_or_create(organization=source, name=name)[0]
            for name in ("Client", "Supplier", "Partner")
        ]
        sectors = [
            Sector.objects.get_or_create(organization=source, name=name)[0]
            for name in ("Energy", "ICT")
        ]
        company_ids: list[int] = []
        for start in range(0, companies, CHUNK):
            rows = Company.objects.bulk_create(
                Company(
                    organization=source,
                    name=f"Company {i:06d}",
                    type=types[i % 3],
                    sector=sectors[i % 2],
                    vat_number=f"IT{i:011d}",
                    created_by=owner,
                    visibility="private" if i % 10 == 0 else "public",
                )
                for i in range(start, min(start + CHUNK, companies))
            )
            company_ids += [c.pk for c in rows]
            CompanyEmail.objects.bulk_create(
                CompanyEmail(organization=source, company=c, email=f"info{c.pk}@company.example")
                for c in rows
            )

        def described(i: int) -> str:
            return f"Met at fair {i}. Ask @{MEMBER}." if i % 20 == 0 else ""

        for start in range(0, contacts, CHUNK):
            rows = Contact.objects.bulk_create(
                Contact(
                    organization=source,
                    first_name=f"First{i}",
                    last_name=f"Last{i:07d}",
                    role="Buyer",
                    type=types[i % 3],
                    description=described(i),
                    # bulk_create skips save(), which renders the description.
                    description_html=render_description(described(i)),
                    visibility="private" if i % 10 == 0 else "public",
                    created_by=owner,
                )
                for i in range(start, min(start + CHUNK, contacts))
            )
            ContactEmail.objects.bulk_create(
                ContactEmail(organization=source, contact=c, email=f"p{c.pk}@people.example")
                for c in rows
            )
            ContactPhone.objects.bulk_create(
                ContactPhone(organization=source, contact=c, number=f"+3902{c.pk:08d}")
                for c in rows
            )
            ContactAddress.objects.bulk_create(
                ContactAddress(organization=source, contact=c, street="Via Roma 1", city="Milano")
                for c in rows
            )
            Affiliation.objects.bulk_create(
                Affiliation(
                    organization=source,
                    contact=c,
                    company_id=company_ids[n % len(company_ids)],
                    is_primary=True,
                )
                for n, c in enumerate(rows, start=start)
            )
    return source, owner


def fresh_target(owner):
    """A new, empty target organization where the owner is a member."""
    from organizations.models import Membership, Organization, Role

    number = Organization.objects.filter(slug__startswith=TARGET).count() + 1
    target = Organization.objects.create(slug=f"{TARGET}-{number}", name=f"Target {number}")
    Membership.objects.create(organization=target, user=owner, role=Role.MEMBER)
    return target


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (local server only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(contacts: int, companies: int) -> dict:
    """Copy the source into a fresh target (then again, skipping); return the figures.

    Besides the wall-clock time, the CPU time of this process and of its database
    backend: on a shared machine the wall clock includes waiting for the other loads.
    """
    from history import triggers
    from transfers.duplication import directory_duplicate

    source, owner = build_source(contacts, companies)
    target = fresh_target(owner)
    # COPY_HISTORY=off copies without the field history's triggers, to measure their cost.
    without_history = os.environ.get("COPY_HISTORY", "on") == "off"
    backend_before, cpu_before = backend_cpu_seconds(), time.process_time()
    started = time.perf_counter()
    if without_history:
        with triggers.paused():
            report = directory_duplicate(source=source, target=target, user=owner)
    else:
        report = directory_duplicate(source=source, target=target, user=owner)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    backend_after = backend_cpu_seconds()
    backend = backend_after - backend_before if backend_after is not None else None
    started = time.perf_counter()
    again = directory_duplicate(source=source, target=target, user=owner, skip_existing=True)
    again_seconds = time.perf_counter() - started
    return {
        "report": report,
        "seconds": seconds,
        "cpu": cpu,
        "backend_cpu": backend,
        "again": again,
        "again_seconds": again_seconds,
    }


def main() -> None:
    from django.conf import settings
    from django.db import connection

    # DEBUG keeps every SQL statement in memory; a measurement should not pay for that.
    settings.DEBUG = False
    contacts = int(os.environ.get("COPY_CONTACTS", "100000"))
    companies = int(os.environ.get("COPY_COMPANIES", "20000"))
    started = time.perf_counter()
    build_source(contacts, companies)
    print(f"source ready in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    figures = measure(contacts, companies)
    report, again = figures["report"], figures["again"]
    print(
        f"copied {report.contacts_copied} contacts, {report.companies_copied} companies, "
        f"{report.affiliations} affiliations in {figures['seconds']:.1f} s "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    if figures["backend_cpu"] is not None:
        print(
            f"  CPU time: {figures['cpu']:.1f} s in Python + {figures['backend_cpu']:.1f} s "
            f"in the database backend = {figures['cpu'] + figures['backend_cpu']:.1f} s"
        )
    print(
        f"again with skip-existing: {again.contacts_skipped} contacts and "
        f"{again.companies_skipped} companies skipped, {again.contacts_copied} copied, "
        f"in {figures['again_seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
