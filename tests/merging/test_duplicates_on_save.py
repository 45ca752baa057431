"""Saving a contact or company that looks like a visible record asks first (issue 17).

Each reason (same email, phone, VAT number, a very similar name at the same company)
shows the form again naming the record, saving nothing until "Save anyway"; a private
record the user cannot see is never named; an edit warns only about what it changes.
"""

import pytest
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from directory.duplicates import Wanted, find_duplicates
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.contacts.helpers import company_data, contact_data, contact_edit_data, details_data

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def count(model, **filters) -> int:
    with scopes_disabled():
        return model.objects.filter(**filters).count()


@pytest.fixture
def grace(acme, carol):
    """carol's public contact Grace Hopper at Initech, with an email, a phone and a VAT."""
    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, name="Initech", created_by=carol)
        grace = factories.ContactFactory(
            organization=acme,
            first_name="Grace",
            last_name="Hopper",
            vat_number="IT00743110157",
            created_by=carol,
        )
        grace.emails.create(organization=acme, email="grace@navy.test", position=0)
        grace.phones.create(organization=acme, number="+390212345678", position=0)
        factories.AffiliationFactory(contact=grace, company=company, is_primary=True)
    return grace


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"emails": ["Grace@Navy.test"]}, "same email"),
        ({"phones": ["+39 02 1234 5678"]}, "same phone"),
        ({"vat_number": "00743110157", "tax_country": "IT"}, "same VAT number"),
        (
            {"first_name": "Grace", "last_name": "Hoper", "company_name": "Initech"},
            "similar name at the same company",
        ),
    ],
    ids=["email", "phone", "vat", "name"],
)
def test_each_reason_shows_the_form_again_and_saves_nothing(grace, bob, client_for, fields, reason):
    client = client_for(bob)
    emails, phones = fields.pop("emails", ()), fields.pop("phones", ())
    data = contact_data(emails=emails, phones=phones, **{"first_name": "Ada", **fields})

    response = client.post(url("contact_create"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="duplicates"' in page
    assert "This looks like" in page
    assert url("contact_detail", pk=grace.pk) in page
    assert "Grace Hopper" in page
    assert reason in page
    assert 'name="confirm_duplicates"' in page
    # What was typed is kept, and nothing was saved.
    assert 'value="Initech"' in page or "company_name" not in fields
    assert count(Contact) == 1


def test_save_anyway_creates_the_record(grace, bob, client_for):
    client = client_for(bob)
    data = contact_data(emails=["grace@navy.test"], first_name="Grace", last_name="H.")

    response = client.post(url("contact_create"), {**data, "confirm_duplicates": "1"})

    assert response.status_code == 302
    assert count(Contact) == 2


def test_no_duplicate_saves_at_once(grace, bob, client_for):
    response = client_for(bob).post(
        url("contact_create"), contact_data(emails=["someone@else.test"])
    )
    assert response.status_code == 302
    assert count(Contact) == 2


def test_a_private_record_the_user_cannot_see_is_never_named(acme, carol, bob, client_for):
    with scope(organization=acme):
        secret = factories.ContactFactory(
            organization=acme,
            first_name="Secret",
            last_name="Agent",
            visibility="private",
            created_by=carol,
        )
        secret.emails.create(organization=acme, email="agent@secret.test", position=0)

    response = client_for(bob).post(
        url("contact_create"), contact_data(emails=["agent@secret.test"])
    )

    # Saved at once: bob learns nothing about carol's private contact.
    assert response.status_code == 302
    assert count(Contact) == 2
    # carol, who sees it, is warned.
    response = client_for(carol).post(
        url("contact_create"), contact_data(emails=["agent@secret.test"])
    )
    assert response.status_code == 200
    assert "Secret Agent" in response.content.decode()


def test_a_company_with_the_same_vat_or_email(acme, bob, client_for):
    with scope(organization=acme):
        initech = factories.CompanyFactory(
            organization=acme, name="Initech", vat_number="IT00743110157"
        )
        initech.emails.create(organization=acme, email="info@initech.test", position=0)
    client = client_for(bob)

    response = client.post(
        url("company_create"), company_data(name="Initech S.p.A.", vat_number="IT00743110157")
    )
    assert response.status_code == 200
    assert "same VAT number" in response.content.decode()
    response = client.post(
        url("company_create"), company_data(name="Other", emails=["INFO@initech.test"])
    )
    assert response.status_code == 200
    assert "same email" in response.content.decode()
    assert count(Company) == 1


def test_an_edit_warns_only_about_what_it_changes(grace, acme, bob, client_for):
    with scope(organization=acme):
        twin = factories.ContactFactory(organization=acme, first_name="Twin", last_name="Hopper")
        twin.emails.create(organization=acme, email="grace@navy.test", position=0)
        other = factories.ContactFactory(organization=acme, first_name="Other", last_name="One")
        other.emails.create(organization=acme, email="other@one.test", position=0)
    client = client_for(bob)
    # The email twin already shares with grace is not news: saving other fields just works.
    data = {**contact_edit_data(twin, role="Admiral"), **details_data(emails=["grace@navy.test"])}
    assert client.post(url("contact_edit", pk=twin.pk), data).status_code == 302
    # Taking other's email is.
    data = {**contact_edit_data(twin), **details_data(emails=["other@one.test"])}
    response = client.post(url("contact_edit", pk=twin.pk), data)
    assert response.status_code == 200
    assert "Other One" in response.content.decode()
    with scopes_disabled():
        assert list(twin.emails.values_list("email", flat=True)) == ["grace@navy.test"]


def test_bad_input_keeps_the_form_before_any_duplicate_check(grace, bob, client_for):
    data = contact_data(emails=["grace@navy.test"], first_name="")
    response = client_for(bob).post(url("contact_create"), data)
    assert response.status_code == 400
    assert 'id="duplicates"' not in response.content.decode()
    assert count(Contact) == 1


def test_the_check_is_a_few_indexed_queries(grace, acme, bob, django_assert_max_num_queries):
    with scopes_disabled():
        company_id = Company.objects.get(name="Initech").pk
    wanted = Wanted(
        emails=("grace@navy.test", "x@y.test", "z@y.test"),
        phones=("+390212345678",),
        vat="IT00743110157",
        name="Grace Hopper",
        company_id=company_id,
    )
    with scope(organization=acme), django_assert_max_num_queries(4):
        matches = find_duplicates(Contact, bob, acme, wanted)
    assert len(matches) == 1
    assert sorted(matches[0].reasons) == ["email", "name", "phone", "vat"]
