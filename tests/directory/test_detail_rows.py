"""A record's emails, phones and addresses read as JSON in the record's own query."""

import pytest

from companies.models import Company
from contacts.models import Contact
from directory.detail_rows import attach_detail_rows, with_detail_rows
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.django_db


def read(model, record):
    with scopes_disabled():
        return attach_detail_rows(with_detail_rows(model.objects.all()).get(pk=record.pk))


def test_a_contact_gets_its_own_rows_of_each_kind_in_position_order(acme, globex):
    with scopes_disabled():
        contact = factories.ContactFactory(organization=acme)
        neighbour = factories.ContactFactory(organization=acme)
        for position in (2, 0, 1):
            contact.emails.create(
                organization=acme, email=f"e{position}@example.com", position=position
            )
            contact.phones.create(
                organization=acme, number=f"+3902123456{position}", position=position
            )
        contact.addresses.create(
            organization=acme, label="home", street="Via Roma 1", city="Milano", position=0
        )
        neighbour.emails.create(organization=acme, email="neighbour@example.com")

    record = read(Contact, contact)

    assert [e.email for e in record.email_rows] == [f"e{n}@example.com" for n in range(3)]
    assert [p.number for p in record.phone_rows] == [f"+3902123456{n}" for n in range(3)]
    assert record.phone_rows[0].formatted.startswith("+39")
    (address,) = record.address_rows
    assert (address.get_label_display(), address.lines) == ("Home", ["Via Roma 1", "Milano"])
    assert all(
        e.contact_id == contact.pk and e.organization_id == acme.pk for e in record.email_rows
    )
    assert all(e.pk for e in record.email_rows)


def test_a_record_without_details_gets_empty_lists(acme):
    with scopes_disabled():
        company = factories.CompanyFactory(organization=acme)

    record = read(Company, company)

    assert (record.email_rows, record.phone_rows, record.address_rows) == ([], [], [])


def test_each_record_of_a_queryset_gets_only_its_own_rows(acme):
    with scopes_disabled():
        companies = [factories.CompanyFactory(organization=acme) for _ in range(3)]
        for index, company in enumerate(companies):
            company.emails.create(organization=acme, email=f"c{index}@example.com")
        rows = {
            company.pk: [e.email for e in attach_detail_rows(company).email_rows]
            for company in with_detail_rows(Company.objects.filter(organization=acme))
        }

    assert rows == {company.pk: [f"c{i}@example.com"] for i, company in enumerate(companies)}
