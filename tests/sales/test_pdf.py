"""The PDF of a document: what it prints, in its language; an issued one is stored once,
immutable, with its SHA-256; a draft is rendered each time and marked DRAFT."""

import base64
import hashlib
import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from pypdf import PdfReader

from organizations.scoping import scopes_disabled
from sales.models import Document, Issuer
from tests import factories

LINE = {"description": "Solar audit", "quantity": "1", "unit_price": "100", "tax_rate": "22"}


def text_of(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def issuer(acme):
    with scopes_disabled():
        return Issuer.objects.create(
            organization=acme, legal_name="Acme S.r.l.", vat_number="IT01234567890",
            iban="IT60X0542811101000000123456", bic="BPMOIT22", bank_name="Banca Uno",
        )  # fmt: skip


@pytest.mark.django_db
def test_an_issued_documents_pdf_is_stored_once_with_its_sha256(client_for, acme, alice, issuer):
    company = factories.CompanyFactory(organization=acme, name="Enel Green Power")
    invoice = factories.issued(factories.document(acme, company=company, lines=[LINE]))
    url = reverse("document_pdf", args=["acme", invoice.pk])
    client = client_for(alice)

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in first["Content-Disposition"]
    assert first.content == second.content
    with scopes_disabled():
        stored = Document.objects.get(pk=invoice.pk)
    assert stored.pdf_sha256 == hashlib.sha256(first.content).hexdigest()
    assert stored.pdf_size == len(first.content)
    with storages["default"].open(stored.pdf_key, "rb") as kept:
        assert kept.read() == first.content
    text = text_of(first.content)
    for expected in (
        "Acme S.r.l.",
        "IT01234567890",
        "IT60 X054 2811 1010 0000 0123 456",
        invoice.number,
        "Enel Green Power",
        "Solar audit",
        "€122.00",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_a_drafts_pdf_says_draft_and_is_not_stored(client_for, acme, alice):
    company = factories.CompanyFactory(organization=acme)
    draft = factories.document(acme, company=company, lines=[LINE])

    response = client_for(alice).get(reverse("document_pdf", args=["acme", draft.pk]))

    assert "DRAFT" in text_of(response.content)
    with scopes_disabled():
        assert Document.objects.get(pk=draft.pk).pdf_key == ""


@pytest.mark.django_db
def test_the_pdf_speaks_the_documents_language(client_for, acme, alice):
    company = factories.CompanyFactory(organization=acme)
    draft = factories.document(acme, company=company, lines=[LINE], language="it")

    text = text_of(client_for(alice).get(reverse("document_pdf", args=["acme", draft.pk])).content)

    assert "Totale" in text and "122,00" in text


@pytest.mark.django_db
def test_stored_pdfs_count_in_the_storage_and_are_not_orphans(client_for, acme, alice):
    from django.apps import apps

    company = factories.CompanyFactory(organization=acme)
    invoice = factories.issued(factories.document(acme, company=company, lines=[LINE]))
    client_for(alice).get(reverse("document_pdf", args=["acme", invoice.pk]))

    config = apps.get_app_config("sales")
    with scopes_disabled():
        stored = Document.objects.get(pk=invoice.pk)
        assert config.storage_held_keys(acme) == {stored.pdf_key}
        assert config.storage_held(acme)[0][1] == stored.pdf_size


@pytest.mark.django_db
@pytest.mark.parametrize("iban", ["IT60X0542811101000000123457", "not an iban"])
def test_a_bad_iban_keeps_the_form_and_saves_nothing(client_for, acme, alice, iban):
    response = client_for(alice).post(
        reverse("issuer_edit", args=["acme"]), {"legal_name": "Acme", "iban": iban}
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert not Issuer.objects.exists()


@pytest.mark.django_db
def test_owners_save_the_details_with_a_valid_iban(client_for, acme, alice):
    response = client_for(alice).post(
        reverse("issuer_edit", args=["acme"]),
        {"legal_name": "Acme", "iban": "it60 x054 2811 1010 0000 0123 456"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Issuer.objects.get().iban == "IT60X0542811101000000123456"


# The smallest PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.mark.django_db
def test_the_logo_is_printed_and_counted_in_the_storage(client_for, acme, alice):
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(alice)
    response = client.post(
        reverse("issuer_edit", args=["acme"]),
        {"legal_name": "Acme", "logo": SimpleUploadedFile("logo.png", PNG, "image/png")},
    )
    assert response.status_code == 302
    with scopes_disabled():
        issuer = Issuer.objects.get()
    assert (issuer.logo_type, issuer.logo_size) == ("image/png", len(PNG))
    assert issuer.logo_key in apps.get_app_config("sales").storage_held_keys(acme)

    draft = factories.document(acme, company=factories.CompanyFactory(organization=acme),
                               lines=[LINE])  # fmt: skip
    content = client.get(reverse("document_pdf", args=["acme", draft.pk])).content
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 1

    client.post(reverse("issuer_edit", args=["acme"]), {"legal_name": "Acme", "remove_logo": "on"})
    with scopes_disabled():
        assert Issuer.objects.get().logo_key == ""
    assert not storages["default"].exists(issuer.logo_key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"), [("logo.png", b"not an image at all"), ("big.png", PNG + b"0" * 300_000)]
)
def test_a_bad_logo_is_refused(client_for, acme, alice, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        reverse("issuer_edit", args=["acme"]),
        {"legal_name": "Acme", "logo": SimpleUploadedFile(name, content, "image/png")},
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert not Issuer.objects.exists()
