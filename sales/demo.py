"""Demo documents for `seed_demo`: a small catalog and a year of business with Nordwind.

Runs after opportunities.demo (sales comes later in INSTALLED_APPS), inside the
organization's scope. Idempotent: nothing is added once Acme has a catalog.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from companies.models import Company
from organizations.models import Organization, User
from sales import services
from sales.models import Document, DocumentLine, Kind, Payment, Product

CATALOG = [
    # name, sku, unit, price, tax rate, cost, kind
    ("Fleet audit", "AUD-01", "day", "900", "22", "450", "service"),
    ("GPS tracker", "GPS-100", "pcs", "120", "22", "70", "product"),
    ("Support plan", "SUP-12", "month", "250", "22", "80", "service"),
]  # fmt: skip


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    if organization.slug != "acme":
        return
    if Product.objects.filter(organization=organization).exists():
        return
    alice = next((user for email, user in users.items() if email.startswith("alice")), None)
    products = [
        Product.objects.create(
            organization=organization, name=name, sku=sku, unit=unit, price=Decimal(price),
            tax_rate=Decimal(rate), cost=Decimal(cost), kind=kind,
        )
        for name, sku, unit, price, rate, cost, kind in CATALOG
    ]  # fmt: skip
    company = Company.objects.filter(organization=organization, name="Nordwind Logistik").first()
    if company is None or alice is None:
        return
    try:
        _documents(organization, company, products, alice)
    except ValidationError:  # Nordwind is not alice's to see in this database: no documents
        return


def _documents(organization, company, products, alice) -> None:
    today = timezone.localdate()
    invoice = _draft(organization, company, Kind.INVOICE, products, alice)
    services.document_issue(document=invoice, user=alice, issue_date=today - timedelta(days=20))
    invoice.refresh_from_db()
    services.payment_record(
        document=invoice,
        payment=Payment(date=today - timedelta(days=5), amount=Decimal("1000"), method="transfer"),
        user=alice,
    )
    _draft(organization, company, Kind.QUOTE, products[2:], alice)


def _draft(organization, company, kind, products, user) -> Document:
    document = services.document_create(
        document=Document(organization=organization, kind=kind, company=company, currency="EUR"),
        user=user,
    )
    for product in products:
        services.line_save(
            document=document,
            line=DocumentLine(organization=organization, product=product, quantity=Decimal(2),
                              unit_price=None, tax_rate=None),
        )  # fmt: skip
    return document
