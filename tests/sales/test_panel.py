"""The "Sales & purchases" section of contact and company pages: the year's figures, the
latest documents, the "New …" buttons, and only what the reader may see."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from companies.models import Company
from organizations.scoping import scopes_disabled
from sales import selectors, services
from sales.models import Document, Kind, Payment
from tests import factories
from trash.models import TrashBatch

THIS_YEAR = date.today().year


def line(price, tax="22"):
    return {"quantity": "1", "unit_price": price, "tax_rate": tax}


def issue(acme, company, kind, price, *, on=None, due=None, **fields):
    row = factories.document(acme, kind=kind, company=company, lines=[line(price)], due_date=due,
                             **fields)  # fmt: skip
    return factories.issued(row, issue_date=on or date(THIS_YEAR, 2, 1))


def pay(document, amount):
    with scopes_disabled():
        services.payment_record(
            document=document,
            payment=Payment(date=date(THIS_YEAR, 2, 2), amount=D(amount), method="transfer"),
            user=None,
        )


@pytest.fixture
def books(acme, alice):
    """A company's year: what counts and what does not."""
    company = factories.CompanyFactory(organization=acme, name="Enel Green Power")
    paid = issue(acme, company, Kind.INVOICE, "1000", due=date(THIS_YEAR, 12, 31))
    pay(paid, "1220")
    issue(
        acme,
        company,
        Kind.INVOICE,
        "500",
        due=date.today() - timedelta(days=1),
        on=date(THIS_YEAR, 1, 1),
    )  # fmt: skip  open and overdue
    partly = issue(acme, company, Kind.INVOICE, "100", due=date.today() + timedelta(days=30))
    pay(partly, "22")
    with scopes_disabled():
        note = services.document_convert(source=paid, kind=Kind.CREDIT_NOTE, user=alice)
        note.lines.update(unit_price=D("200"))
        services.recompute(note)
    factories.issued(note, issue_date=date(THIS_YEAR, 3, 1))
    issue(acme, company, Kind.BILL, "300", due=date(THIS_YEAR + 1, 1, 31))
    issue(
        acme,
        company,
        Kind.INVOICE,
        "7000",
        on=date(THIS_YEAR - 1, 6, 1),
        due=date(THIS_YEAR - 1, 7, 1),
    )  # fmt: skip  last year's, still open
    issue(acme, company, Kind.QUOTE, "9999")  # a quote is not a sale
    factories.document(acme, company=company, lines=[line("8888")])  # a draft neither
    issue(acme, company, Kind.INVOICE, "50", currency="USD")
    return company


@pytest.mark.django_db
def test_the_years_figures(acme, books):
    with scopes_disabled():
        eur, usd = selectors.figures(acme, year=THIS_YEAR, company=books)

    assert eur.currency == "EUR" and usd.currency == "USD"
    # invoices 1000 + 500 + 100 − credit note 200 (net); the quote and the draft do not count
    last_year_open = D("8540")  # 7000 + 22% still receivable
    assert eur.sales == D("1400")
    assert eur.purchases == D("300")
    # open: 500 + 22% overdue, 122 − 22 paid; the paid invoice is settled (1220 paid)
    assert eur.receivable == D("610") + D("100") + last_year_open
    assert eur.overdue == D("610") + last_year_open
    assert eur.payable == D("366")
    assert (usd.sales, usd.receivable) == (D("50"), D("61"))


@pytest.mark.django_db
def test_last_years_figures(acme, books):
    with scopes_disabled():
        (eur,) = [f for f in selectors.figures(acme, year=THIS_YEAR - 1, company=books)
                  if f.currency == "EUR"]  # fmt: skip
    assert (eur.sales, eur.purchases) == (D("7000"), D("0"))


@pytest.mark.django_db
def test_the_panel_shows_figures_documents_and_new_buttons(
    client_for, alice, books, django_assert_max_num_queries
):
    client = client_for(alice)
    client.get(reverse("dashboard", args=["acme"]))  # the session remembers the organization
    with django_assert_max_num_queries(9):
        response = client.get(reverse("sales_panel", args=["acme", "company", books.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "€1,400.00" in page  # sales net of credit notes
    assert "INV-" in page and "CN-" in page
    for kind in ("quote", "invoice", "purchase_order"):
        assert f"?kind={kind}&amp;company={books.pk}" in page
    # The documents per type, each a link to the list of that type for the company.
    assert f'?kind=invoice&amp;company={books.pk}">Invoice (6)' in page
    assert f'?kind=credit_note&amp;company={books.pk}">Credit note (1)' in page


@pytest.mark.django_db
def test_the_company_page_holds_the_section(client_for, alice, books):
    page = client_for(alice).get(reverse("company_detail", args=["acme", books.pk]))
    assert reverse("sales_panel", args=["acme", "company", books.pk]) in page.content.decode()


@pytest.mark.django_db
def test_the_contact_page_holds_the_section_but_not_for_a_guest(client_for, acme, alice, gina):
    contact = factories.ContactFactory(organization=acme)
    panel = reverse("sales_panel", args=["acme", "contact", contact.pk])

    assert (
        panel
        in client_for(alice)
        .get(reverse("contact_detail", args=["acme", contact.pk]))
        .content.decode()
    )
    assert client_for(gina).get(panel).status_code == 403


@pytest.mark.django_db
def test_a_private_contacts_documents_are_seen_only_by_who_sees_the_contact(
    client_for, acme, bob, carol
):
    secret = factories.ContactFactory(organization=acme, created_by=carol, visibility="private")
    row = factories.issued(factories.document(acme, contact=secret, lines=[line("10")]))

    assert (
        client_for(carol).get(reverse("document_detail", args=["acme", row.pk])).status_code == 200
    )
    assert client_for(bob).get(reverse("document_detail", args=["acme", row.pk])).status_code == 404
    assert (
        f"/sales/{row.pk}/"
        not in client_for(bob).get(reverse("document_list", args=["acme"])).content.decode()
    )


@pytest.mark.django_db
def test_a_party_of_issued_documents_is_not_deleted(client_for, alice, books):
    """Issued documents are kept as issued, and so is the party they name: the delete
    page says why and offers no button; a POST (a list row's, too) deletes nothing."""
    client = client_for(alice)
    url = reverse("company_delete", args=["acme", books.pk])

    page = client.get(url).content.decode()
    refused = client.post(url)
    from_row = client.post(url, HTTP_HX_REQUEST="true")

    assert 'id="delete-refused"' in page and "issued documents" in page
    assert '<button type="submit" class="danger">' not in page
    assert refused.status_code == 409
    assert from_row.status_code == 200 and from_row["HX-Reswap"] == "none"
    assert "issued documents" in from_row.content.decode()
    with scopes_disabled():
        assert Company.objects.filter(pk=books.pk).exists()
        assert Document.objects.filter(company=books).exclude(status="draft").exists()


@pytest.mark.django_db
def test_a_partys_drafts_go_to_the_trash_with_it_and_come_back(client_for, acme, alice):
    company = factories.CompanyFactory(organization=acme, name="Draft Co")
    draft = factories.document(acme, company=company, lines=[line("10")])
    client = client_for(alice)
    url = reverse("company_delete", args=["acme", company.pk])

    assert "1 draft document goes with it." in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    with scopes_disabled():
        assert not Document.objects.filter(pk=draft.pk).exists()
        batch = TrashBatch.objects.get()
    client.post(reverse("trash_restore", args=["acme", batch.pk]))
    with scopes_disabled():
        assert Document.objects.filter(pk=draft.pk, company=company).exists()


@pytest.mark.django_db
def test_the_months_chart_and_its_table_hold_the_same_numbers(client_for, acme, alice, books):
    with scopes_disabled():
        (eur, usd) = selectors.monthly(acme, year=THIS_YEAR, company=books)
    february, march = eur.months[1], eur.months[2]
    # February: invoices 1000 + 100 (the 500 one is of January), March: the credit note
    assert (february.sales, march.sales, eur.months[0].sales) == (D("1100"), D("-200"), D("500"))
    assert february.purchases == D("300")
    assert february.sales_height == 95 and march.sales_height == 0
    assert usd.months[1].sales == D("50")

    page = (
        client_for(alice)
        .get(reverse("sales_panel", args=["acme", "company", books.pk]))
        .content.decode()
    )
    assert "<svg" in page and "Show as table" in page
    assert "€1,100.00" in page and "-€200.00" in page


@pytest.mark.django_db
def test_average_days_to_pay(acme, alice):
    company = factories.CompanyFactory(organization=acme)
    for days, amount in ((10, "122"), (30, "122")):
        invoice = issue(acme, company, Kind.INVOICE, "100", on=date(THIS_YEAR, 1, 1))
        with scopes_disabled():
            services.payment_record(
                document=invoice,
                payment=Payment(date=date(THIS_YEAR, 1, 1) + timedelta(days=days),
                                amount=D(amount), method="cash"),
                user=None,
            )  # fmt: skip
    issue(acme, company, Kind.INVOICE, "100", on=date(THIS_YEAR, 1, 1))  # unpaid: not counted

    with scopes_disabled():
        assert selectors.average_days_to_pay(acme, year=THIS_YEAR, company=company) == 20.0


@pytest.mark.django_db
def test_the_products_report_per_item_with_margin_and_credit_notes(client_for, acme, alice):
    company = factories.CompanyFactory(organization=acme, name="Enel")
    panel = factories.product(acme, name="Solar panel", sku="PV-400", price=D("250"),
                              cost=D("150"))  # fmt: skip
    lines = [
        {"product": panel, "description": "Solar panel", "quantity": "4", "unit_price": "250",
         "cost": "150", "tax_rate": "22"},
        {"description": "Installation", "quantity": "10", "unit_price": "80", "tax_rate": "22"},
    ]  # fmt: skip
    invoice = issue_lines(acme, company, Kind.INVOICE, lines)
    with scopes_disabled():
        note = services.document_convert(
            source=invoice, kind=Kind.CREDIT_NOTE, user=alice,
            line_ids=[invoice.lines.get(product=panel).pk],
        )  # fmt: skip
        note.lines.update(quantity=D("1"))
        services.recompute(note)
    factories.issued(note, issue_date=date(THIS_YEAR, 2, 10))
    issue_lines(acme, company, Kind.INVOICE, lines, on=date(THIS_YEAR - 1, 5, 1))  # outside

    with scopes_disabled():
        (rows,) = selectors.products_report(
            acme, start=date(THIS_YEAR, 1, 1), end=date(THIS_YEAR, 12, 31), company=company
        ).values()
    installation, panels = rows  # the largest net first
    assert (panels.label, panels.units, panels.net, panels.cost) == (
        "Solar panel",
        D("3"),
        D("750"),
        D("450"),
    )
    assert (panels.margin, panels.margin_pct) == (D("300"), D("40.0"))
    assert (installation.units, installation.net, installation.margin) == (
        D("10"),
        D("800"),
        D("800"),
    )

    response = client_for(alice).get(
        reverse("sales_report", args=["acme", "company", company.pk]),
        {"from": f"{THIS_YEAR}-01-01", "to": f"{THIS_YEAR}-12-31", "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    lines_of_csv = response.content.decode().splitlines()
    assert lines_of_csv[1:] == [
        "EUR,Installation,,10,800.00,0.00,800.00,100.0",
        "EUR,Solar panel,PV-400,3,750.00,450.00,300.00,40.0",
    ]


def issue_lines(acme, company, kind, lines, *, on=None):
    row = factories.document(acme, kind=kind, company=company, lines=lines)
    return factories.issued(row, issue_date=on or date(THIS_YEAR, 2, 1))
