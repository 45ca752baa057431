"""Nothing shows an invisible contact or company: counts, search, pickers, relations.

carol (a member) keeps private records that bob (a member) and alice (the owner) must
not see; they are planted so that every way of reaching them would match.
"""

from urllib.parse import quote_plus

import pytest
from django.urls import reverse

from companies.models import Affiliation
from organizations.scoping import scopes_disabled
from tests import factories


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


@pytest.fixture
def hidden(acme, carol):
    """carol's private contact and private company, full of searchable details."""
    with scopes_disabled():
        contact = factories.ContactFactory(
            organization=acme,
            first_name="Secret",
            last_name="Hiddenperson",
            role="Whistleblower",
            visibility="private",
            created_by=carol,
            vat_number="IT00743110157",
            fiscal_code="RSSMRA85T10A562S",
            pec="hidden@pec.example",
        )
        contact.emails.create(organization=acme, email="hidden.person@example.net", position=0)
        contact.phones.create(organization=acme, number="+390299887766", position=0)
        company = factories.CompanyFactory(
            organization=acme,
            name="Hiddencorp",
            visibility="private",
            created_by=carol,
            vat_number="IT01234567897",
        )
        company.emails.create(organization=acme, email="info@hiddencorp.example", position=0)
        company.phones.create(organization=acme, number="+390611223344", position=0)
    return {"contact": contact, "company": company}


@pytest.fixture
def public_pair(acme, carol, hidden):
    """A public contact whose primary company is carol's private one, and a public company
    whose only contact person is carol's private contact."""
    contact = factories.ContactFactory(
        organization=acme, first_name="Paolo", last_name="Publicperson", created_by=carol
    )
    factories.AffiliationFactory(contact=contact, company=hidden["company"], is_primary=True)
    company = factories.CompanyFactory(organization=acme, name="Opencorp", created_by=carol)
    affiliation = factories.AffiliationFactory(
        contact=hidden["contact"], company=company, is_primary=True, role="Insider"
    )
    return {"contact": contact, "company": company, "affiliation": affiliation}


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["bob", "alice"])
def test_list_counts_leave_out_private_records_of_others(client_for, cast, acme, hidden, viewer):
    factories.ContactFactory(organization=acme, last_name="Visible", created_by=cast["carol"])
    factories.ContactFactory(
        organization=acme, last_name="Mine", visibility="private", created_by=cast[viewer]
    )
    client = client_for(cast[viewer])

    contacts = text(client.get(url("contact_list")))
    companies = text(client.get(url("company_list")))

    assert "2 contacts" in contacts
    assert "Hiddenperson" not in contacts
    assert "0 companies" in companies
    assert "Hiddencorp" not in companies


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q",
    [
        "Hiddenperson",
        "Whistleblower",
        "hidden.person@example",
        "hidden@pec",
        "0299887766",
        "IT00743110157",
        "RSSMRA85T10A562S",
    ],
)
def test_searching_contacts_never_finds_an_invisible_one(client_for, bob, hidden, q):
    client = client_for(bob)

    page = text(client.get(url("contact_list"), {"q": q}))
    picker = text(client.get(url("contact_autocomplete"), {"q": q}))

    assert "0 contacts" in page
    # The search text comes back in the box and in the sort links: not a leak.
    echoed = page.replace(f'value="{q}"', "").replace(f"q={quote_plus(q)}", "")
    assert "Hiddenperson" not in echoed
    assert "Hiddenperson" not in picker


@pytest.mark.django_db
def test_the_creator_finds_the_same_contact_by_each_of_its_details(client_for, carol, hidden):
    client = client_for(carol)

    for q in ["Hiddenperson", "hidden.person@example", "02 9988 7766", "IT00743110157"]:
        assert "1 contact" in text(client.get(url("contact_list"), {"q": q})), q
        assert "Hiddenperson" in text(client.get(url("contact_autocomplete"), {"q": q})), q


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["Hiddencorp", "info@hiddencorp", "0611223344", "IT01234567897"])
def test_searching_companies_never_finds_an_invisible_one(client_for, bob, hidden, q):
    client = client_for(bob)

    page = text(client.get(url("company_list"), {"q": q}))
    picker = text(client.get(url("company_autocomplete"), {"q": q}))

    assert "0 companies" in page
    # The search text comes back in the box and in the sort links: not a leak.
    echoed = page.replace(f'value="{q}"', "").replace(f"q={quote_plus(q)}", "")
    assert "Hiddencorp" not in echoed
    assert "Hiddencorp" not in picker


@pytest.mark.django_db
def test_searching_contacts_by_a_private_company_name_finds_nothing(client_for, bob, public_pair):
    page = text(client_for(bob).get(url("contact_list"), {"q": "Hiddencorp"}))

    assert "0 contacts" in page
    assert "Publicperson" not in page


@pytest.mark.django_db
def test_searching_contacts_by_a_visible_company_name_finds_its_persons(
    client_for, carol, public_pair
):
    page = text(client_for(carol).get(url("contact_list"), {"q": "Hiddencorp"}))

    assert "1 contact" in page
    assert "Publicperson" in page


@pytest.mark.django_db
def test_a_contact_page_never_names_a_private_company_it_is_linked_to(client_for, bob, public_pair):
    client = client_for(bob)
    contact = public_pair["contact"]

    detail = text(client.get(url("contact_detail", pk=contact.pk)))
    edit = text(client.get(url("contact_edit", pk=contact.pk)))
    row = text(client.get(url("contact_row", pk=contact.pk)))
    listing = text(client.get(url("contact_list")))

    for page in (detail, edit, row, listing):
        assert "Hiddencorp" not in page
    assert "Not linked to any company." in detail


@pytest.mark.django_db
def test_a_company_page_never_names_a_private_contact_person(client_for, bob, public_pair):
    company = public_pair["company"]

    page = text(client_for(bob).get(url("company_detail", pk=company.pk)))

    assert "Opencorp" in page
    assert "Hiddenperson" not in page
    assert "Insider" not in page
    assert "No contact persons yet." in page


@pytest.mark.django_db
def test_removing_an_invisible_contact_person_is_404_and_keeps_the_link(
    client_for, bob, public_pair, unscoped
):
    company, affiliation = public_pair["company"], public_pair["affiliation"]

    response = client_for(bob).post(
        url("company_person_remove", pk=company.pk, affiliation_pk=affiliation.pk)
    )

    assert response.status_code == 404
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


@pytest.mark.django_db
def test_adding_an_invisible_contact_as_a_person_is_refused(
    client_for, bob, public_pair, hidden, unscoped
):
    company = factories.CompanyFactory(organization=public_pair["company"].organization)

    response = client_for(bob).post(
        url("company_person_add", pk=company.pk), {"contact_id": hidden["contact"].pk}, follow=True
    )

    assert "Choose a person from the list." in text(response)
    assert "Hiddenperson" not in text(response)
    assert not Affiliation.objects.filter(company=company).exists()


@pytest.mark.django_db
def test_filtering_contacts_by_a_private_company_reveals_neither_it_nor_its_persons(
    client_for, bob, hidden, public_pair
):
    page = text(client_for(bob).get(url("contact_list"), {"company": hidden["company"].pk}))

    assert "Hiddencorp" not in page
    assert "Publicperson" not in page
    assert "0 contacts" in page


@pytest.mark.django_db
def test_filtering_contacts_by_a_visible_company_shows_its_persons(
    client_for, carol, hidden, public_pair
):
    page = text(client_for(carol).get(url("contact_list"), {"company": hidden["company"].pk}))

    assert "Company: Hiddencorp" in page
    assert "Publicperson" in page
    assert "1 contact" in page


@pytest.mark.django_db
def test_picking_an_invisible_company_in_the_contact_form_is_refused(
    client_for, bob, hidden, unscoped
):
    from tests.contacts.helpers import contact_data

    response = client_for(bob).post(
        url("contact_create"),
        contact_data(last_name="Picker", company_id=hidden["company"].pk, company_name="x"),
    )

    assert response.status_code == 400
    assert "Choose a company from the list." in text(response)
    assert "Hiddencorp" not in text(response)
    assert not Affiliation.objects.filter(company=hidden["company"], contact__last_name="Picker")


@pytest.mark.django_db
def test_a_guest_sees_no_contact_or_company_anywhere(client_for, gina, acme, unscoped):
    factories.ContactFactory(organization=acme, last_name="Publicperson")
    factories.CompanyFactory(organization=acme, name="Opencorp")
    client = client_for(gina)

    dashboard = text(client.get(reverse("dashboard", kwargs={"slug": "acme"})))

    assert "Publicperson" not in dashboard and "Opencorp" not in dashboard
    for name in ("contact_list", "company_list", "contact_autocomplete", "company_autocomplete"):
        assert client.get(url(name), {"q": "o"}).status_code == 403
