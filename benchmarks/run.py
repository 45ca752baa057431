"""Measure the directory pages at scale: `make bench` (BENCH_CONTACTS=200000 for more).

Creates a throw-away organization with many contacts (a quarter private, some mentioning
the reader) in the configured database, then times the list (first page and a deep
page through the cursor), search, and detail pages through Django's test client, with
their query counts. Prints a table; nothing here runs in the test suite.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from contacts.models import Contact, ContactEmail, ContactMention  # noqa: E402
from organizations.models import Membership, Organization, Role, User  # noqa: E402
from organizations.scoping import scopes_disabled  # noqa: E402

COUNT = int(os.environ.get("BENCH_CONTACTS", "20000"))
SLUG = "bench"
REPEAT = 5


def build() -> tuple[Organization, User]:
    # A benchmark builds its own tenant from outside any request.
    with scopes_disabled(), transaction.atomic():
        organization, _ = Organization.objects.get_or_create(slug=SLUG, defaults={"name": "Bench"})
        reader, _ = User.objects.get_or_create(email="bench-reader@example.com")
        other, _ = User.objects.get_or_create(email="bench-other@example.com")
        for user in (reader, other):
            Membership.objects.get_or_create(
                organization=organization, user=user, defaults={"role": Role.MEMBER}
            )
        existing = Contact.objects.filter(organization=organization).count()
        batch = 5000
        for start in range(existing, COUNT, batch):
            rows = [
                Contact(
                    organization=organization,
                    first_name=f"First{i}",
                    last_name=f"Last{i:07d}",
                    visibility="private" if i % 4 == 0 else "public",
                    created_by=other,
                )
                for i in range(start, min(start + batch, COUNT))
            ]
            Contact.objects.bulk_create(rows, batch_size=1000)
            ContactEmail.objects.bulk_create(
                [
                    ContactEmail(organization=organization, contact=c, email=f"p{c.pk}@x.example")
                    for c in rows
                ],
                batch_size=1000,
            )
            ContactMention.objects.bulk_create(
                [
                    ContactMention(organization=organization, contact=c, user=reader)
                    for c in rows[::40]
                    if c.visibility == "private"
                ],
                batch_size=1000,
            )
    if connection.vendor == "postgresql":
        # Fresh bulk inserts leave the planner without statistics; autovacuum would
        # catch up in production, a benchmark should not wait for it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return organization, reader


def measure(client: Client, url: str) -> tuple[float, int, int]:
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(queries), response.status_code


def deep_cursor(client: Client, pages: int) -> str:
    url = f"/o/{SLUG}/contacts/"
    for _ in range(pages):
        html = client.get(url).content.decode()
        marker = 'rel="next" href="'
        start = html.find(marker)
        if start == -1:
            break
        url = html[start + len(marker) : html.find('"', start + len(marker))].replace("&amp;", "&")
    return url


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    organization, reader = build()
    print(
        f"{COUNT:,} contacts ready in {time.perf_counter() - started:.1f}s on {connection.vendor}"
    )
    client = Client()
    client.force_login(reader)
    with scopes_disabled():
        sample = Contact.objects.filter(organization=organization, visibility="public").last()
    cases = [
        ("list, first page", f"/o/{SLUG}/contacts/"),
        ("list, page 20 (cursor)", deep_cursor(client, 20)),
        ("list, newest first", f"/o/{SLUG}/contacts/?sort=-created"),
        ("search by name", f"/o/{SLUG}/contacts/?q=Last00123"),
        ("search by email", f"/o/{SLUG}/contacts/?q=p{sample.pk}@x"),
        ("detail", f"/o/{SLUG}/contacts/{sample.pk}/"),
        ("dashboard (counts)", f"/o/{SLUG}/"),
    ]
    print(f"{'page':<26}{'median ms':>10}{'queries':>9}")
    for label, url in cases:
        median, queries, _ = measure(client, url)
        print(f"{label:<26}{median:>10.1f}{queries:>9}")


if __name__ == "__main__":
    main()
