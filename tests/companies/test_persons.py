"""A company page lists its contact persons; members add and remove them there."""

import pytest
from django.urls import reverse

from companies.models import Affiliation
from contacts.models import Contact
from tests import factories


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


@pytest.fixture
def initech(acme, carol):
    return factories.CompanyFactory(organization=acme, name="Initech", created_by=carol)


@pytest.mark.django_db
def test_the_company_page_lists_its_persons_with_their_roles(client_for, bob, acme, initech):
    ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
    bill = factories.ContactFactory(organization=acme, first_name="Bill", last_name="Lumbergh")
    factories.AffiliationFactory(contact=ada, company=initech, role="Engineer", is_primary=True)
    factories.AffiliationFactory(contact=bill, company=initech, role="Vice President")

    page = client_for(bob).get(initech.get_absolute_url()).content.decode()
    persons = page.split('id="persons"', 1)[1]

    assert f'href="{ada.get_absolute_url()}">Ada Lovelace</a>' in persons
    assert f'href="{bill.get_absolute_url()}">Bill Lumbergh</a>' in persons
    assert "Engineer" in persons and "Vice President" in persons
    assert persons.index("Ada Lovelace") < persons.index("Bill Lumbergh")
    # Ada's row carries the primary badge and each row its own remove form.
    ada_row, bill_row = persons.split("<tr>")[1:3]
    assert '<span class="badge">primary company</span>' in ada_row
    assert "primary company" not in bill_row
    for row, contact in ((ada_row, ada), (bill_row, bill)):
        link = Affiliation.objects.get(organization=acme, company=initech, contact=contact)
        remove = url("company_person_remove", pk=initech.pk, affiliation_pk=link.pk)
        assert f'action="{remove}"' in row


@pytest.mark.django_db
def test_a_private_person_is_listed_only_to_whom_may_see_them(
    client_for, alice, bob, carol, acme, initech
):
    secret = factories.ContactFactory(
        organization=acme,
        first_name="Sid",
        last_name="Secret",
        visibility="private",
        created_by=carol,
    )
    factories.AffiliationFactory(contact=secret, company=initech, role="Spy")

    for reader, sees in ((bob, False), (carol, True), (alice, False)):
        page = client_for(reader).get(initech.get_absolute_url()).content.decode()
        persons = page.split('id="persons"', 1)[1]
        assert ("Sid Secret" in persons) is sees, reader.email
        assert ("(1)" in persons) is sees, reader.email


@pytest.mark.django_db
def test_a_member_adds_a_person_with_a_role(client_for, bob, acme, initech, unscoped):
    ada = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")

    response = client_for(bob).post(
        url("company_person_add", pk=initech.pk),
        {"contact_id": ada.pk, "contact_name": "Ada Lovelace", "role": "Engineer"},
        follow=True,
    )

    link = Affiliation.objects.get(company=initech)
    assert (link.contact, link.role, link.is_primary, link.organization) == (
        ada,
        "Engineer",
        False,
        acme,
    )
    assert "Ada Lovelace is now a contact person of Initech." in response.content.decode()


@pytest.mark.django_db
def test_adding_a_person_again_updates_their_role(client_for, bob, acme, initech, unscoped):
    link = factories.AffiliationFactory(
        contact__organization=acme, company=initech, role="Engineer"
    )

    client_for(bob).post(
        url("company_person_add", pk=initech.pk), {"contact_id": link.contact.pk, "role": "CTO"}
    )

    assert list(Affiliation.objects.filter(company=initech).values_list("role", flat=True)) == [
        "CTO"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("contact_id", ["", "abc", "999999"])
def test_adding_without_a_chosen_person_is_refused_with_a_message(
    client_for, bob, initech, contact_id, unscoped
):
    response = client_for(bob).post(
        url("company_person_add", pk=initech.pk),
        {"contact_id": contact_id, "contact_name": "Someone"},
        follow=True,
    )

    assert "Choose a person from the list." in response.content.decode()
    assert not Affiliation.objects.exists()


@pytest.mark.django_db
def test_a_contact_of_another_organization_cannot_be_added(
    client_for, bob, globex, initech, unscoped
):
    stranger = factories.ContactFactory(organization=globex, last_name="Stranger")

    client_for(bob).post(url("company_person_add", pk=initech.pk), {"contact_id": stranger.pk})

    assert not Affiliation.objects.exists()


@pytest.mark.django_db
def test_a_member_removes_a_person_and_the_contact_stays(client_for, bob, acme, initech, unscoped):
    link = factories.AffiliationFactory(
        contact__organization=acme, contact__first_name="Ada", company=initech
    )

    response = client_for(bob).post(
        url("company_person_remove", pk=initech.pk, affiliation_pk=link.pk), follow=True
    )

    assert not Affiliation.objects.filter(pk=link.pk).exists()
    assert Contact.objects.filter(pk=link.contact.pk).exists()
    assert "is no longer a contact person of Initech." in response.content.decode()


@pytest.mark.django_db
def test_a_link_of_another_company_cannot_be_removed_through_this_one(
    client_for, bob, acme, initech, unscoped
):
    elsewhere = factories.AffiliationFactory(contact__organization=acme)

    response = client_for(bob).post(
        url("company_person_remove", pk=initech.pk, affiliation_pk=elsewhere.pk)
    )

    assert response.status_code == 404
    assert Affiliation.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["company_person_add", "company_person_remove"])
def test_persons_are_changed_only_by_post(client_for, bob, initech, name):
    kwargs = {"pk": initech.pk}
    if name == "company_person_remove":
        kwargs["affiliation_pk"] = 1

    assert client_for(bob).get(url(name, **kwargs)).status_code == 405


@pytest.mark.django_db
def test_the_person_picker_finds_visible_contacts_by_name_email_or_role(
    client_for, bob, carol, acme, unscoped
):
    ada = factories.ContactFactory(
        organization=acme, first_name="Ada", last_name="Lovelace", role="Engineer"
    )
    ada.emails.create(organization=acme, email="ada@analytical.example")
    factories.ContactFactory(
        organization=acme, last_name="Lovehidden", visibility="private", created_by=carol
    )
    client = client_for(bob)

    for q in ["love", "analytical", "engineer"]:
        options = client.get(url("contact_autocomplete"), {"q": q}).content.decode()
        assert f'data-value="{ada.pk}"' in options, q
        assert "Lovehidden" not in options, q


@pytest.mark.django_db
def test_deleting_a_company_keeps_its_persons(client_for, alice, acme, initech, unscoped):
    link = factories.AffiliationFactory(contact__organization=acme, company=initech)

    client_for(alice).post(url("company_delete", pk=initech.pk))

    assert Contact.objects.filter(pk=link.contact.pk).exists()
    assert not Affiliation.objects.exists()


@pytest.mark.django_db
def test_deleting_a_contact_removes_it_from_its_companies(
    client_for, alice, acme, initech, unscoped
):
    link = factories.AffiliationFactory(contact__organization=acme, company=initech)

    client_for(alice).post(url("contact_delete", pk=link.contact.pk))

    assert not Affiliation.objects.exists()
    page = client_for(alice).get(initech.get_absolute_url()).content.decode()
    assert "No contact persons yet." in page
