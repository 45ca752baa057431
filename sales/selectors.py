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
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.shortcuts import get_object_or_404

from companies.models import Company
from contacts.models import Contact
from organizations.models import Organization, User
from sales.models import MONEY, OPEN_STATUSES, Document, Kind, Product, Status

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
            credited=Sum("net", filter=in_year & Q(kind=Kind.CREDIT_NOTE)),
            bought=Sum("net", filter=in_year & Q(kind=Kind.BILL)),
            receivable=Sum(DUE, filter=open_ & Q(kind=Kind.INVOICE)),
            payable=Sum(DUE, filter=open_ & Q(kind=Kind.BILL)),
            overdue=Sum(DUE, filter=open_ & Q(kind=Kind.INVOICE, due_date__lt=today)),
        )
        .order_by("currency")
    )
    zero = Decimal(0)
    return [
        Figures(
            currency=row["currency"],
            sales=(row["invoiced"] or zero) - (row["credited"] or zero),
            purchases=row["bought"] or zero,
            receivable=row["receivable"] or zero,
            payable=row["payable"] or zero,
            overdue=row["overdue"] or zero,
        )
        for row in rows
    ]


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
