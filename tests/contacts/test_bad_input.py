"""Bad input on contacts: refused with a message next to the field, kept, nothing saved.

bob (a member) fills the contact form; the services are also called directly, because
the limits and formats hold for every caller, not only for the form.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from companies.models import Company
from contacts.models import Contact
from contacts.services import contact_create, contact_update
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.contacts.helpers import (
    ADDRESSES,
    EMAILS,
    FOUR,
    PHONES,
    XSS,
    contact_data,
    contact_edit_data,
    dangerous_markup,
    details_data,
    form_values,
)


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def contact_count() -> int:
    with scopes_disabled():
        return Contact.objects.count()


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emails", "phones", "addresses"])
def test_a_fourth_detail_is_refused_through_the_form_and_nothing_is_saved(client_for, bob, kind):
    response = client_for(bob).post(url("contact_create"), contact_data(**{kind: FOUR[kind]}))

    assert response.status_code == 400
    assert f"At most 3 {kind} are allowed; you gave 4." in text(response)
    assert contact_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emails", "phones", "addresses"])
def test_a_fourth_detail_is_refused_when_editing_and_the_old_ones_stay(
    client_for, bob, acme, kind, unscoped
):
    contact = factories.ContactFactory(organization=acme, last_name="Kept")
    contact.emails.create(organization=acme, email="old@example.com")
    data = {**contact_edit_data(contact), **details_data(**{kind: FOUR[kind]})}

    response = client_for(bob).post(url("contact_edit", pk=contact.pk), data)

    assert response.status_code == 400
    assert f"At most 3 {kind} are allowed" in text(response)
    assert list(contact.emails.values_list("email", flat=True)) == ["old@example.com"]
    assert contact.phones.count() == 0 and contact.addresses.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["emails", "phones", "addresses"])
def test_a_fourth_detail_is_refused_by_the_service_and_nothing_is_saved(acme, bob, kind):
    rows = {
        "emails": [{"email": e} for e in EMAILS],
        "phones": [{"number": p} for p in PHONES],
        "addresses": ADDRESSES,
    }[kind]

    with scope(organization=acme), pytest.raises(ValidationError) as raised:
        contact_create(
            organization=acme,
            created_by=bob,
            fields={"first_name": "Ada", "last_name": "Lovelace"},
            **{kind: rows},
        )

    assert raised.value.message_dict == {kind: [f"At most 3 {kind} are allowed; you gave 4."]}
    assert contact_count() == 0


@pytest.mark.django_db
def test_the_update_service_refuses_a_fourth_email_and_keeps_the_contact_as_it_was(
    acme, bob, unscoped
):
    contact = factories.ContactFactory(organization=acme, last_name="Kept")
    contact.emails.create(organization=acme, email="old@example.com")

    with pytest.raises(ValidationError):
        contact_update(
            contact=contact,
            user=bob,
            fields={"last_name": "Changed"},
            emails=[{"email": e} for e in EMAILS],
        )

    contact = Contact.objects.get(pk=contact.pk)
    assert contact.last_name == "Kept"
    assert list(contact.emails.values_list("email", flat=True)) == ["old@example.com"]


@pytest.mark.django_db
def test_the_service_refuses_an_invalid_email_or_phone_naming_the_field(acme, bob):
    with scope(organization=acme):
        with pytest.raises(ValidationError) as bad_email:
            contact_create(
                organization=acme,
                created_by=bob,
                fields={"first_name": "Ada", "last_name": "Lovelace"},
                emails=[{"email": "not-an-email"}],
            )
        with pytest.raises(ValidationError) as bad_phone:
            contact_create(
                organization=acme,
                created_by=bob,
                fields={"first_name": "Ada", "last_name": "Lovelace"},
                phones=[{"number": "12"}],
            )

    assert "emails" in bad_email.value.message_dict
    assert "phones" in bad_phone.value.message_dict
    assert contact_count() == 0


@pytest.mark.django_db
def test_an_invalid_email_is_refused_next_to_the_field_and_kept(client_for, bob):
    response = client_for(bob).post(url("contact_create"), contact_data(emails=["not-an-email"]))

    page = text(response)
    assert response.status_code == 400
    assert "Enter a valid email address." in page
    assert 'value="not-an-email"' in page
    assert 'value="Lovelace"' in page
    assert contact_count() == 0


@pytest.mark.django_db
def test_an_invalid_pec_is_refused(client_for, bob):
    response = client_for(bob).post(url("contact_create"), contact_data(pec="pec@"))

    assert response.status_code == 400
    assert "Enter a valid email address." in text(response)
    assert contact_count() == 0


@pytest.mark.django_db
def test_an_invalid_phone_is_refused_next_to_the_field_and_kept(client_for, bob):
    response = client_for(bob).post(url("contact_create"), contact_data(phones=["12"]))

    page = text(response)
    assert response.status_code == 400
    assert "“12” is not a valid phone number" in page
    assert 'id="id_phones-0-number_error"' in page
    assert 'value="12"' in page
    assert contact_count() == 0


@pytest.mark.django_db
def test_an_invalid_vat_number_is_refused_with_a_message_naming_the_field(client_for, bob):
    response = client_for(bob).post(
        url("contact_create"), contact_data(vat_number="IT12345678901", first_name="Keep me")
    )

    page = text(response)
    assert response.status_code == 400
    assert "“IT12345678901” is not a valid VAT number." in page
    assert 'id="id_vat_number_error"' in page
    assert 'value="IT12345678901"' in page and 'value="Keep me"' in page
    assert contact_count() == 0


@pytest.mark.django_db
def test_the_service_refuses_an_invalid_vat_number_naming_the_field(acme, bob):
    with scope(organization=acme), pytest.raises(ValidationError) as raised:
        contact_create(
            organization=acme,
            created_by=bob,
            fields={"first_name": "Ada", "last_name": "Lovelace", "vat_number": "IT12345678901"},
        )

    assert raised.value.message_dict == {
        "vat_number": ["“IT12345678901” is not a valid VAT number."]
    }
    assert contact_count() == 0


@pytest.mark.django_db
def test_an_invalid_codice_fiscale_is_refused(client_for, bob):
    response = client_for(bob).post(
        url("contact_create"), contact_data(fiscal_code="RSSMRA85T10A562X", tax_country="IT")
    )

    page = text(response)
    assert response.status_code == 400
    assert "“RSSMRA85T10A562X” is not a valid fiscal code." in page
    assert 'id="id_fiscal_code_error"' in page
    assert contact_count() == 0


@pytest.mark.django_db
def test_a_valid_codice_fiscale_is_stored_compact_and_upper_case(client_for, bob, unscoped):
    response = client_for(bob).post(
        url("contact_create"), contact_data(fiscal_code="rssmra 85t10 a562s")
    )

    assert response.status_code == 302
    assert Contact.objects.get().fiscal_code == "RSSMRA85T10A562S"


@pytest.mark.django_db
def test_a_bad_country_code_in_an_address_is_refused(client_for, bob):
    response = client_for(bob).post(
        url("contact_create"), contact_data(addresses=[{"city": "Milano", "country": "1T"}])
    )

    assert response.status_code == 400
    assert "is not a two-letter country code (ISO 3166-1), such as IT" in text(response)
    assert contact_count() == 0


@pytest.mark.django_db
def test_a_missing_last_name_is_refused_and_the_rest_kept(client_for, bob):
    response = client_for(bob).post(
        url("contact_create"),
        contact_data(last_name="", role="Buyer", emails=["ada@example.com"]),
    )

    page = text(response)
    assert response.status_code == 400
    assert "This field is required." in page
    assert 'value="Buyer"' in page and 'value="ada@example.com"' in page


@pytest.mark.django_db
def test_a_phone_is_stored_in_e164_and_shown_formatted(client_for, bob, unscoped):
    response = client_for(bob).post(
        url("contact_create"), contact_data(phones=[{"label": "mobile", "number": "02 1234 5678"}])
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert list(contact.phones.values_list("number", flat=True)) == ["+390212345678"]
    page = text(client_for(bob).get(contact.get_absolute_url()))
    assert "+39 02 1234 5678" in page
    assert 'href="tel:+390212345678"' in page


@pytest.mark.django_db
def test_the_edit_form_shows_a_phone_formatted_and_saving_it_keeps_it(
    client_for, bob, acme, unscoped
):
    contact = factories.ContactFactory(organization=acme, last_name="Caller")
    contact.phones.create(organization=acme, label="mobile", number="+393471234567")
    client = client_for(bob)

    form = text(client.get(url("contact_edit", pk=contact.pk)))
    response = client.post(
        url("contact_edit", pk=contact.pk),
        {
            **contact_edit_data(contact),
            **details_data(phones=[{"label": "mobile", "number": "+39 347 123 4567"}]),
        },
    )

    assert 'name="phones-0-number" value="+39 347 123 4567"' in form
    assert response.status_code == 302
    assert list(contact.phones.values_list("number", flat=True)) == ["+393471234567"]


@pytest.mark.django_db
def test_a_phone_is_read_in_the_organizations_country(client_for, bob, acme, unscoped):
    acme.default_country = "DE"
    acme.save()

    client_for(bob).post(url("contact_create"), contact_data(phones=["030 1234567"]))

    assert Contact.objects.get().phones.get().number == "+49301234567"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "country"),
    [("IT 00743110157", ""), ("it00743110157", ""), ("00743110157", "IT"), ("00743110157", "")],
)
def test_a_vat_number_is_stored_normalized(client_for, bob, unscoped, typed, country):
    # acme's default country is IT, so a number without prefix is Italian either way.
    response = client_for(bob).post(
        url("contact_create"), contact_data(vat_number=typed, tax_country=country)
    )

    assert response.status_code == 302
    assert Contact.objects.get().vat_number == "IT00743110157"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_xss_in_every_text_field_is_shown_as_text(client_for, bob, payload, unscoped):
    client = client_for(bob)
    response = client.post(
        url("contact_create"),
        contact_data(
            first_name=payload,
            last_name=f"X{payload}",
            role=payload,
            description=payload,
            company_name=f"Co{payload}",
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
    contact = Contact.objects.get()
    company = Company.objects.get()

    pages = {
        "detail": client.get(contact.get_absolute_url()),
        "edit": client.get(url("contact_edit", pk=contact.pk)),
        "list": client.get(url("contact_list")),
        "search": client.get(url("contact_list"), {"q": payload}),
        "row": client.get(url("contact_row", pk=contact.pk)),
        "row form": client.get(url("contact_row", pk=contact.pk), {"edit": "1"}),
        "autocomplete": client.get(url("contact_autocomplete"), {"q": "X"}),
        "delete": client.get(url("contact_delete", pk=contact.pk)),
        "company": client.get(company.get_absolute_url()),
        "company autocomplete": client.get(url("company_autocomplete"), {"q": "Co"}),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert_no_markup_from(payload, text(page), name)


def assert_no_markup_from(payload: str, page: str, where: str) -> None:
    """`payload` never reached `page` as markup: no tag, handler or script URL."""
    assert dangerous_markup(page) == [], where


@pytest.mark.django_db
@pytest.mark.parametrize(
    "description",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](javascript:1)",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        "<a href='data:text/html,<script>alert(1)</script>'>click</a>",
        '<p onclick="alert(1)">hi</p>',
        '<iframe src="http://evil.example"></iframe>',
        '[x](http://ok.example "t\\" onmouseover=\\"alert(1)")',
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
    ],
)
def test_a_description_is_sanitized_on_the_page(client_for, bob, acme, description, unscoped):
    contact = factories.ContactFactory(organization=acme, description=description)

    page = text(client_for(bob).get(contact.get_absolute_url()))

    assert dangerous_markup(page) == []


@pytest.mark.django_db
def test_a_description_keeps_its_markdown_and_safe_links(client_for, bob, acme):
    contact = factories.ContactFactory(
        organization=acme,
        description="**Key account**\n\n- see [site](https://acme.example)\n- mail@example.com",
    )

    page = text(client_for(bob).get(contact.get_absolute_url()))

    assert "<strong>Key account</strong>" in page
    assert 'href="https://acme.example"' in page
    assert 'rel="nofollow noopener noreferrer"' in page


@pytest.mark.django_db
def test_saving_the_edit_form_unchanged_keeps_every_detail(client_for, bob, acme, unscoped):
    initech = factories.CompanyFactory(organization=acme, name="Initech")
    contact = factories.ContactFactory(
        organization=acme,
        last_name="Keeper",
        description="Line one\nLine two",
        vat_number="IT00743110157",
        pec="keeper@pec.example",
    )
    factories.AffiliationFactory(contact=contact, company=initech, is_primary=True)
    contact.emails.create(organization=acme, label="home", email="k@example.com", position=0)
    contact.emails.create(organization=acme, label="work", email="w@example.com", position=1)
    contact.phones.create(organization=acme, label="mobile", number="+393471234567")
    contact.addresses.create(organization=acme, label="home", city="Milano", country="IT")
    before = snapshot(contact)
    client = client_for(bob)

    posted = form_values(text(client.get(url("contact_edit", pk=contact.pk))))
    response = client.post(url("contact_edit", pk=contact.pk), posted)

    assert response.status_code == 302
    assert snapshot(Contact.objects.get(pk=contact.pk)) == before


def snapshot(contact: Contact) -> dict:
    return {
        "fields": Contact.objects.filter(pk=contact.pk)
        .values("first_name", "last_name", "description", "vat_number", "pec", "visibility")
        .get(),
        "emails": list(contact.emails.values_list("label", "email")),
        "phones": list(contact.phones.values_list("label", "number")),
        "addresses": list(contact.addresses.values_list("label", "city", "country")),
        "companies": list(contact.affiliations.values_list("company__name", "is_primary")),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_xss_in_refused_fields_is_shown_back_as_text(client_for, bob, payload):
    response = client_for(bob).post(
        url("contact_create"),
        contact_data(
            last_name="",
            pec=payload,
            vat_number=payload,
            fiscal_code=payload[:32],
            tax_country=payload[:2],
            type=payload,
            visibility=payload,
            company_id=payload,
            emails=[{"label": payload, "email": payload}],
            phones=[{"label": payload, "number": payload}],
            addresses=[{"label": payload, "country": payload[:2], "city": payload}],
        ),
    )

    assert response.status_code == 400
    assert dangerous_markup(text(response)) == []
    assert contact_count() == 0
