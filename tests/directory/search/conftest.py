"""A small directory with accents, phones, VAT numbers and companies, created by carol."""

import re

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def contact_ids(response) -> list[int]:
    """The contacts of a contact list page, in the order shown."""
    return [int(pk) for pk in re.findall(r'<tr id="contact-(\d+)"', response.content.decode())]


def company_ids(response) -> list[int]:
    """The companies of a company list page, in the order shown."""
    return [int(pk) for pk in re.findall(r'<tr id="company-(\d+)"', response.content.decode())]


def found(response, kind: str) -> list[int]:
    """The contacts or companies the global search links to, in the order shown."""
    return [int(pk) for pk in re.findall(rf"/o/acme/{kind}/(\d+)/", response.content.decode())]


@pytest.fixture
def directory(acme, carol):
    """People and companies with every searchable detail; all public, created by carol."""
    with scopes_disabled():
        people = {}
        for key, first, last, role in [
            ("jose", "José", "García", "Chief Executive Officer"),
            ("hans", "Hans", "Müller", "Buyer"),
            ("marco", "Marco", "Rossi", "Sales manager"),
            ("rossini", "Gioachino", "Rossini", "Composer"),
            ("ada", "Ada", "Lovelace", "Analyst"),
        ]:
            people[key] = factories.ContactFactory(
                organization=acme, first_name=first, last_name=last, role=role, created_by=carol
            )
        people["ada"].emails.create(organization=acme, email="ada@analytical.example")
        people["ada"].vat_number = "IT00743110157"
        people["ada"].save()
        people["marco"].phones.create(organization=acme, number="+390212345678")
        people["hans"].emails.create(organization=acme, email="hans.mueller@example.com")
        initech = factories.CompanyFactory(
            organization=acme, name="Initech Società", vat_number="IT01234567897", created_by=carol
        )
        initech.emails.create(organization=acme, email="info@initech.example")
        initech.phones.create(organization=acme, number="+390611223344")
        globex = factories.CompanyFactory(organization=acme, name="Globex", created_by=carol)
        factories.AffiliationFactory(contact=people["jose"], company=initech, is_primary=True)
    return {**people, "initech": initech, "globex": globex}
