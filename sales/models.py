"""Sales and purchase documents (issue 15): the catalog, documents and their lines,
numbering series, payments.

A `Document` is one table for every kind — quote, sales order, proforma, invoice, credit
note on the sales side; purchase order and bill on the purchase side. Its counterparty is
a company or a contact (exactly one); who may see a document is who may see that party
(`selectors.visible`), so guests never see one and a private contact's documents are seen
only by those who see the contact. A draft has no number; issuing assigns one from its
series' counter inside the issuing transaction (`numbering.py`), and from then on its
lines, party and totals are frozen (`services.py` refuses, and `Document.delete` too).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from schwifty import IBAN

from connections.models import currency_validator
from organizations.scoping import TenantModel

MONEY = {"max_digits": 18, "decimal_places": 4}
RATE = {"max_digits": 6, "decimal_places": 3}


class Kind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    SALES_ORDER = "sales_order", _("Sales order")
    PROFORMA = "proforma", _("Proforma invoice")
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    BILL = "bill", _("Bill")


SALES_KINDS = [Kind.QUOTE, Kind.SALES_ORDER, Kind.PROFORMA, Kind.INVOICE, Kind.CREDIT_NOTE]
PURCHASE_KINDS = [Kind.PURCHASE_ORDER, Kind.BILL]
# Kinds that are paid: they have a due date, payments and an amount due.
PAYABLE_KINDS = [Kind.INVOICE, Kind.BILL]
# What each kind converts into (the new document keeps a link to its source).
CONVERSIONS = {
    Kind.QUOTE: [Kind.SALES_ORDER, Kind.PROFORMA, Kind.INVOICE],
    Kind.SALES_ORDER: [Kind.INVOICE],
    Kind.PROFORMA: [Kind.INVOICE],
    Kind.INVOICE: [Kind.CREDIT_NOTE],
    Kind.PURCHASE_ORDER: [Kind.BILL],
}
# The numbering format a kind's first series gets.
DEFAULT_FORMATS = {
    Kind.QUOTE: "QUO-[YYYY]-%%%%",
    Kind.SALES_ORDER: "SO-[YYYY]-%%%%",
    Kind.PROFORMA: "PRO-[YYYY]-%%%%",
    Kind.INVOICE: "INV-[YYYY]-%%%%",
    Kind.CREDIT_NOTE: "CN-[YYYY]-%%%%",
    Kind.PURCHASE_ORDER: "PO-[YYYY]-%%%%",
    Kind.BILL: "BILL-[YYYY]-%%%%",
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")


OPEN_STATUSES = [Status.ISSUED, Status.PARTIALLY_PAID]


class ProductKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")


class Product(TenantModel):
    """An item of the catalog: what a line starts from (its price, unit, tax rate)."""

    kind = models.CharField(
        _("type"), max_length=8, choices=ProductKind, default=ProductKind.PRODUCT
    )
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    unit = models.CharField(
        _("unit"), max_length=20, blank=True, help_text=_("For example “pcs”, “h”, “kg”.")
    )
    price = models.DecimalField(_("price"), **MONEY, default=0, validators=[MinValueValidator(0)])
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    tax_rate = models.DecimalField(
        _("tax rate %"),
        **RATE,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cost = models.DecimalField(_("cost"), **MONEY, default=0, validators=[MinValueValidator(0)])
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sku"],
                condition=~Q(sku=""),
                name="product_unique_sku",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "active", "name", "id"], name="product_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})" if self.sku else self.name


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except Exception as error:  # schwifty raises its own subclasses of ValueError
        raise ValidationError(_("Enter a valid IBAN."), code="invalid") from error


class Issuer(TenantModel):
    """What the organization prints on its documents: legal name, address, tax numbers and
    bank details (one row per organization, edited by owners)."""

    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    fiscal_code = models.CharField(_("fiscal code"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    iban = models.CharField(_("IBAN"), max_length=42, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    footer = models.TextField(
        _("footer"), blank=True, help_text=_("Printed at the foot of every document.")
    )
    # The logo printed on documents: a PNG or JPEG in the default storage (services).
    logo_key = models.CharField(max_length=100, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)
    logo_size = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("issuer details")
        verbose_name_plural = _("issuer details")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="issuer_one_per_organization")
        ]

    def __str__(self) -> str:
        return self.legal_name or str(self.organization_id)

    @property
    def iban_formatted(self) -> str:
        try:
            return IBAN(self.iban).formatted if self.iban else ""
        except Exception:
            return self.iban


class NumberSeries(TenantModel):
    """A numbering line of one kind: `INV-[YYYY]-%%%%` gives INV-2026-0001.

    `[YYYY]` / `[YY]` are the issue date's year, each `%` one digit of the counter; with
    `yearly_reset` the counter starts again at 1 each year. The first series of a kind
    is its default.
    """

    kind = models.CharField(_("document type"), max_length=16, choices=Kind)
    name = models.CharField(_("name"), max_length=60)
    format = models.CharField(
        _("format"),
        max_length=60,
        help_text=_("[YYYY] or [YY] is the year, each percent sign a digit: INV-[YYYY]-%%%%."),
    )
    yearly_reset = models.BooleanField(_("start again at 1 every year"), default=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")
        ordering = ["kind", "-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "name"], name="series_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(is_default=True),
                name="series_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.format})"


class NumberCounter(TenantModel):
    """The next number of a series in a period (the year, or 0 when it never resets).

    Issuing locks this row (`select_for_update`) until its transaction ends: a rolled
    back issue gives its number back, two issues never get the same one.
    """

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="counters")
    period = models.PositiveIntegerField(default=0)
    next_value = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "series", "period"], name="counter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.period}: {self.next_value}"


class Document(TenantModel):
    """A quote, order, proforma, invoice, credit note, purchase order or bill.

    Totals are stored (recomputed by `services.recompute` from the lines on every change
    of a draft) so the panel's figures are SQL sums. `credited` is what credit notes
    issued against an invoice take off it; `amount_due` = gross − paid − credited.
    """

    kind = models.CharField(_("document type"), max_length=16, choices=Kind)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    contact_person = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
    project = models.ForeignKey(
        "connections.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("project"),
    )
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
        verbose_name=_("converted from"),
    )
    series = models.ForeignKey(
        NumberSeries, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=80, blank=True)
    number_value = models.PositiveIntegerField(null=True, blank=True)
    period = models.PositiveIntegerField(null=True, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=80,
        blank=True,
        help_text=_("The other side's number: the supplier's invoice number, your client's order."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=200, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    net = models.DecimalField(_("net"), **MONEY, default=0)
    tax = models.DecimalField(_("tax"), **MONEY, default=0)
    withholding = models.DecimalField(_("withholding"), **MONEY, default=0)
    gross = models.DecimalField(_("total"), **MONEY, default=0)
    paid = models.DecimalField(_("paid"), **MONEY, default=0)
    credited = models.DecimalField(_("credited"), **MONEY, default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the PDF; empty: the organization's."),
    )
    # The PDF of an issued document, rendered once and stored (pdf.py): its key in the
    # default storage, its SHA-256 and its size. Drafts have none.
    pdf_key = models.CharField(max_length=100, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField(default=0, editable=False)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=True, contact__isnull=False)
                | Q(company__isnull=False, contact__isnull=True),
                name="document_one_party",
            ),
            models.UniqueConstraint(
                fields=["organization", "series", "period", "number_value"],
                condition=Q(number_value__isnull=False),
                name="document_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(number=""), name="document_issued_numbered"
            ),
        ]
        indexes = [
            # The panel: a party's documents and their figures by issue date.
            models.Index(
                fields=["organization", "company", "kind", "issue_date"], name="doc_company"
            ),
            models.Index(
                fields=["organization", "contact", "kind", "issue_date"], name="doc_contact"
            ),
            models.Index(fields=["organization", "-created_at", "-id"], name="doc_created"),
            models.Index(fields=["organization", "kind", "status", "due_date"], name="doc_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or _('(draft)')}"

    def url_in(self, slug: str) -> str:
        return reverse("document_detail", kwargs={"slug": slug, "pk": self.pk})

    def get_absolute_url(self) -> str:
        return self.url_in(self.organization.slug)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_sales(self) -> bool:
        return self.kind in SALES_KINDS

    @property
    def is_payable(self) -> bool:
        return self.kind in PAYABLE_KINDS

    @property
    def amount_due(self):
        return self.gross - self.paid - self.credited

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_payable
            and self.status in OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < date.today()
        )

    @property
    def conversions(self) -> list[str]:
        targets = CONVERSIONS.get(self.kind, [])
        if self.kind == Kind.INVOICE and self.is_draft:
            return []  # a draft invoice is corrected by editing it, not by a credit note
        return targets

    @property
    def party(self):
        return self.company if self.company_id else self.contact

    def delete(self, *args, **kwargs):
        """An issued document is never deleted on its own (its party's delete takes it
        to the trash with the party)."""
        if self.status != Status.DRAFT:
            raise ValidationError(_("An issued document cannot be deleted: issue a credit note."))
        return super().delete(*args, **kwargs)


class DocumentLine(TenantModel):
    """A line: a catalog item or free text, quantity × price less discount, taxed per line.

    `withholding_rate` is a percentage withheld from the total (ritenuta, IRPF), shown as
    a negative amount. `net` is stored rounded (services.recompute).
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        Product,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("product or service"),
    )
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=4, default=1, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(
        _("unit price"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    discount_pct = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tax_rate = models.DecimalField(
        _("tax rate %"),
        **RATE,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    withholding_rate = models.DecimalField(
        _("withholding %"),
        **RATE,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Withheld from the total, such as the Italian ritenuta or the Spanish IRPF."),
    )
    cost = models.DecimalField(
        _("unit cost"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    net = models.DecimalField(_("net"), **MONEY, default=0)

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["organization", "document", "position"], name="line_doc")]

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    OTHER = "other", pgettext_lazy("payment method", "Other")


class Payment(TenantModel):
    """Money received for an invoice or paid for a bill."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="payments")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])
    method = models.CharField(
        _("method"), max_length=16, choices=PaymentMethod, default=PaymentMethod.TRANSFER
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_positive",
                violation_error_message=_("Enter an amount greater than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} · {self.date}"


# --- Sending documents: who receives what ---------------------------------------------------


class Category(models.TextChoices):
    """What a message about a document is; each person chooses, per category, to receive
    it in To, in CC, or not (`RecipientPreference`)."""

    QUOTE = "quote", _("Quotes")
    ORDER = "order", _("Orders")
    INVOICE = "invoice", _("Invoices")
    CREDIT_NOTE = "credit_note", _("Credit notes")
    PURCHASE_ORDER = "purchase_order", _("Purchase orders")
    PAYMENT_RECEIPT = "payment_receipt", _("Payment receipts")
    REMINDER = "reminder", _("Reminders")


# The category of the message that sends a document of each kind (bills are received).
KIND_CATEGORY = {
    Kind.QUOTE: Category.QUOTE,
    Kind.SALES_ORDER: Category.ORDER,
    Kind.PROFORMA: Category.INVOICE,
    Kind.INVOICE: Category.INVOICE,
    Kind.CREDIT_NOTE: Category.CREDIT_NOTE,
    Kind.PURCHASE_ORDER: Category.PURCHASE_ORDER,
}


class Delivery(models.TextChoices):
    NONE = "none", _("Not")
    TO = "to", _("To")
    CC = "cc", _("CC")


class RecipientPreference(TenantModel):
    """Whether a company's contact person receives its messages of a category, in To or CC.

    No row is "not" (the default). "Send copies of messages" sets CC for every category.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category)
    mode = models.CharField(max_length=4, choices=Delivery, default=Delivery.NONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "company", "contact", "category"],
                name="recipientpreference_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} · {self.category}: {self.mode}"


class SendStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DocumentSend(TenantModel):
    """One sending of a document by email: its recipients, when, the message id.

    The worker sends it (`sales.tasks.send_document`); a draft is issued in the same
    transaction as its email, so a failed send consumes no number.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sends")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=SendStatus, default=SendStatus.QUEUED)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "document", "-created_at"], name="send_doc")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} · {self.status}"


class Role(models.TextChoices):
    TO = "to", _("To")
    CC = "cc", _("CC")
    BCC = "bcc", _("BCC")


class SendRecipient(TenantModel):
    send = models.ForeignKey(DocumentSend, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.EmailField()
    role = models.CharField(max_length=4, choices=Role)

    class Meta:
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.address}"
