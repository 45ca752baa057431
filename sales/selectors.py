"""Reading documents: who sees a document is who sees its party.

`visible(user, organization)` keeps the documents whose company or contact the reader
may see through the directory's door (`visible_to`): guests and outsiders see none, a
private contact's documents are seen by those who see the contact. The panel's figures
are SQL sums over a party's documents (the party came through its door already).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.shortcuts import get_object_or_404

from companies.models import Company
from contacts.models import Contact
from organizations.models import Organization, User
from sales.models import MONEY, OPEN_STATUSES, Document, DocumentLine, Kind, Product, Status

PANEL_ROWS = 15
DUE = ExpressionWrapper(F("gross") - F("paid") - F("credited"), output_field=DecimalField(**MONEY))


def visible(user: User, organization: Organization) -> QuerySet:
    companies = Company.objects.visible_to(user, organization).filter(pk=OuterRef("company_id"))
    contacts = Contact.objects.visible_to(user, organization).filter(pk=OuterRef("contact_id"))
    return Document.objects.filter(organization=organization).filter(
        Exists(companies) | Exists(contacts)
    )


def document_for_user(user: User, organization: Organization, pk: int) -> Document:
    """One document through the door, or 404 (missing and not yours are the same)."""
    return get_object_or_404(
        visible(user, organization).select_related(
            "company", "contact", "project", "source", "created_by"
        ),
        pk=pk,
    )


def contact_person_shown(user: User, organization: Organization, document: Document):
    """The document's contact person if the reader may see them, else None."""
    if not document.contact_person_id:
        return None
    return (
        Contact.objects.visible_to(user, organization).filter(pk=document.contact_person_id).first()
    )


def products(organization: Organization, *, q: str = "", active_only: bool = False) -> QuerySet:
    rows = Product.objects.filter(organization=organization)
    if active_only:
        rows = rows.filter(active=True)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(sku__icontains=q))
    return rows.order_by("name", "id")


@dataclass
class Figures:
    """A party's figures in one currency."""

    currency: str
    sales: Decimal = Decimal(0)
    purchases: Decimal = Decimal(0)
    receivable: Decimal = Decimal(0)
    payable: Decimal = Decimal(0)
    overdue: Decimal = Decimal(0)


def figures(organization: Organization, *, year: int, today: date | None = None, **party):
    """The year's sales (invoices less credit notes, net), purchases (bills, net), and
    what is open now — receivable, payable, overdue — per currency. One query."""
    today = today or date.today()
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = Q(issue_date__gte=start, issue_date__lte=end)
    open_ = Q(status__in=OPEN_STATUSES)
    rows = (
        Document.objects.filter(
            organization=organization,
            kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE, Kind.BILL],
            **party,
        )
        .exclude(status=Status.DRAFT)
        .order_by()
        .values("currency")
        .annotate(
            invoiced=Sum("net", filter=in_year & Q(kind=Kind.INVOICE)),
            credit_notes=Sum("net", filter=in_year & Q(kind=Kind.CREDIT_NOTE)),
            bought=Sum("net", filter=in_year & Q(kind=Kind.BILL)),
            open_receivable=Sum(DUE, filter=open_ & Q(kind=Kind.INVOICE)),
            open_payable=Sum(DUE, filter=open_ & Q(kind=Kind.BILL)),
            open_overdue=Sum(DUE, filter=open_ & Q(kind=Kind.INVOICE, due_date__lt=today)),
        )
        .order_by("currency")
    )
    zero = Decimal(0)
    return [
        Figures(
            currency=row["currency"],
            sales=(row["invoiced"] or zero) - (row["credit_notes"] or zero),
            purchases=row["bought"] or zero,
            receivable=row["open_receivable"] or zero,
            payable=row["open_payable"] or zero,
            overdue=row["open_overdue"] or zero,
        )
        for row in rows
    ]


def kind_counts(organization: Organization, **party) -> list[tuple[str, str, int]]:
    """How many documents of each kind a party has: (kind, label, count), one query."""
    counts = dict(
        Document.objects.filter(organization=organization, **party)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return [(kind, label, counts[kind]) for kind, label in Kind.choices if counts.get(kind)]


def party_documents(organization: Organization, **party) -> list[Document]:
    """A party's latest documents, newest first (one query)."""
    return list(
        Document.objects.filter(organization=organization, **party)
        .only(
            "pk", "kind", "status", "number", "issue_date", "due_date", "currency", "gross",
            "paid", "credited", "created_at",
        )
        .order_by("-created_at", "-id")[:PANEL_ROWS]
    )  # fmt: skip


@dataclass
class Month:
    month: int
    sales: Decimal = Decimal(0)
    purchases: Decimal = Decimal(0)
    sales_height: int = 0
    purchases_height: int = 0

    # The bars' places in the chart's 360 × 120 box: one 30-wide slot a month.
    @property
    def x(self) -> int:
        return (self.month - 1) * 30

    @property
    def x_purchases(self) -> int:
        return self.x + 15

    @property
    def label_x(self) -> int:
        return self.x + 15

    @property
    def y_sales(self) -> int:
        return 105 - self.sales_height

    @property
    def y_purchases(self) -> int:
        return 105 - self.purchases_height


@dataclass
class Chart:
    """One currency's year by month: sales (net of credit notes) and purchases, with the
    bars' heights (0–100) of the server-drawn chart."""

    currency: str
    months: list[Month]
    peak: Decimal = Decimal(0)


def monthly(organization: Organization, *, year: int, **party) -> list[Chart]:
    """The year's sales and purchases per month and currency (one query)."""
    signed = Case(
        When(kind=Kind.CREDIT_NOTE, then=-F("net")), default=F("net"),
        output_field=DecimalField(**MONEY),
    )  # fmt: skip
    rows = (
        Document.objects.filter(
            organization=organization,
            kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE, Kind.BILL],
            issue_date__gte=date(year, 1, 1),
            issue_date__lte=date(year, 12, 31),
            **party,
        )
        .exclude(status=Status.DRAFT)
        .annotate(month=ExtractMonth("issue_date"))
        .order_by()
        .values("currency", "month")
        .annotate(
            sales=Sum(signed, filter=~Q(kind=Kind.BILL)),
            purchases=Sum("net", filter=Q(kind=Kind.BILL)),
        )
    )
    charts: dict[str, Chart] = {}
    for row in rows:
        chart = charts.setdefault(
            row["currency"],
            Chart(currency=row["currency"], months=[Month(month=m) for m in range(1, 13)]),
        )
        month = chart.months[row["month"] - 1]
        month.sales += row["sales"] or 0
        month.purchases += row["purchases"] or 0
    for chart in charts.values():
        chart.peak = max([max(m.sales, m.purchases) for m in chart.months] + [Decimal(0)])
        for month in chart.months:
            if chart.peak > 0:
                month.sales_height = int(max(month.sales, 0) * 95 / chart.peak)
                month.purchases_height = int(month.purchases * 95 / chart.peak)
    return [charts[currency] for currency in sorted(charts)]


def average_days_to_pay(organization: Organization, *, year: int, **party) -> float | None:
    """Average days from issue to full payment of the year's paid invoices (one query)."""
    paid = Document.objects.filter(
        organization=organization,
        kind=Kind.INVOICE,
        status=Status.PAID,
        paid_on__isnull=False,
        issue_date__gte=date(year, 1, 1),
        issue_date__lte=date(year, 12, 31),
        **party,
    ).values_list("issue_date", "paid_on")
    # Dates subtract differently on each database; one party's paid invoices of a year
    # are a short range of the (organization, party, kind, issue_date) index, so the
    # days are counted here.
    days = [(paid_on - issued).days for issued, paid_on in paid]
    return round(sum(days) / len(days), 1) if days else None


@dataclass
class ReportRow:
    label: str
    sku: str
    units: Decimal
    net: Decimal
    cost: Decimal

    @property
    def margin(self) -> Decimal:
        return self.net - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        if not self.net:
            return None
        return (self.margin * 100 / self.net).quantize(Decimal("0.1"))


def products_report(
    organization: Organization, *, start: date, end: date, purchases: bool = False, **party
) -> dict[str, list[ReportRow]]:
    """What was sold to (or bought from) a party between two dates, per catalog item or
    free-text line, per currency: units, net, cost and margin. Credit notes subtract."""
    kinds = [Kind.BILL] if purchases else [Kind.INVOICE, Kind.CREDIT_NOTE]
    one = DecimalField(max_digits=2, decimal_places=0)
    sign = Case(
        When(document__kind=Kind.CREDIT_NOTE, then=Value(Decimal(-1))),
        default=Value(Decimal(1)),
        output_field=one,
    )
    rows = (
        DocumentLine.objects.filter(
            organization=organization,
            document__kind__in=kinds,
            document__issue_date__gte=start,
            document__issue_date__lte=end,
            **{f"document__{name}": value for name, value in party.items()},
        )
        .exclude(document__status=Status.DRAFT)
        .order_by()
        .values("document__currency", "product_id", "product__name", "product__sku", "description")
        .annotate(
            units=Sum(
                sign * F("quantity"), output_field=DecimalField(max_digits=20, decimal_places=4)
            ),
            total=Sum(sign * F("net"), output_field=DecimalField(**MONEY)),
            costs=Sum(
                sign * F("quantity") * F("cost"),
                output_field=DecimalField(max_digits=24, decimal_places=8),
            ),
        )
    )
    merged: dict[tuple, ReportRow] = {}
    for row in rows:
        # A catalog item is one row whatever its lines were called; free text by its text.
        key = (row["document__currency"], row["product_id"] or row["description"])
        label = row["product__name"] or row["description"]
        found = merged.get(key)
        if found is None:
            merged[key] = ReportRow(label, row["product__sku"] or "", row["units"] or 0,
                                    row["total"] or 0, row["costs"] or 0)  # fmt: skip
        else:
            found.units += row["units"] or 0
            found.net += row["total"] or 0
            found.cost += row["costs"] or 0
    report: dict[str, list[ReportRow]] = {}
    for (currency, _key), row in sorted(merged.items(), key=lambda item: -item[1].net):
        report.setdefault(currency, []).append(row)
    return dict(sorted(report.items()))
