"""Documents from a user's side: drafts and lines, the catalog picker, issuing and what it
freezes, conversions, credit notes, payments and their status, timeline events.
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event, EventKind
from organizations.scoping import scopes_disabled
from sales import services
from sales.models import Document, DocumentLine, Kind, Payment, Product, Status
from tests import factories

LINE = {"quantity": "2", "unit_price": "50", "tax_rate": "22"}


def url(name, *args):
    return reverse(name, args=["acme", *args])


def fresh(document) -> Document:
    with scopes_disabled():
        return Document.objects.get(pk=document.pk)


@pytest.fixture
def company(acme, alice):
    company = factories.CompanyFactory(organization=acme, name="Enel Green Power")
    with scopes_disabled():
        company.addresses.create(
            organization=acme, position=0, street="Viale Regina Margherita 125", city="Roma",
            postal_code="00198", country="IT",
        )  # fmt: skip
    return company


# --- Drafts and lines -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_link_opens_a_draft_for_the_record(client_for, alice, company):
    client = client_for(alice)

    page = client.get(url("document_create"), {"kind": "quote", "company": company.pk})
    assert page.status_code == 200
    assert "Enel Green Power" in page.content.decode()

    response = client.post(
        url("document_create"),
        {"kind": "quote", "currency": "EUR", "company_id": company.pk, "company_name": "x"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        document = Document.objects.get()
    assert (document.kind, document.status, document.number) == (Kind.QUOTE, Status.DRAFT, "")
    assert document.billing_address.splitlines() == [
        "Enel Green Power",
        "Viale Regina Margherita 125",
        "00198 Roma",
        "Italy",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"kind": "invoice", "currency": "EUR"},  # no party
        {"kind": "invoice", "currency": "EUR", "company_name": "Typed, not picked"},
        {"kind": "invoice", "currency": "EURO", "company_id": "PK", "company_name": "x"},
        {"kind": "invoice", "currency": "EUR", "company_id": "PK", "company_name": "x",
         "contact_id": "CONTACT", "contact_name": "y"},  # both
        {"kind": "invoice", "currency": "EUR", "company_id": "PK", "company_name": "x",
         "issue_date": "2026-02-01", "due_date": "2026-01-01"},
    ],
)  # fmt: skip
def test_a_bad_draft_keeps_the_form_and_saves_nothing(client_for, acme, alice, company, data):
    contact = factories.ContactFactory(organization=acme)
    data = {
        key: (company.pk if value == "PK" else contact.pk if value == "CONTACT" else value)
        for key, value in data.items()
    }

    response = client_for(alice).post(url("document_create"), data)

    assert response.status_code == 400
    with scopes_disabled():
        assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_line_from_the_catalog_takes_its_name_price_and_tax(client_for, acme, alice, company):
    product = factories.product(acme, name="Solar audit", sku="SA-1", unit="h", cost=D("40"))
    draft = factories.document(acme, company=company)

    response = client_for(alice).post(
        url("line_add", draft.pk),
        {"product_id": product.pk, "product_name": "Solar audit", "quantity": "3",
         "discount_pct": "10", "withholding_rate": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    with scopes_disabled():
        line = DocumentLine.objects.get()
    assert (line.description, line.unit, line.unit_price, line.tax_rate, line.cost) == (
        "Solar audit",
        "h",
        D("100"),
        D("22"),
        D("40"),
    )
    assert line.net == D("270.00")
    assert (fresh(draft).net, fresh(draft).tax, fresh(draft).gross) == (
        D("270"),
        D("59.40"),
        D("329.40"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"quantity": "1"},  # neither text nor catalog item
        {"product_name": "typed only", "quantity": "1"},
        {"description": "X", "quantity": "-1"},
        {"description": "X", "quantity": "1", "discount_pct": "101"},
        {"description": "X", "quantity": "1", "unit_price": "abc"},
    ],
)
def test_a_bad_line_keeps_the_form_and_saves_nothing(client_for, acme, alice, company, data):
    draft = factories.document(acme, company=company)

    response = client_for(alice).post(
        url("line_add", draft.pk), {"discount_pct": "0", "withholding_rate": "0", **data}
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert not DocumentLine.objects.exists()


@pytest.mark.django_db
def test_a_catalog_item_of_another_organization_is_refused(
    client_for, acme, globex, alice, company
):
    theirs = factories.product(globex, name="Theirs")
    draft = factories.document(acme, company=company)

    response = client_for(alice).post(
        url("line_add", draft.pk),
        {"product_id": theirs.pk, "product_name": "Theirs", "quantity": "1",
         "discount_pct": "0", "withholding_rate": "0"},
    )  # fmt: skip

    assert response.status_code == 400
    with scopes_disabled():
        assert not DocumentLine.objects.exists()


# --- What issuing freezes ------------------------------------------------------------------


@pytest.fixture
def invoice(acme, alice, company):
    return factories.issued(
        factories.document(acme, company=company, lines=[LINE, {**LINE, "unit_price": "25"}]),
        user=alice,
        issue_date=date(2026, 3, 1),
    )


def frozen(document) -> tuple:
    with scopes_disabled():
        row = Document.objects.get(pk=document.pk)
        lines = list(row.lines.values_list("description", "quantity", "unit_price", "net"))
    return (row.company_id, row.contact_id, row.net, row.gross, row.number, row.notes, lines)


@pytest.mark.django_db
def test_issued_documents_refuse_every_change_on_the_server(client_for, alice, company, invoice):
    client = client_for(alice)
    before = frozen(invoice)
    with scopes_disabled():
        line = invoice.lines.first()
    other = factories.CompanyFactory(organization=invoice.organization)

    answers = [
        client.post(url("line_add", invoice.pk), {"description": "More", "quantity": "1"}),
        client.post(url("line_edit", invoice.pk, line.pk), {"description": "X", "quantity": "9"}),
        client.post(url("line_delete", invoice.pk, line.pk)),
        client.post(url("document_delete", invoice.pk)),
        client.post(
            url("document_edit", invoice.pk),
            {"kind": "invoice", "currency": "EUR", "company_id": other.pk, "company_name": "x"},
        ),
        client.post(url("document_issue", invoice.pk)),
    ]

    assert [answer.status_code for answer in answers] == [409, 302, 409, 409, 302, 409]
    assert frozen(invoice) == before
    with scopes_disabled(), pytest.raises(ValidationError):
        services.line_delete(document=invoice, line=line)
    with scopes_disabled(), pytest.raises(ValidationError):
        Document.objects.get(pk=invoice.pk).delete()
    assert frozen(invoice) == before


@pytest.mark.django_db
def test_a_stale_draft_form_cannot_change_a_document_issued_meanwhile(acme, alice, company):
    draft = factories.document(acme, company=company, lines=[LINE])
    stale = fresh(draft)  # loaded as a draft by a second request
    factories.issued(draft)

    stale.notes = "late edit"
    with scopes_disabled(), pytest.raises(ValidationError):
        services.document_update(document=stale, user=alice)
    assert fresh(draft).notes == ""


@pytest.mark.django_db
def test_issuing_from_the_page_numbers_the_draft_and_records_it_on_the_timeline(
    client_for, acme, alice, company
):
    draft = factories.document(acme, company=company, lines=[LINE])

    response = client_for(alice).post(url("document_issue", draft.pk), {"issue_date": "2026-04-02"})

    assert response.status_code == 302
    issued = fresh(draft)
    assert (issued.status, issued.number, issued.issue_date) == (
        Status.ISSUED,
        "INV-2026-0001",
        date(2026, 4, 2),
    )
    assert issued.due_date == date(2026, 4, 2)  # an invoice without terms is due on issue
    with scopes_disabled():
        event = Event.objects.get(kind=EventKind.DOCUMENT_ISSUED)
    assert (event.company_id, event.actor_id, event.data["number"]) == (
        company.pk,
        alice.pk,
        "INV-2026-0001",
    )
    timeline = client_for(alice).get(reverse("company_timeline", args=["acme", company.pk]))
    assert "issued Invoice INV-2026-0001" in timeline.content.decode()


# --- Conversions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_quote_converts_into_an_invoice_that_links_back(client_for, acme, alice, company):
    quote = factories.issued(
        factories.document(acme, kind=Kind.QUOTE, company=company, lines=[LINE, LINE])
    )

    response = client_for(alice).post(url("document_convert", quote.pk), {"kind": "invoice"})

    assert response.status_code == 302
    with scopes_disabled():
        invoice = Document.objects.get(kind=Kind.INVOICE)
        assert invoice.lines.count() == 2
    assert (invoice.source_id, invoice.status, invoice.gross, invoice.company_id) == (
        quote.pk,
        Status.DRAFT,
        D("244"),
        company.pk,
    )
    page = client_for(alice).get(url("document_detail", quote.pk)).content.decode()
    assert f"/sales/{invoice.pk}/" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source_kind", "target", "allowed"),
    [
        (Kind.QUOTE, Kind.SALES_ORDER, True),
        (Kind.SALES_ORDER, Kind.INVOICE, True),
        (Kind.PURCHASE_ORDER, Kind.BILL, True),
        (Kind.QUOTE, Kind.BILL, False),
        (Kind.BILL, Kind.INVOICE, False),
    ],
)
def test_conversions(acme, alice, company, source_kind, target, allowed):
    source = factories.document(acme, kind=source_kind, company=company, lines=[LINE])

    with scopes_disabled():
        if allowed:
            made = services.document_convert(source=source, kind=target, user=alice)
            assert (made.kind, made.source_id) == (target, source.pk)
        else:
            with pytest.raises(ValidationError):
                services.document_convert(source=source, kind=target, user=alice)


@pytest.mark.django_db
def test_a_credit_note_of_chosen_lines_takes_them_off_the_invoice(
    client_for, acme, alice, company, invoice
):
    with scopes_disabled():
        second = invoice.lines.order_by("position")[1]
    client = client_for(alice)

    response = client.post(
        url("document_convert", invoice.pk), {"kind": "credit_note", "lines": [second.pk]}
    )
    assert response.status_code == 302
    with scopes_disabled():
        note = Document.objects.get(kind=Kind.CREDIT_NOTE)
    assert (note.gross, note.source_id, note.reference) == (D("61"), invoice.pk, invoice.number)

    client.post(url("document_issue", note.pk))

    assert fresh(note).number == "CN-" + str(date.today().year) + "-0001"
    assert (fresh(invoice).credited, fresh(invoice).amount_due) == (D("61"), D("122"))
    assert fresh(invoice).status == Status.ISSUED


@pytest.mark.django_db
def test_a_full_credit_note_settles_the_invoice(acme, alice, company, invoice):
    with scopes_disabled():
        note = services.document_convert(source=invoice, kind=Kind.CREDIT_NOTE, user=alice)
        services.document_issue(document=note, user=alice)

    assert fresh(invoice).amount_due == 0
    assert fresh(invoice).status == Status.PAID


@pytest.mark.django_db
def test_a_draft_invoice_has_no_credit_note(acme, alice, company):
    draft = factories.document(acme, company=company, lines=[LINE])
    with scopes_disabled(), pytest.raises(ValidationError):
        services.document_convert(source=draft, kind=Kind.CREDIT_NOTE, user=alice)


# --- Payments ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_payments_move_the_status_to_partially_paid_then_paid(client_for, alice, invoice):
    client = client_for(alice)
    assert fresh(invoice).gross == D("183")

    client.post(url("payment_add", invoice.pk), {"date": "2026-03-10", "amount": "100",
                                                  "method": "transfer"})  # fmt: skip
    assert (fresh(invoice).status, fresh(invoice).paid) == (Status.PARTIALLY_PAID, D("100"))

    client.post(url("payment_add", invoice.pk), {"date": "2026-03-20", "amount": "83",
                                                  "method": "card"})  # fmt: skip
    paid = fresh(invoice)
    assert (paid.status, paid.amount_due, paid.paid_on) == (Status.PAID, 0, date(2026, 3, 20))
    with scopes_disabled():
        assert Event.objects.filter(kind=EventKind.PAYMENT_RECORDED).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"date": "2026-03-10", "amount": "183.01", "method": "cash"},  # more than due
        {"date": "2026-03-10", "amount": "0", "method": "cash"},
        {"date": "", "amount": "10", "method": "cash"},
        {"date": "2026-03-10", "amount": "10", "method": "barter"},
    ],
)
def test_a_bad_payment_keeps_the_form_and_saves_nothing(client_for, alice, invoice, data):
    response = client_for(alice).post(url("payment_add", invoice.pk), data)

    assert response.status_code == 400
    with scopes_disabled():
        assert not Payment.objects.exists()
    assert fresh(invoice).status == Status.ISSUED


@pytest.mark.django_db
def test_no_payment_on_a_draft_or_a_quote(client_for, acme, alice, company):
    draft = factories.document(acme, company=company, lines=[LINE])
    quote = factories.issued(factories.document(acme, kind=Kind.QUOTE, company=company,
                                                lines=[LINE]))  # fmt: skip
    for document in (draft, quote):
        response = client_for(alice).post(
            url("payment_add", document.pk), {"date": "2026-03-10", "amount": "1", "method": "cash"}
        )
        assert response.status_code == 400
    with scopes_disabled():
        assert not Payment.objects.exists()


@pytest.mark.django_db
def test_an_open_invoice_past_its_due_date_is_overdue(client_for, acme, alice, company):
    late = factories.issued(
        factories.document(acme, company=company, lines=[LINE],
                           due_date=date.today() - timedelta(days=1)),
        issue_date=date.today() - timedelta(days=30),
    )  # fmt: skip
    on_time = factories.issued(
        factories.document(acme, company=company, lines=[LINE],
                           due_date=date.today() + timedelta(days=1))
    )  # fmt: skip

    assert fresh(late).is_overdue and not fresh(on_time).is_overdue
    page = client_for(alice).get(url("document_detail", late.pk)).content.decode()
    assert "Overdue" in page


# --- Catalog ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_line_picker_finds_active_items_by_name_or_sku(client_for, acme, alice):
    factories.product(acme, name="Solar panel", sku="PV-400")
    factories.product(acme, name="Old panel", sku="PV-100", active=False)
    factories.product(acme, name="Inverter", sku="INV-9")

    by_name = client_for(alice).get(url("product_autocomplete"), {"q": "panel"}).content.decode()
    by_sku = client_for(alice).get(url("product_autocomplete"), {"q": "inv-9"}).content.decode()

    assert "Solar panel" in by_name and "Old panel" not in by_name
    assert "Inverter" in by_sku


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes", [{"price": "-1"}, {"currency": "EURO"}, {"tax_rate": "120"}, {"sku": "TAKEN"}]
)
def test_a_bad_catalog_item_keeps_the_form_and_saves_nothing(client_for, acme, alice, changes):
    factories.product(acme, name="First", sku="TAKEN")
    data = {"kind": "product", "name": "Second", "sku": "", "price": "10", "currency": "EUR",
            "tax_rate": "22", "cost": "0", "active": "on", **changes}  # fmt: skip

    response = client_for(alice).post(url("product_create"), data)

    assert response.status_code == 400
    with scopes_disabled():
        assert list(Product.objects.values_list("name", flat=True)) == ["First"]


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_read_a_bounded_number_of_queries(
    client_for, acme, alice, company, django_assert_max_num_queries
):
    product = factories.product(acme)
    many = [{**LINE, "product": product} for _ in range(30)]
    draft = factories.document(acme, company=company, lines=many)
    invoice = factories.issued(factories.document(acme, company=company, lines=many))
    for _ in range(20):
        factories.issued(factories.document(acme, company=company, lines=[LINE]))
    client = client_for(alice)

    for page in (
        url("document_detail", draft.pk),
        url("document_detail", invoice.pk),
        url("document_list"),
        reverse("sales_panel", args=["acme", "company", company.pk]),
        url("product_list"),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_the_new_line_form_leaves_price_and_tax_empty_for_the_catalog(
    client_for, acme, alice, company
):
    draft = factories.document(acme, company=company)
    page = client_for(alice).get(url("document_detail", draft.pk)).content.decode()

    assert 'name="unit_price"' in page and 'name="tax_rate"' in page
    assert 'name="unit_price" value=' not in page and 'name="tax_rate" value=' not in page
