"""Time the duplicate check on save and the Duplicates page's pairs (issue 17) at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rolo_bench \
        .venv/bin/python benchmarks/duplicates.py [REPEAT]

Reads the `bench` organization `make bench` generates (1,000,000 contacts at scale 1) as
its reader, writing nothing: `directory.duplicates.find_duplicates` with an email, a phone
and a VAT number of existing records and a misspelt name of a person at their company —
all four reasons, each matching — timed REPEAT times (default 100), then
`merging.selectors.duplicate_pairs` once for contacts and once for companies. Prints
p50/p95 in milliseconds and the number of queries. The target of the check is 20 ms.
"""

import os
import statistics
import sys
import time

sys.path[0] = __file__.rsplit("/", 2)[0] if "/" in __file__ else ".."
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.generate import BIG_SLUG, READER_EMAIL  # noqa: E402
from companies.models import Affiliation, Company  # noqa: E402
from contacts.models import Contact  # noqa: E402
from directory.duplicates import Wanted, find_duplicates  # noqa: E402
from merging.selectors import duplicate_pairs  # noqa: E402
from organizations.models import Organization, User  # noqa: E402
from organizations.scoping import scope  # noqa: E402


def main(repeat: int) -> None:
    organization = Organization.objects.get(slug=BIG_SLUG)
    reader = User.objects.get(email=READER_EMAIL)
    with scope(organization=organization):
        visible = Contact.objects.visible_to(reader, organization).filter(visibility="public")
        total = visible.count()
        sample = visible.order_by("id")[total // 2]
        with_vat = visible.exclude(vat_number="").order_by("id")[:1].get()
        person = (
            Affiliation.objects.filter(contact__in=visible.filter(pk__gt=sample.pk)[:50])
            .select_related("contact")
            .first()
        )
        wanted = Wanted(
            emails=(sample.emails.order_by("position").first().email,),
            phones=(sample.phones.order_by("position").first().number,),
            vat=with_vat.vat_number,
            name=f"{person.contact.first_name} {person.contact.last_name}x",
            company_id=person.company_id,
        )
        timings = []
        for _ in range(repeat + 5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                matches = find_duplicates(Contact, reader, organization, wanted)
                timings.append((time.perf_counter() - started) * 1000)
        timings = sorted(timings[5:])
        reasons = sorted({reason for match in matches for reason in match.reasons})
        print(
            f"duplicate check on save, {total:,} visible contacts: "
            f"p50 {statistics.median(timings):.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, "
            f"{len(queries)} queries, reasons found {reasons}"
        )
        for model in (Contact, Company):
            started = time.perf_counter()
            pairs = duplicate_pairs(model, reader, organization)
            elapsed = (time.perf_counter() - started) * 1000
            name = model._meta.verbose_name_plural
            print(f"duplicate pairs of {name}: {len(pairs)} in {elapsed:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
