"""Search goes through visible_to: a private record never shows nor counts for others."""

import pytest

from organizations.scoping import scopes_disabled
from tests import factories
from tests.directory.search.conftest import HTMX, company_ids, contact_ids, found, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def secrets(acme, carol):
    """A private contact and a private company by carol, both named Hidden, both linked."""
    with scopes_disabled():
        person = factories.ContactFactory(
            organization=acme,
            first_name="Hidden",
            last_name="Person",
            role="Spy",
            visibility="private",
            created_by=carol,
        )
        person.phones.create(organization=acme, number="+390299887766")
        company = factories.CompanyFactory(
            organization=acme, name="Hidden Corp", visibility="private", created_by=carol
        )
        public = factories.ContactFactory(
            organization=acme, first_name="Open", last_name="Person", created_by=carol
        )
        factories.AffiliationFactory(contact=public, company=company)
    return {"person": person, "company": company, "public": public}


@pytest.mark.parametrize("q", ["hidden", "HIDDEN person", "hid", "hi", "spy", "02 9988 7766"])
def test_a_private_contact_is_not_found_by_an_unmentioned_member(client_for, bob, secrets, q):
    response = client_for(bob).get(url("contact_list"), {"q": q})

    assert secrets["person"].pk not in contact_ids(response)
    assert "Hidden Person" not in response.content.decode()


def test_a_private_record_is_not_counted_for_an_unmentioned_member(client_for, bob, secrets):
    page = client_for(bob).get(url("contact_list"), {"q": "person"}).content.decode()

    assert contact_ids(client_for(bob).get(url("contact_list"), {"q": "person"})) == [
        secrets["public"].pk
    ]
    assert "1 contact" in page and "2 contacts" not in page


def test_a_contact_is_not_found_by_the_name_of_a_company_hidden_from_the_reader(
    client_for, bob, secrets
):
    assert contact_ids(client_for(bob).get(url("contact_list"), {"q": "hidden corp"})) == []


def test_a_private_company_is_not_found_by_an_unmentioned_member(client_for, bob, secrets):
    assert company_ids(client_for(bob).get(url("company_list"), {"q": "hidden"})) == []


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_global_search_hides_private_records_from_an_unmentioned_member(
    client_for, bob, secrets, headers
):
    response = client_for(bob).get(url("search"), {"q": "hidden"}, **headers)

    assert found(response, "contacts") == []
    assert found(response, "companies") == []
    assert "Hidden" not in response.content.decode().replace("“hidden”", "")


def test_a_mentioned_member_finds_the_private_records(client_for, bob, secrets):
    factories.mention(secrets["person"], bob)
    factories.mention(secrets["company"], bob)
    client = client_for(bob)

    # Open Person works at Hidden Corp, which bob now sees too.
    assert sorted(contact_ids(client.get(url("contact_list"), {"q": "hidden"}))) == [
        secrets["person"].pk,
        secrets["public"].pk,
    ]
    assert company_ids(client.get(url("company_list"), {"q": "hidden"})) == [secrets["company"].pk]
    response = client.get(url("search"), {"q": "hidden spy"})
    assert found(response, "contacts") == [secrets["person"].pk]
    assert found(client.get(url("search"), {"q": "hidden"}), "companies") == [secrets["company"].pk]


def test_the_creator_finds_the_private_records(client_for, carol, secrets):
    response = client_for(carol).get(url("search"), {"q": "hidden"})

    assert sorted(found(response, "contacts")) == [secrets["person"].pk, secrets["public"].pk]
    assert found(response, "companies") == [secrets["company"].pk]
