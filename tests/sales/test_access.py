"""Who gets what on every sales URL: anonymous, mallory (outsider), gina (guest),
bob (member), alice (owner) × a document of a public company or of a private contact.

carol (a member) created the private contact; nobody else sees it, so nobody else sees
its documents — not even alice, an owner. Guests never see a document (they see no
contact or company): 403 on every page. A refused request changes nothing.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled
from sales.models import (
    Document,
    DocumentLine,
    DocumentSend,
    Issuer,
    NumberSeries,
    Payment,
    Product,
    Status,
)
from tests import factories

# Every sales URL under /o/<slug>/ (tests/organizations/test_access.py reads this).
URL_NAMES = {
    "document_list",
    "document_create",
    "sales_panel",
    "sales_report",
    "document_detail",
    "document_edit",
    "document_pdf",
    "document_send",
    "recipient_preferences",
    "document_delete",
    "document_issue",
    "document_convert",
    "payment_add",
    "line_add",
    "line_edit",
    "line_delete",
    "product_list",
    "product_create",
    "product_autocomplete",
    "product_edit",
    "issuer_edit",
    "series_list",
    "series_edit",
}

PEOPLE = ["anonymous", "mallory", "gina", "bob", "alice"]
LINE = {"quantity": "2", "unit_price": "50", "tax_rate": "22"}


@dataclass
class World:
    company: object
    secret: object
    public: Document
    private: Document
    invoice: Document
    product: Product
    series: NumberSeries


@pytest.fixture
def world(acme, cast) -> World:
    carol = cast["carol"]
    company = factories.CompanyFactory(organization=acme, created_by=carol, name="Initech")
    secret = factories.ContactFactory(
        organization=acme, created_by=carol, visibility="private", last_name="Secret"
    )
    invoice = factories.issued(
        factories.document(acme, company=company, lines=[LINE]), issue_date=date(2026, 1, 5)
    )
    with scopes_disabled():
        series = NumberSeries.objects.get(organization=acme, kind="invoice")
    return World(
        company=company,
        secret=secret,
        public=factories.document(acme, kind="quote", company=company, lines=[LINE]),
        private=factories.document(acme, kind="quote", contact=secret, lines=[LINE]),
        invoice=invoice,
        product=factories.product(acme, name="Audit", sku="AUD-1"),
        series=series,
    )


def client_as(client_for, cast, who):
    return client_for(None if who == "anonymous" else cast[who])


def outcome(person: str, sees: bool, ok: int) -> int:
    if person == "anonymous":
        return 302
    if person == "mallory":
        return 404
    if person == "gina":
        return 403
    return ok if sees else 404


def snapshot(document: Document) -> tuple:
    with scopes_disabled():
        assert not DocumentSend.objects.filter(document_id=document.pk).exists()
        row = Document.objects.get(pk=document.pk)
        lines = list(DocumentLine.objects.filter(document=row).values_list("description", "net"))
    return (row.status, row.number, row.notes, row.gross, lines)


def _line(world, document):
    with scopes_disabled():
        return document.lines.first().pk


def edit_data(world, document):
    party = (
        {"company_id": world.company.pk, "company_name": "Initech"}
        if document.company_id
        else {"contact_id": world.secret.pk, "contact_name": "x"}
    )
    return {"kind": "quote", "currency": "EUR", "notes": "Changed", **party}


LINE_POST = {"description": "Extra", "quantity": "1", "unit_price": "5", "discount_pct": "0",
             "withholding_rate": "0"}  # fmt: skip

# url name, method, extra kwargs builder, data builder, status on success
RECORD_ROUTES = [
    ("document_detail", "get", None, None, 200),
    ("document_edit", "get", None, None, 200),
    ("document_pdf", "get", None, None, 200),
    ("document_send", "get", None, None, 200),
    (
        "document_send",
        "post",
        None,
        lambda w, d: {"to_other": "x@example.com", "subject": "S"},
        302,
    ),
    ("document_edit", "post", None, edit_data, 302),
    ("document_delete", "get", None, None, 200),
    ("document_delete", "post", None, None, 302),
    ("line_add", "post", None, lambda w, d: LINE_POST, 302),
    ("line_edit", "get", lambda w, d: {"line": _line(w, d)}, None, 200),
    ("line_edit", "post", lambda w, d: {"line": _line(w, d)}, lambda w, d: LINE_POST, 302),
    ("line_delete", "post", lambda w, d: {"line": _line(w, d)}, None, 302),
    ("document_issue", "post", None, None, 302),
    ("document_convert", "get", None, None, 200),
    ("document_convert", "post", None, lambda w, d: {"kind": "invoice"}, 302),
]


@pytest.mark.django_db
@pytest.mark.parametrize("party", ["public", "private"])
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "ok"),
    RECORD_ROUTES,
    ids=[f"{m}-{n}" for n, m, *_ in RECORD_ROUTES],
)
def test_document_urls_answer_by_role_and_party(
    client_for, cast, world, party, person, name, method, kwargs, data, ok
):
    document = getattr(world, party)
    before = snapshot(document)
    with scopes_disabled():
        count = Document.objects.count()
    url_kwargs = {"slug": "acme", "pk": document.pk, **(kwargs(world, document) if kwargs else {})}

    response = getattr(client_as(client_for, cast, person), method)(
        reverse(name, kwargs=url_kwargs), data(world, document) if data else {}
    )

    sees = person in {"bob", "alice"} and party == "public"
    assert response.status_code == outcome(person, sees, ok)
    if response.status_code != 302 or person == "anonymous":
        assert snapshot(document) == before
        with scopes_disabled():
            assert Document.objects.count() == count


@pytest.mark.django_db
def test_the_creator_of_a_private_contact_sees_and_works_on_its_documents(client_for, carol, world):
    client = client_for(carol)
    pk = world.private.pk

    assert client.get(reverse("document_detail", args=["acme", pk])).status_code == 200
    assert client.post(reverse("document_issue", args=["acme", pk])).status_code == 302
    with scopes_disabled():
        assert Document.objects.get(pk=pk).status == Status.ISSUED


ALL = {"gina": 403, "bob": 200, "alice": 200}
ALL_POST = {"gina": 403, "bob": 302, "alice": 302}
OWNER_PAGE = {"gina": 403, "bob": 403, "alice": 200}
OWNER_POST = {"gina": 403, "bob": 403, "alice": 302}
PRODUCT = {"kind": "service", "name": "Training", "sku": "TR-1", "unit": "h", "price": "80",
           "currency": "EUR", "tax_rate": "22", "cost": "30", "active": "on"}  # fmt: skip
SERIES = {"kind": "invoice", "name": "Shop", "format": "S-%%%%", "yearly_reset": "on"}
# url name, method, data builder, kwargs builder, status per person
PAGE_ROUTES = [
    ("document_list", "get", None, None, ALL),
    ("document_create", "get", None, None, ALL),
    ("document_create", "post",
     lambda w: {"kind": "invoice", "currency": "EUR", "company_id": w.company.pk,
                "company_name": "Initech"}, None, ALL_POST),
    ("sales_panel", "get", None, lambda w: {"kind": "company", "pk": w.company.pk}, ALL),
    ("sales_report", "get", None, lambda w: {"kind": "company", "pk": w.company.pk}, ALL),
    ("sales_report", "get", lambda w: {"format": "csv"},
     lambda w: {"kind": "company", "pk": w.company.pk}, ALL),
    ("payment_add", "post", lambda w: {"date": "2026-02-01", "amount": "10", "method": "cash"},
     lambda w: {"pk": w.invoice.pk}, ALL_POST),
    ("document_convert", "post", lambda w: {"kind": "credit_note"},
     lambda w: {"pk": w.invoice.pk}, ALL_POST),
    ("document_detail", "get", None, lambda w: {"pk": w.invoice.pk}, ALL),
    ("product_list", "get", None, None, ALL),
    ("product_create", "get", None, None, ALL),
    ("product_create", "post", lambda w: PRODUCT, None, ALL_POST),
    ("product_edit", "get", None, lambda w: {"pk": w.product.pk}, ALL),
    ("product_edit", "post", lambda w: {**PRODUCT, "sku": "AUD-1"},
     lambda w: {"pk": w.product.pk}, ALL_POST),
    ("product_autocomplete", "get", lambda w: {"q": "aud"}, None, ALL),
    ("document_pdf", "get", None, lambda w: {"pk": w.invoice.pk}, ALL),
    ("recipient_preferences", "get", None, lambda w: {"pk": w.company.pk}, ALL),
    ("recipient_preferences", "post", lambda w: {}, lambda w: {"pk": w.company.pk}, ALL_POST),
    ("issuer_edit", "get", None, None, OWNER_PAGE),
    ("issuer_edit", "post", lambda w: {"legal_name": "Acme S.p.A."}, None, OWNER_POST),
    ("series_list", "get", None, None, OWNER_PAGE),
    ("series_list", "post", lambda w: SERIES, None, OWNER_POST),
    ("series_edit", "get", None, lambda w: {"pk": w.series.pk}, OWNER_PAGE),
    ("series_edit", "post", lambda w: {**SERIES, "name": "Main"},
     lambda w: {"pk": w.series.pk}, OWNER_POST),
]  # fmt: skip


def state() -> tuple:
    with scopes_disabled():
        return (
            Document.objects.count(),
            Payment.objects.count(),
            list(Product.objects.values_list("name", "sku")),
            list(NumberSeries.objects.values_list("name", "format")),
            list(Issuer.objects.values_list("legal_name", flat=True)),
            list(Document.objects.exclude(pdf_key="").values_list("pk", flat=True)),
            DocumentSend.objects.count(),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "data", "kwargs", "expect"),
    PAGE_ROUTES,
    ids=[f"{m}-{n}-{i}" for i, (n, m, *_) in enumerate(PAGE_ROUTES)],
)
def test_sales_pages_answer_by_role(
    client_for, cast, world, person, name, method, data, kwargs, expect
):
    before = state()
    url_kwargs = {"slug": "acme", **(kwargs(world) if kwargs else {})}

    response = getattr(client_as(client_for, cast, person), method)(
        reverse(name, kwargs=url_kwargs), data(world) if data else {}
    )

    expected = {"anonymous": 302, "mallory": 404, **expect}[person]
    assert response.status_code == expected
    if response.status_code in (403, 404) or person == "anonymous":
        assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contact", "company"])
@pytest.mark.parametrize("name", ["sales_panel", "sales_report"])
def test_the_panel_of_a_record_the_reader_cannot_see_is_404(
    client_for, acme, bob, carol, kind, name
):
    factory = factories.ContactFactory if kind == "contact" else factories.CompanyFactory
    hidden = factory(organization=acme, created_by=carol, visibility="private")

    response = client_for(bob).get(
        reverse(name, kwargs={"slug": "acme", "kind": kind, "pk": hidden.pk})
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_list_filtered_by_a_hidden_party_is_404_and_never_lists_its_documents(
    client_for, bob, world
):
    client = client_for(bob)

    assert (
        client.get(
            reverse("document_list", args=["acme"]), {"contact": world.secret.pk}
        ).status_code
        == 404
    )
    listed = client.get(reverse("document_list", args=["acme"])).content.decode()
    assert f"/sales/{world.public.pk}/" in listed
    assert f"/sales/{world.private.pk}/" not in listed


@pytest.mark.django_db
def test_catalog_and_series_of_another_organization_are_404(client_for, globex, alice, world):
    other = factories.product(globex, name="Theirs")
    with scopes_disabled():
        series = NumberSeries.objects.create(
            organization=globex, kind="invoice", name="G", format="G%%%"
        )
    client = client_for(alice)

    assert client.post(reverse("product_edit", args=["acme", other.pk]), PRODUCT).status_code == 404
    assert client.post(reverse("series_edit", args=["acme", series.pk]), SERIES).status_code == 404
    with scopes_disabled():
        assert Product.objects.get(pk=other.pk).name == "Theirs"
