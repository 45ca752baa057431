"""Bad input on companies: refused with a message next to the field, kept, nothing saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.models import Company
from companies.services import company_create
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.contacts.helpers import (
    ADDRESSES,
    EMAILS,
    FOUR,
    PHONES,
    XSS,
    company_data,
    company_edit_data,
    dangerous_markup,
    form_values,
)


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def company_count() -> int:
    with scopes_disabled():
        return Company.objects.count()


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emails", "phones", "addresses"])
def test_a_fourth_detail_is_refused_through_the_form_and_nothing_is_saved(client_for, bob, kind):
    response = client_for(bob).post(url("company_create"), company_data(**{kind: FOUR[kind]}))

    assert response.status_code == 400
    assert f"At most 3 {kind} are allowed; you gave 4." in text(response)
    assert 'value="Initech"' in text(response)
    assert company_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emails", "phones", "addresses"])
def test_a_fourth_detail_is_refused_by_the_service_and_nothing_is_saved(acme, bob, kind):
    rows = {
        "emails": [{"email": e} for e in EMAILS],
        "phones": [{"number": p} for p in PHONES],
        "addresses": ADDRESSES,
    }[kind]

    with scope(organization=acme), pytest.raises(ValidationError) as raised:
        company_create(
            organization=acme, created_by=bob, fields={"name": "Initech"}, **{kind: rows}
        )

    assert raised.value.message_dict == {kind: [f"At most 3 {kind} are allowed; you gave 4."]}
    assert company_count() == 0


@pytest.mark.django_db
def test_three_of_each_are_accepted_in_order(client_for, bob, unscoped):
    response = client_for(bob).post(
        url("company_create"),
        company_data(emails=EMAILS[:3], phones=PHONES[:3], addresses=ADDRESSES[:3]),
    )

    company = Company.objects.get()
    assert response.status_code == 302
    assert list(company.emails.values_list("email", flat=True)) == EMAILS[:3]
    assert list(company.phones.values_list("number", flat=True)) == [
        "+390212345671",
        "+390212345672",
        "+390212345673",
    ]
    assert list(company.addresses.values_list("city", flat=True)) == ["Milano", "Roma", "Torino"]


@pytest.mark.django_db
def test_an_invalid_email_and_phone_are_refused_next_to_their_fields_and_kept(client_for, bob):
    response = client_for(bob).post(
        url("company_create"), company_data(emails=["info@"], phones=["+39 12"])
    )

    page = text(response)
    assert response.status_code == 400
    assert 'id="id_emails-0-email_error"' in page and 'value="info@"' in page
    assert 'id="id_phones-0-number_error"' in page and 'value="+39 12"' in page
    assert company_count() == 0


@pytest.mark.django_db
def test_an_invalid_vat_number_is_refused_with_a_message_naming_the_field(client_for, bob):
    response = client_for(bob).post(
        url("company_create"), company_data(vat_number="DE123", name="Keep me GmbH")
    )

    page = text(response)
    assert response.status_code == 400
    assert "“DE123” is not a valid VAT number." in page
    assert 'id="id_vat_number_error"' in page
    assert 'value="Keep me GmbH"' in page
    assert company_count() == 0


@pytest.mark.django_db
def test_the_service_refuses_an_invalid_vat_number_naming_the_field(acme, bob):
    with scope(organization=acme), pytest.raises(ValidationError) as raised:
        company_create(
            organization=acme, created_by=bob, fields={"name": "X", "vat_number": "00743110158"}
        )

    assert raised.value.message_dict == {"vat_number": ["“00743110158” is not a valid VAT number."]}
    assert company_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("IT 00743110157", ""),
        ("IT00743110157", "DE"),
        ("00743110157", "IT"),
        ("007 431 101 57", ""),
    ],
)
def test_a_vat_number_is_stored_normalized(client_for, bob, unscoped, typed, country):
    response = client_for(bob).post(
        url("company_create"), company_data(vat_number=typed, tax_country=country)
    )

    assert response.status_code == 302
    assert Company.objects.get().vat_number == "IT00743110157"


@pytest.mark.django_db
def test_the_service_normalizes_the_vat_number_too(acme, bob, unscoped):
    company = company_create(
        organization=acme,
        created_by=bob,
        fields={"name": "Enel", "vat_number": "00743110157", "tax_country": "it"},
    )

    assert (company.vat_number, company.tax_country) == ("IT00743110157", "IT")


@pytest.mark.django_db
def test_a_vat_number_of_another_eu_country_is_checked_with_its_own_rules(client_for, bob):
    ok = client_for(bob).post(url("company_create"), company_data(vat_number="DE 136 695 976"))
    bad = client_for(bob).post(url("company_create"), company_data(vat_number="DE136695977"))

    assert ok.status_code == 302
    assert bad.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_xss_in_every_text_field_is_shown_as_text(client_for, bob, acme, payload, unscoped):
    client = client_for(bob)
    response = client.post(
        url("company_create"),
        company_data(
            name=f"Co{payload}",
            description=payload,
            addresses=[
                {
                    "label": "office",
                    "street": payload,
                    "postal_code": payload[:20],
                    "city": payload,
                    "region": payload,
                }
            ],
        ),
    )
    assert response.status_code == 302, text(response)
    company = Company.objects.get()
    person = factories.ContactFactory(organization=acme, first_name=payload, role=payload)
    factories.AffiliationFactory(contact=person, company=company, role=payload, is_primary=True)

    pages = {
        "detail": client.get(company.get_absolute_url()),
        "edit": client.get(url("company_edit", pk=company.pk)),
        "list": client.get(url("company_list")),
        "search": client.get(url("company_list"), {"q": payload}),
        "row": client.get(url("company_row", pk=company.pk)),
        "row form": client.get(url("company_row", pk=company.pk), {"edit": "1"}),
        "autocomplete": client.get(url("company_autocomplete"), {"q": "Co"}),
        "delete": client.get(url("company_delete", pk=company.pk)),
        "person": client.get(person.get_absolute_url()),
        "contact list": client.get(url("contact_list")),
        "filtered contact list": client.get(url("contact_list"), {"company": company.pk}),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert dangerous_markup(text(page)) == [], name


@pytest.mark.django_db
def test_a_non_creator_cannot_sneak_a_visibility_change_through_the_edit_form(
    client_for, bob, carol, acme, unscoped
):
    company = factories.CompanyFactory(organization=acme, name="Opencorp", created_by=carol)

    response = client_for(bob).post(
        url("company_edit", pk=company.pk),
        company_edit_data(company, name="Renamed", visibility="private"),
    )

    company.refresh_from_db()
    assert response.status_code == 403
    assert (company.name, company.visibility) == ("Opencorp", "public")


@pytest.mark.django_db
def test_saving_the_edit_form_unchanged_keeps_every_detail(client_for, bob, acme, unscoped):
    company = factories.CompanyFactory(
        organization=acme,
        name="Keeper Srl",
        description="@bob@example.com",
        vat_number="IT00743110157",
    )
    company.emails.create(organization=acme, label="other", email="k@example.com", position=0)
    company.phones.create(organization=acme, label="fax", number="+390212345678", position=0)
    company.phones.create(organization=acme, label="work", number="+390212345679", position=1)
    company.addresses.create(organization=acme, label="billing", street="Via Roma 1", city="Bari")

    def snapshot() -> dict:
        return {
            "fields": Company.objects.filter(pk=company.pk)
            .values("name", "description", "vat_number", "visibility", "type", "sector")
            .get(),
            "emails": list(company.emails.values_list("label", "email")),
            "phones": list(company.phones.values_list("label", "number")),
            "addresses": list(company.addresses.values_list("label", "street", "city")),
            "mentions": list(company.mentions.values_list("user__email", flat=True)),
        }

    before = snapshot()
    client = client_for(bob)

    posted = form_values(text(client.get(url("company_edit", pk=company.pk))))
    response = client.post(url("company_edit", pk=company.pk), posted)

    assert response.status_code == 302
    assert snapshot() == before
