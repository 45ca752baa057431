"""Writes on documents, lines, payments, numbering series and the catalog.

Each write that changes a document locks its row first (`SELECT … FOR UPDATE`) and reads
its status under the lock, so an issued document's lines, party and totals cannot be
changed by a request that loaded it as a draft a moment earlier. Issuing and recording a
payment write their timeline event on the party in the same transaction.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from events.models import EventKind
from events.services import record_event
from organizations.models import Organization, User
from sales import money, numbering
from sales.models import (
    DEFAULT_FORMATS,
    OPEN_STATUSES,
    Document,
    DocumentLine,
    Kind,
    NumberSeries,
    Payment,
    Status,
)

# --- Numbering series ----------------------------------------------------------------------


def default_series(organization: Organization, kind: str) -> NumberSeries:
    """The kind's default series; the first one is made from DEFAULT_FORMATS if none."""
    series = (
        NumberSeries.objects.filter(organization=organization, kind=kind)
        .order_by("-is_default", "id")
        .first()
    )
    if series is not None:
        return series
    NumberSeries.objects.bulk_create(
        [
            NumberSeries(
                organization=organization,
                kind=kind,
                name=_("Default"),
                format=DEFAULT_FORMATS[kind],
                is_default=True,
            )
        ],
        ignore_conflicts=True,
    )
    return NumberSeries.objects.filter(organization=organization, kind=kind).order_by(
        "-is_default", "id"
    )[0]


@transaction.atomic
def series_save(*, series: NumberSeries) -> NumberSeries:
    """Save a series; made the default, it takes the place of the kind's previous one."""
    if not numbering.valid_format(series.format):
        raise ValidationError(
            {"format": _("Write the number as one run of percent signs: INV-[YYYY]-%%%%.")}
        )
    if series.is_default:
        NumberSeries.objects.filter(
            organization=series.organization, kind=series.kind, is_default=True
        ).exclude(pk=series.pk).update(is_default=False)
    series.save()
    return series


# --- Documents ------------------------------------------------------------------------------


def _lock(document: Document) -> Document:
    """The document's row, locked until the transaction ends, with its current status."""
    return Document.objects.select_for_update().get(
        organization_id=document.organization_id, pk=document.pk
    )


def issued_message() -> str:
    return _("This document has been issued: its lines, party and totals cannot change.")


def _refuse_unless_draft(document: Document) -> None:
    if document.status != Status.DRAFT:
        raise ValidationError(issued_message())


def check_links(*, document: Document, user: User) -> None:
    """The party (exactly one), the contact person and the project are records `user` sees."""
    organization = document.organization
    if (document.company_id is None) == (document.contact_id is None):
        raise ValidationError(_("Choose the company or the contact of the document."))
    if (
        document.company_id
        and not Company.objects.visible_to(user, organization)
        .filter(pk=document.company_id)
        .exists()
    ):
        raise ValidationError({"company": _("Choose a record you can see from the list.")})
    for field in ("contact", "contact_person"):
        pk = getattr(document, f"{field}_id")
        if pk and not Contact.objects.visible_to(user, organization).filter(pk=pk).exists():
            raise ValidationError({field: _("Choose a record you can see from the list.")})
    if (
        document.project_id
        and not projects_visible_to(user, organization).filter(pk=document.project_id).exists()
    ):
        raise ValidationError({"project": _("Choose a project you can see.")})


def address_of(document: Document) -> str:
    """The party's first address, as lines: the snapshot a document keeps."""
    party = document.company if document.company_id else document.contact
    address = party.addresses.order_by("position").first()
    lines = [str(party)]
    if address is not None:
        lines += address.lines
    return "\n".join(lines)


@transaction.atomic
def document_create(*, document: Document, user: User) -> Document:
    """Save a new draft (built by the form)."""
    document.created_by = user
    document.status = Status.DRAFT
    check_links(document=document, user=user)
    if not document.billing_address.strip():
        document.billing_address = address_of(document)
    document.full_clean(exclude=["company", "contact", "contact_person", "project", "source"])
    document.save()
    return document


@transaction.atomic
def document_update(*, document: Document, user: User) -> Document:
    """Save an edited draft; an issued one is refused, whatever the request says."""
    _refuse_unless_draft(_lock(document))
    check_links(document=document, user=user)
    document.full_clean(exclude=["company", "contact", "contact_person", "project", "source"])
    document.save()
    recompute(document)
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    """Delete a draft; an issued document is never deleted."""
    _refuse_unless_draft(_lock(document))
    document.delete()


def recompute(document: Document) -> money.Totals:
    """Store the lines' nets and the document's totals, from the lines."""
    totals = _store_totals(document, list(document.lines.all()))
    document.save(update_fields=["net", "tax", "withholding", "gross", "updated_at"])
    return totals


def _store_totals(document: Document, lines: list[DocumentLine]) -> money.Totals:
    """Set the document's totals from `lines`, saving the lines whose net changed."""
    totals = money.compute(lines, document.currency)
    changed = []
    for line in lines:
        net = money.line_net(line.quantity, line.unit_price, line.discount_pct, document.currency)
        if line.net != net:
            line.net = net
            changed.append(line)
    if changed:
        DocumentLine.objects.bulk_update(changed, ["net"])
    document.net, document.tax = totals.net, totals.tax
    document.withholding, document.gross = totals.withholding, totals.gross
    return totals


# --- Lines ----------------------------------------------------------------------------------


def _fill_from_product(line: DocumentLine) -> None:
    product = line.product
    if product is None:
        return
    if not line.description:
        line.description = product.name
    if not line.unit:
        line.unit = product.unit
    if line.unit_price is None:
        line.unit_price = product.price
    if line.tax_rate is None:
        line.tax_rate = product.tax_rate
    if not line.cost:
        line.cost = product.cost


@transaction.atomic
def line_save(*, document: Document, line: DocumentLine) -> DocumentLine:
    """Add or change a line of a draft; blanks are taken from the catalog item."""
    locked = _lock(document)
    _refuse_unless_draft(locked)
    if line.product_id and line.product.organization_id != document.organization_id:
        raise ValidationError({"product": _("Choose an item of this organization's catalog.")})
    _fill_from_product(line)
    if line.unit_price is None:
        line.unit_price = Decimal(0)
    if line.tax_rate is None:
        line.tax_rate = Decimal(0)
    if not line.description:
        raise ValidationError({"description": _("Describe the line or choose a catalog item.")})
    line.organization_id = document.organization_id
    line.document = document
    if line.pk is None:
        last = document.lines.order_by("-position").values_list("position", flat=True).first()
        line.position = (last or 0) + 1
    line.full_clean(exclude=["document", "product"])
    line.save()
    recompute(document)
    return line


@transaction.atomic
def line_delete(*, document: Document, line: DocumentLine) -> None:
    _refuse_unless_draft(_lock(document))
    line.delete()
    recompute(document)


# --- Issuing --------------------------------------------------------------------------------


def record_on_party(document: Document, kind: EventKind, actor: User | None, **extra) -> None:
    """One event on the party's timeline (seen by who sees the party)."""
    record_event(
        organization=document.organization,
        kind=kind,
        actor=actor,
        company=document.company if document.company_id else None,
        contact=document.contact if document.contact_id else None,
        data={
            "document_id": document.pk,
            "document_kind": document.kind,
            "number": document.number,
            "total": str(money.round_money(document.gross, document.currency)),
            "currency": document.currency,
            **extra,
        },
    )


def settle(document: Document) -> None:
    """The status of an issued payable document from what was paid and credited."""
    if document.status == Status.DRAFT:
        return
    if document.gross > 0 and document.paid + document.credited >= document.gross:
        document.status = Status.PAID
    elif document.paid > 0:
        document.status = Status.PARTIALLY_PAID
    else:
        document.status = Status.ISSUED


@transaction.atomic
def document_issue(
    *,
    document: Document,
    user: User,
    series: NumberSeries | None = None,
    issue_date: date | None = None,
) -> Document:
    """Give a draft its number and freeze it, in one transaction.

    The number comes from the series' counter, locked until the commit (no gap, no
    duplicate); anything failing after it rolls the number back with the rest.
    """
    # The row as it is now, locked (its party read along, not locked: `of` self).
    locked = (
        Document.objects.select_for_update(of=("self",))
        .select_related("company", "contact")
        .get(organization_id=document.organization_id, pk=document.pk)
    )
    _refuse_unless_draft(locked)
    lines = list(locked.lines.all())
    if not lines:
        raise ValidationError(_("Add at least one line before issuing."))
    if series is None:
        series = default_series(document.organization, document.kind)
    elif series.kind != document.kind or series.organization_id != document.organization_id:
        raise ValidationError({"series": _("Choose a series of this document type.")})
    locked.issue_date = issue_date or locked.issue_date or timezone.localdate()
    if locked.is_payable and locked.due_date is None:
        locked.due_date = locked.issue_date
    if not locked.billing_address.strip():
        locked.billing_address = address_of(locked)
    _store_totals(locked, lines)
    locked.number, locked.number_value, locked.period = numbering.take(series, locked.issue_date)
    locked.series = series
    locked.status = Status.ISSUED
    locked.issued_at = timezone.now()
    locked.save()
    # The caller's instance shows the issued document.
    for field in Document._meta.concrete_fields:
        setattr(document, field.attname, getattr(locked, field.attname))
    document._state.fields_cache.update(locked._state.fields_cache)
    if document.kind == Kind.CREDIT_NOTE and document.source_id:
        invoice = Document.objects.select_for_update().get(
            organization_id=document.organization_id, pk=document.source_id
        )
        if invoice.kind == Kind.INVOICE and invoice.status != Status.DRAFT:
            if document.gross > invoice.gross - invoice.credited:
                raise ValidationError(
                    _("A credit note cannot credit more than what is left of its invoice.")
                )
            invoice.credited += document.gross
            settle(invoice)
            invoice.save(update_fields=["credited", "status", "updated_at"])
    record_on_party(document, EventKind.DOCUMENT_ISSUED, user)
    return document


# --- Payments -------------------------------------------------------------------------------


@transaction.atomic
def payment_record(*, document: Document, payment: Payment, user: User) -> Payment:
    """Record money received (invoice) or paid (bill); the status follows."""
    locked = _lock(document)
    if not locked.is_payable:
        raise ValidationError(_("Payments are recorded on invoices and bills."))
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Issue the document first.")
            if locked.status == Status.DRAFT
            else _("This document is paid in full.")
        )
    if payment.amount is None or payment.amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    payment.amount = money.round_money(payment.amount, locked.currency)
    if payment.amount > locked.amount_due:
        raise ValidationError(
            {"amount": _("This is more than the amount due (%(due)s).") % {
                "due": money.round_money(locked.amount_due, locked.currency)
            }}
        )  # fmt: skip
    payment.organization_id = locked.organization_id
    payment.document = locked
    payment.created_by = user
    payment.full_clean(exclude=["document"])
    payment.save()
    locked.paid += payment.amount
    settle(locked)
    if locked.status == Status.PAID:
        locked.paid_on = payment.date
    locked.save(update_fields=["paid", "status", "paid_on", "updated_at"])
    record_on_party(
        locked,
        EventKind.PAYMENT_RECORDED,
        user,
        amount=str(payment.amount),
        method=payment.method,
        date=payment.date.isoformat(),
    )
    document.refresh_from_db()
    return payment


# --- Conversions ----------------------------------------------------------------------------


@transaction.atomic
def document_convert(
    *, source: Document, kind: str, user: User, line_ids: list[int] | None = None
) -> Document:
    """A new draft of `kind` from `source`: same party, currency and (chosen) lines, and a
    link to its source. A credit note is made from an issued invoice only."""
    if kind not in source.conversions:
        raise ValidationError(_("This document cannot be converted into that type."))
    lines = list(source.lines.all())
    if line_ids is not None:
        lines = [line for line in lines if line.pk in set(line_ids)]
        if not lines:
            raise ValidationError(_("Choose at least one line."))
    document = Document(
        organization=source.organization,
        kind=kind,
        company_id=source.company_id,
        contact_id=source.contact_id,
        contact_person_id=source.contact_person_id,
        project_id=source.project_id,
        source=source,
        currency=source.currency,
        payment_terms=source.payment_terms,
        billing_address=source.billing_address,
        notes=source.notes,
        reference=source.number if kind == Kind.CREDIT_NOTE else source.reference,
        created_by=user,
    )
    person = source.contact_person_id
    if person and not Contact.objects.visible_to(user, source.organization).filter(pk=person):
        document.contact_person_id = None  # a person this user cannot see is not copied
    check_links(document=document, user=user)
    document.save()
    DocumentLine.objects.bulk_create(
        DocumentLine(
            organization=source.organization,
            document=document,
            position=index,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_pct=line.discount_pct,
            tax_rate=line.tax_rate,
            withholding_rate=line.withholding_rate,
            cost=line.cost,
        )
        for index, line in enumerate(lines, start=1)
    )
    recompute(document)
    return document
