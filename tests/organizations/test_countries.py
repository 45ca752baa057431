"""Country fields take only real ISO 3166-1 alpha-2 codes (issue 20): "ÄÖ" passed the old
two-letters check and made a VAT number skip its checksum. They are pickers of translated
names (issue 18): "Germany" typed in a two-letter box once became GE, Georgia."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from contacts.services import contact_create
from organizations.forms import OrganizationForm
from organizations.models import Organization
from tests.contacts.helpers import company_data, contact_data
from tests.contacts.test_bad_input import text, url

NOT_COUNTRIES = ["ÄÖ", "XX", "EL", "UK", "I1"]
MESSAGE = "is not a two-letter country code (ISO 3166-1)"
# Not a valid Italian VAT number (wrong check digit): read anywhere it has no checksum.
BAD_VAT = "IT00743110158"


@pytest.mark.django_db
@pytest.mark.parametrize("code", NOT_COUNTRIES)
def test_the_contact_form_refuses_a_tax_country_that_is_not_a_country(client_for, bob, code):
    response = client_for(bob).post(
        url("contact_create"), contact_data(tax_country=code, vat_number="00743110158")
    )

    assert response.status_code == 400
    assert MESSAGE in text(response)
    # A picker: a forged code is refused, and the page offers the list again.
    assert '<select name="tax_country"' in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("code", NOT_COUNTRIES)
def test_the_company_form_refuses_a_tax_country_that_is_not_a_country(client_for, bob, code):
    response = client_for(bob).post(url("company_create"), company_data(tax_country=code))

    assert response.status_code == 400
    assert MESSAGE in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contact", "company"])
@pytest.mark.parametrize("code", ["ÄÖ", "XX"])
def test_an_address_country_must_be_a_country(client_for, bob, kind, code, unscoped):
    data = contact_data if kind == "contact" else company_data
    response = client_for(bob).post(
        url(f"{kind}_create"), data(addresses=[{"city": "Milano", "country": code}])
    )

    assert response.status_code == 400
    assert MESSAGE in text(response)
    assert not Contact.objects.exists() and not Company.objects.exists()


@pytest.mark.django_db
def test_real_codes_are_accepted_in_any_case(client_for, bob, unscoped):
    response = client_for(bob).post(
        url("contact_create"),
        contact_data(tax_country="gr", addresses=[{"city": "Wien", "country": "at"}]),
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.tax_country == "GR"
    assert contact.addresses.get().country == "AT"


@pytest.mark.parametrize("code", NOT_COUNTRIES)
def test_the_organization_form_refuses_a_default_country_that_is_not_a_country(code):
    form = OrganizationForm({"name": "Acme", "default_country": code})

    assert not form.is_valid()
    assert MESSAGE in str(form.errors["default_country"])


@pytest.mark.django_db
def test_the_organization_settings_page_keeps_a_refused_code(alice, acme, client_for):
    response = client_for(alice).post(
        reverse("organization_settings", kwargs={"slug": "acme"}),
        {"name": "Acme", "default_country": "ÄÖ"},
    )

    assert response.status_code == 400
    assert MESSAGE in text(response)
    acme.refresh_from_db()
    assert acme.default_country == "IT"


@pytest.mark.django_db
def test_a_service_write_with_a_false_country_cannot_skip_the_vat_checksum(acme, bob):
    with pytest.raises(ValidationError) as raised:
        contact_create(
            organization=acme,
            created_by=bob,
            fields={"last_name": "Rossi", "tax_country": "ÄÖ", "vat_number": BAD_VAT},
        )

    assert set(raised.value.message_dict) == {"tax_country", "vat_number"}


@pytest.mark.django_db
def test_the_settings_page_offers_the_countries_by_name_in_the_readers_language(
    alice, acme, client_for
):
    alice.language = "de"
    alice.save()

    page = text(client_for(alice).get(reverse("organization_settings", kwargs={"slug": "acme"})))

    assert '<select name="default_country"' in page
    assert '<option value="IT" selected>Italien</option>' in page
    assert '<option value="DE">Deutschland</option>' in page


@pytest.mark.django_db
def test_the_contact_form_picks_the_tax_country_and_address_countries_by_name(bob, client_for):
    page = text(client_for(bob).get(url("contact_create")))

    assert '<select name="tax_country"' in page
    assert '<option value="" selected>The organization&#x27;s country</option>' in page
    assert '<select name="addresses-0-country"' in page
    assert '<option value="DE">Germany</option>' in page


@pytest.mark.django_db
def test_a_name_is_not_a_code(client_for, alice):
    response = client_for(alice).post(
        reverse("organization_list"), {"name": "Initech", "default_country": "Germany"}
    )

    assert MESSAGE in text(response)
    assert not Organization.objects.filter(name="Initech").exists()


@pytest.mark.django_db
def test_an_address_shows_its_country_by_name(client_for, bob, acme, unscoped):
    client_for(bob).post(
        url("contact_create"), contact_data(addresses=[{"city": "Wien", "country": "AT"}])
    )
    contact = Contact.objects.get()

    page = text(client_for(bob).get(contact.get_absolute_url()))

    assert "Austria" in page
    bob.language = "de"
    bob.save()
    assert "Österreich" in text(client_for(bob).get(contact.get_absolute_url()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "example"), [("DE", "+49 30 123456"), ("IT", "+39 02 1234 5678")]
)
def test_phone_hints_follow_the_organizations_country(client_for, bob, acme, country, example):
    acme.default_country = country
    acme.save()
    client = client_for(bob)

    assert f'placeholder="{example}"' in text(client.get(url("contact_create")))
    response = client.post(url("contact_create"), contact_data(phones=["12"]))

    assert response.status_code == 400
    assert f"is not a valid phone number (such as {example})" in text(response)
    if country == "DE":
        assert "+39" not in text(response)
