"""Rows written in bulk are searchable at once: the indexes read the plain columns."""

import pytest

from companies.models import Company
from companies.selectors import company_search
from contacts.models import Contact, ContactEmail
from contacts.selectors import contact_search
from organizations.scoping import scopes_disabled

pytestmark = pytest.mark.django_db


def test_contacts_and_companies_from_bulk_create_are_found(acme, bob):
    with scopes_disabled():
        [zoe] = Contact.objects.bulk_create(
            [Contact(organization=acme, first_name="Zoë", last_name="Ångström")]
        )
        ContactEmail.objects.bulk_create(
            [ContactEmail(organization=acme, contact=zoe, email="zoe@lab.example")]
        )
        [lab] = Company.objects.bulk_create([Company(organization=acme, name="Ångström Lab")])

        assert list(contact_search(bob, acme, q="zoe angstrom")) == [zoe]
        assert list(contact_search(bob, acme, q="zoe@lab")) == [zoe]
        assert list(company_search(bob, acme, q="angstrom")) == [lab]


def test_a_guest_and_an_outsider_find_nothing(acme, gina, mallory):
    with scopes_disabled():
        Contact.objects.create(organization=acme, first_name="Marco", last_name="Rossi")
        Company.objects.create(organization=acme, name="Rossi SpA")

        for user in (gina, mallory):
            assert not contact_search(user, acme, q="rossi").exists()
            assert not company_search(user, acme, q="rossi").exists()
