"""`seed_demo` fills Acme's directory with realistic records, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from companies.models import Affiliation, Company, CompanyMention
from contacts.models import Contact, ContactMention
from organizations.models import Organization, User


def directory_counts() -> tuple[int, ...]:
    return (
        Contact.objects.count(),
        Company.objects.count(),
        Affiliation.objects.count(),
        ContactMention.objects.count(),
        CompanyMention.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_adds_the_directory_once(unscoped):
    call_command("seed_demo", stdout=StringIO())
    first = directory_counts()

    call_command("seed_demo", stdout=StringIO())

    assert directory_counts() == first
    assert first[0] >= 5 and first[1] >= 3 and first[2] >= 3


@pytest.mark.django_db
def test_the_demo_has_private_records_that_mentions_open_to_some_members(unscoped):
    call_command("seed_demo", stdout=StringIO())
    acme = Organization.objects.get(slug="acme")
    users = {user.email.split("@")[0]: user for user in User.objects.all()}

    assert Contact.objects.filter(organization=acme, visibility="private").exists()
    assert Company.objects.filter(organization=acme, visibility="private").exists()
    assert ContactMention.objects.filter(organization=acme).exists()
    # Every mention is of a member who can read the directory, never of the guest.
    guest = [u for name, u in users.items() if name.startswith("gina")]
    assert not ContactMention.objects.filter(user__in=guest).exists()
    # The owner does not see every private record: being owner grants nothing extra.
    visible = Contact.objects.visible_to(users["alice"], acme)
    assert visible.count() < Contact.objects.filter(organization=acme).count()


@pytest.mark.django_db
def test_demo_phones_and_vat_numbers_are_stored_normalized(unscoped):
    call_command("seed_demo", stdout=StringIO())

    for model in (Contact, Company):
        for record in model.objects.prefetch_related("phones"):
            for phone in record.phones.all():
                assert phone.number.startswith("+") and phone.number[1:].isdigit()
            assert record.vat_number == record.vat_number.replace(" ", "").upper()
