"""Browser journey: alice creates a quote for Enel Green Power from its panel with two
catalog lines, issues it, converts it into an invoice, sends it (Marco preselected in To,
Giulia in CC by "send copies"), records a payment, and sees the year's figures change on
the company's panel."""

from decimal import Decimal

import pytest

from organizations.scoping import scopes_disabled
from sales import sending
from sales.models import Category, Delivery, Document
from tests import factories

pytestmark = pytest.mark.e2e


def add_line(page, search: str, label: str, quantity: str) -> None:
    form = page.locator("#line-form")
    form.get_by_label("Catalog item").fill(search)
    form.get_by_role("button", name=label).click()
    form.get_by_label("Quantity").fill(quantity)
    form.get_by_role("button", name="Add the line").click()
    page.wait_for_load_state()


def test_alice_sells_from_the_panel_and_sees_the_figures(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    enel = factories.CompanyFactory(organization=acme, created_by=alice, name="Enel Green Power")
    factories.product(acme, name="Solar panel 400W", sku="PV-400", price=Decimal("250"))
    factories.product(acme, name="Installation", kind="service", unit="h", price=Decimal("80"))
    people = {}
    for first, primary in (("Marco", True), ("Giulia", False)):
        person = factories.ContactFactory(organization=acme, first_name=first, last_name="Rossi")
        factories.AffiliationFactory(contact=person, company=enel, is_primary=primary)
        with scopes_disabled():
            person.emails.create(organization=acme, position=0, email=f"{first}@enel.example")
        people[first] = person
    with scopes_disabled():
        sending.preferences_save(enel, {(people["Marco"].pk, Category.INVOICE): Delivery.TO})
        sending.send_copies(enel, people["Giulia"])
    company_url = f"{live_server.url}/o/acme/companies/{enel.pk}/"
    section = page.locator(f"#sales-company-{enel.pk}")

    login(page, alice)
    page.goto(company_url)
    section.get_by_text("No invoices or bills yet.").wait_for()
    section.get_by_role("link", name="New quote").click()
    assert page.get_by_label("Company").input_value() == "Enel Green Power"  # prefilled
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Draft created: add its lines.").wait_for()

    add_line(page, "Solar", "Solar panel 400W (PV-400)", "4")
    add_line(page, "Install", "Installation", "10")
    totals = page.locator("#document-totals")
    assert "€1,800.00" in totals.inner_text()  # 4 × 250 + 10 × 80
    assert "€2,196.00" in totals.inner_text()  # + 22 %

    page.get_by_role("button", name="Issue the document").click()
    page.get_by_role("heading", name="Quote QUO-").wait_for()

    page.get_by_role("link", name="Convert…").click()
    page.get_by_label("Convert into").select_option("invoice")
    page.get_by_role("button", name="Convert").click()
    page.get_by_role("heading", name="Invoice (draft)").wait_for()

    page.get_by_role("link", name="Send…").click()
    form = page.locator("#send-form")
    assert form.locator("#id_to_0").is_checked()  # Marco: invoices in To
    assert not form.locator("#id_to_1").is_checked()
    assert form.locator("#id_cc_1").is_checked()  # Giulia: copies of everything
    form.get_by_role("button", name="Send").click()
    page.get_by_text("The email is on its way").wait_for()
    page.get_by_role("heading", name="Invoice INV-").wait_for()  # issued as it was sent
    assert "Marco@enel.example" in page.locator("#sends").inner_text()

    payment = page.locator("#payment-form")
    payment.get_by_label("Amount").fill("1000")
    payment.get_by_role("button", name="Record the payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    assert "€1,196.00" in page.locator("#amount-due").inner_text()

    page.goto(company_url)
    figures = section.locator("#sales-figures")
    figures.wait_for()
    assert "€1,800.00" in figures.inner_text()  # the year's sales
    assert "€1,196.00" in figures.inner_text()  # receivable
    with scopes_disabled():
        invoice = Document.objects.get(kind="invoice")
    assert invoice.status == "partially_paid" and invoice.source.kind == "quote"


def test_the_other_sales_pages_pass_the_accessibility_checks(
    page,  # noqa: F811
    login,  # noqa: F811
    live_server,
    acme,
    alice,
):
    """Every page is checked by axe-core as it loads (tests/e2e/conftest.py)."""
    enel = factories.CompanyFactory(organization=acme, created_by=alice, name="Enel Green Power")
    person = factories.ContactFactory(organization=acme, first_name="Marco", last_name="Rossi")
    factories.AffiliationFactory(contact=person, company=enel)
    product = factories.product(acme, name="Solar panel 400W", sku="PV-400")
    invoice = factories.issued(
        factories.document(acme, company=enel, lines=[{"product": product, "quantity": "2",
                                                       "unit_price": "250", "tax_rate": "22"}])
    )  # fmt: skip
    base = f"{live_server.url}/o/acme/sales"

    login(page, alice)
    for path, heading in (
        ("/", "Sales & purchases"),
        ("/catalog/", "Products & services"),
        (f"/catalog/{product.pk}/", "Edit Solar panel 400W"),
        ("/series/", "Numbering"),
        ("/details/", "Details on documents"),
        (f"/report/company/{enel.pk}/", "What was sold to Enel Green Power"),
        (f"/recipients/{enel.pk}/", "Who receives the documents of Enel Green Power"),
        (f"/{invoice.pk}/", "Invoice INV-"),
        (f"/{invoice.pk}/convert/", "Convert"),
    ):
        page.goto(base + path)
        page.get_by_role("heading", name=heading).first.wait_for()
