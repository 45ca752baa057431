"""The contact form sets the primary company: pick one, or type a name to create it.

bob (a member) edits; carol (a member) owns a private company bob cannot see.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.models import Affiliation, Company
from contacts.models import Contact
from contacts.services import CompanyChoice, contact_create
from tests import factories
from tests.contacts.helpers import contact_data, contact_edit_data


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def primary_of(contact) -> Company | None:
    link = Affiliation.objects.filter(contact=contact, is_primary=True).first()
    return link.company if link else None


@pytest.mark.django_db
def test_picking_an_existing_company_makes_it_the_primary_one(client_for, bob, acme, unscoped):
    initech = factories.CompanyFactory(organization=acme, name="Initech")

    response = client_for(bob).post(
        url("contact_create"),
        contact_data(role="CTO", company_id=initech.pk, company_name="Initech"),
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response.url == contact.get_absolute_url()
    link = Affiliation.objects.get(contact=contact)
    assert (link.company, link.is_primary, link.role, link.organization) == (
        initech,
        True,
        "CTO",
        acme,
    )
    assert Company.objects.count() == 1


@pytest.mark.django_db
def test_typing_a_new_name_creates_the_company_and_links_it(client_for, bob, acme, unscoped):
    response = client_for(bob).post(url("contact_create"), contact_data(company_name=" Hooli "))

    contact = Contact.objects.get()
    hooli = Company.objects.get()
    assert response.status_code == 302
    assert (hooli.name, hooli.created_by, hooli.organization, hooli.visibility) == (
        "Hooli",
        bob,
        acme,
        "public",
    )
    assert primary_of(contact) == hooli
    page = client_for(bob).get(contact.get_absolute_url()).content.decode()
    assert f'href="{hooli.get_absolute_url()}">Hooli</a>' in page


@pytest.mark.django_db
def test_typing_the_name_of_a_visible_company_links_it_instead_of_a_duplicate(
    client_for, bob, acme, unscoped
):
    initech = factories.CompanyFactory(organization=acme, name="Initech")

    client_for(bob).post(url("contact_create"), contact_data(company_name="initech"))

    assert Company.objects.count() == 1
    assert primary_of(Contact.objects.get()) == initech


@pytest.mark.django_db
def test_typing_the_name_of_an_invisible_company_creates_a_new_one(
    client_for, bob, carol, acme, unscoped
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Initech", visibility="private", created_by=carol
    )

    client_for(bob).post(url("contact_create"), contact_data(company_name="Initech"))

    created = primary_of(Contact.objects.get())
    assert created != hidden and created.created_by == bob


@pytest.mark.django_db
def test_a_contact_that_fails_validation_creates_no_company(client_for, bob, unscoped):
    response = client_for(bob).post(
        url("contact_create"), contact_data(company_name="Hooli", vat_number="IT12345678901")
    )

    assert response.status_code == 400
    assert 'value="Hooli"' in response.content.decode()
    assert not Company.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_service_creates_no_company_when_the_contact_fails(acme, bob, unscoped):
    with pytest.raises(ValidationError):
        contact_create(
            organization=acme,
            created_by=bob,
            fields={"first_name": "Ada", "last_name": "Lovelace"},
            phones=[{"number": "12"}],
            company=CompanyChoice(new_name="Hooli"),
        )

    assert not Company.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_primary_company(client_for, bob, acme):
    link = factories.AffiliationFactory(
        contact__organization=acme, company__name="Initech", is_primary=True
    )

    page = client_for(bob).get(url("contact_edit", pk=link.contact.pk)).content.decode()

    assert 'value="Initech"' in page
    assert f'name="company_id" value="{link.company.pk}"' in page


@pytest.mark.django_db
def test_choosing_another_company_keeps_the_old_one_as_a_secondary_link(
    client_for, bob, acme, unscoped
):
    link = factories.AffiliationFactory(
        contact__organization=acme, company__name="Initech", is_primary=True
    )
    contact = link.contact
    hooli = factories.CompanyFactory(organization=acme, name="Hooli")

    client_for(bob).post(
        url("contact_edit", pk=contact.pk),
        contact_edit_data(contact, company_id=hooli.pk, company_name="Hooli"),
    )

    assert primary_of(contact) == hooli
    assert Affiliation.objects.filter(contact=contact, is_primary=False).get().company == (
        link.company
    )


@pytest.mark.django_db
def test_emptying_the_company_field_unlinks_the_primary_company(client_for, bob, acme, unscoped):
    link = factories.AffiliationFactory(
        contact__organization=acme, company__name="Initech", is_primary=True
    )

    client_for(bob).post(
        url("contact_edit", pk=link.contact.pk),
        contact_edit_data(link.contact, company_id="", company_name=""),
    )

    assert not Affiliation.objects.filter(pk=link.pk).exists()
    assert Company.objects.filter(pk=link.company.pk).exists()


@pytest.mark.django_db
def test_a_private_company_the_editor_cannot_see_stays_linked_when_they_save(
    client_for, bob, carol, acme, unscoped
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Hiddencorp", visibility="private", created_by=carol
    )
    link = factories.AffiliationFactory(
        contact__organization=acme, contact__created_by=carol, company=hidden, is_primary=True
    )
    contact = link.contact
    form = client_for(bob).get(url("contact_edit", pk=contact.pk)).content.decode()
    assert "Hiddencorp" not in form

    # bob saves the form as it was shown to him: with an empty company field.
    response = client_for(bob).post(
        url("contact_edit", pk=contact.pk),
        contact_edit_data(contact, role="Buyer", company_id="", company_name=""),
    )

    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).role == "Buyer"
    assert primary_of(contact) == hidden
    carols_page = client_for(carol).get(contact.get_absolute_url()).content.decode()
    assert "Hiddencorp" in carols_page


@pytest.mark.django_db
def test_picking_a_company_next_to_an_invisible_primary_keeps_the_hidden_link(
    client_for, bob, carol, acme, unscoped
):
    hidden = factories.CompanyFactory(
        organization=acme, name="Hiddencorp", visibility="private", created_by=carol
    )
    link = factories.AffiliationFactory(contact__organization=acme, company=hidden, is_primary=True)
    hooli = factories.CompanyFactory(organization=acme, name="Hooli")

    client_for(bob).post(
        url("contact_edit", pk=link.contact.pk),
        contact_edit_data(link.contact, company_id=hooli.pk, company_name="Hooli"),
    )

    assert primary_of(link.contact) == hooli
    assert Affiliation.objects.filter(pk=link.pk).exists()


@pytest.mark.django_db
def test_the_company_picker_offers_matching_visible_companies(client_for, bob, carol, acme):
    factories.CompanyFactory(organization=acme, name="Initech")
    factories.CompanyFactory(organization=acme, name="Initrode")
    factories.CompanyFactory(
        organization=acme, name="Inithidden", visibility="private", created_by=carol
    )

    options = client_for(bob).get(url("company_autocomplete"), {"q": "init"}).content.decode()

    assert 'data-label="Initech"' in options and 'data-label="Initrode"' in options
    assert "Inithidden" not in options


@pytest.mark.django_db
def test_the_company_picker_says_a_new_name_will_create_a_company(client_for, bob):
    options = client_for(bob).get(url("company_autocomplete"), {"q": "Nothing"}).content.decode()

    assert "No matching company: a new one will be created." in options


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_company_is_created_rolls_everything_back(
    acme, bob, monkeypatch, unscoped
):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Affiliation, "save", fail)

    with pytest.raises(RuntimeError):
        contact_create(
            organization=acme,
            created_by=bob,
            fields={"first_name": "Ada", "last_name": "Lovelace"},
            emails=[{"email": "ada@example.com"}],
            company=CompanyChoice(new_name="Hooli"),
        )

    assert not Company.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_company_typed_into_a_private_contact_is_private_too(client_for, bob, carol, unscoped):
    client_for(bob).post(
        url("contact_create"), contact_data(company_name="Stealth Startup", visibility="private")
    )
    stealth = Company.objects.get(name="Stealth Startup")
    assert stealth.visibility == "private"
    assert client_for(carol).get(stealth.get_absolute_url()).status_code == 404
