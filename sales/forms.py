"""Forms of the catalog, documents, lines, payments, conversions and numbering series.

Records are chosen with search-as-you-type pickers (a hidden id and the typed text); ids
are read through the records' `visible_to`, so a record of another organization or one
the user cannot see is refused like a missing one.
"""

import re
from decimal import Decimal

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from organizations.models import Organization, User
from sales.models import (
    Category,
    Delivery,
    Document,
    DocumentLine,
    Issuer,
    Kind,
    NumberSeries,
    Payment,
    Product,
    Role,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _upper(value: str) -> str:
    return (value or "").strip().upper()


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["kind", "name", "sku", "unit", "price", "currency", "tax_rate", "cost", "active"]
        widgets = {"currency": forms.TextInput(attrs={"size": 3, "placeholder": "EUR"})}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for name in ("price", "cost"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01"})

    def clean_currency(self) -> str:
        return _upper(self.cleaned_data.get("currency"))

    def clean_sku(self) -> str:
        sku = (self.cleaned_data.get("sku") or "").strip()
        taken = Product.objects.filter(organization=self.organization, sku=sku).exclude(
            pk=self.instance.pk
        )
        if sku and taken.exists():
            raise forms.ValidationError(_("Another item has this SKU."))
        return sku


class Picker:
    """Resolve a picker (hidden `<name>_id`, text `<name>_name`) through `visible_to`."""

    def _resolve(self, name: str, model, message: str):
        pk = self.cleaned_data.get(f"{name}_id")
        text = (self.cleaned_data.get(f"{name}_name") or "").strip()
        if pk is None:
            if text:
                self.add_error(f"{name}_name", message)
                return False
            return None
        record = model.objects.visible_to(self.user, self.organization).filter(pk=pk).first()
        if record is None:
            self.add_error(f"{name}_name", message)
            return False
        return record


def _name(record) -> str:
    return record.full_name if isinstance(record, Contact) else record.name


class DocumentForm(Picker, forms.ModelForm):
    """A draft's header: its party, contact person, project, currency, dates and notes."""

    company_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    company_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Contact"), max_length=200, required=False)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)

    class Meta:
        model = Document
        fields = [
            "kind",
            "project",
            "reference",
            "currency",
            "issue_date",
            "due_date",
            "payment_terms",
            "language",
            "billing_address",
            "notes",
        ]
        widgets = {
            "issue_date": DATE_WIDGET,
            "due_date": DATE_WIDGET,
            "currency": forms.TextInput(attrs={"size": 3, "placeholder": "EUR"}),
            "billing_address": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        document = self.instance
        if document.pk:
            self.fields["kind"].disabled = True
            for kind, record in (("company", document.company), ("contact", document.contact)):
                if record is not None:
                    self.initial.setdefault(f"{kind}_id", record.pk)
                    self.initial.setdefault(f"{kind}_name", _name(record))
            person = getattr(document, "shown_person", None)
            if person is not None:
                self.initial.setdefault("person_id", person.pk)
                self.initial.setdefault("person_name", person.full_name)
        self.fields["billing_address"].help_text = _(
            "Left empty, the party's first address is copied in."
        )
        self.fields["project"].queryset = self._projects()
        self.fields["project"].required = False

    def _party_ids(self) -> tuple:
        source = self.data if self.is_bound else {**self.initial}
        ids = []
        for kind in ("company", "contact"):
            value = str(source.get(f"{kind}_id") or "")
            ids.append(int(value) if value.isdigit() and len(value) <= 18 else None)
        return tuple(ids)

    def _projects(self):
        """The party's projects (as client) the user may see; none before a party is known."""
        company_id, contact_id = self._party_ids()
        projects = projects_visible_to(self.user, self.organization).order_by("name", "id")
        if company_id:
            return projects.filter(client_company_id=company_id)
        if contact_id:
            return projects.filter(client_contact_id=contact_id)
        return projects.none()

    def clean_currency(self) -> str:
        return _upper(self.cleaned_data.get("currency"))

    def clean(self):
        cleaned = super().clean()
        company = self._resolve("company", Company, _("Choose a company from the list."))
        contact = self._resolve("contact", Contact, _("Choose a contact from the list."))
        person = self._resolve("person", Contact, _("Choose a contact from the list."))
        if False in (company, contact, person):
            return cleaned
        if (company is None) == (contact is None):
            self.add_error("company_name", _("Choose either a company or a contact as the party."))
            return cleaned
        self.parties = {"company": company, "contact": contact, "person": person}
        due, issued = cleaned.get("due_date"), cleaned.get("issue_date")
        if due and issued and due < issued:
            self.add_error("due_date", _("The due date cannot be before the issue date."))
        return cleaned

    def apply(self) -> Document:
        document = self.instance
        document.company = self.parties["company"]
        document.contact = self.parties["contact"]
        document.contact_person = self.parties["person"]
        return document


class LineForm(forms.ModelForm):
    """A line: pick a catalog item (its name, unit, price and tax fill the blanks) or write
    free text."""

    product_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    product_name = forms.CharField(label=_("Catalog item"), max_length=200, required=False)

    class Meta:
        model = DocumentLine
        fields = [
            "description",
            "quantity",
            "unit",
            "unit_price",
            "discount_pct",
            "tax_rate",
            "withholding_rate",
        ]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for name in ("description", "unit_price", "tax_rate", "discount_pct", "withholding_rate"):
            self.fields[name].required = False
        for name in ("quantity", "unit_price", "discount_pct", "tax_rate", "withholding_rate"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "any"})
        self.fields["description"].help_text = _("Left empty, the catalog item's name is used.")
        if not self.instance.pk:
            # Empty, not 0: an empty price or tax rate is the catalog item's.
            self.initial["unit_price"] = None
            self.initial["tax_rate"] = None
            for name in ("unit_price", "tax_rate"):
                self.fields[name].help_text = _("Left empty, the catalog item's.")
        if self.instance.pk and self.instance.product_id:
            self.initial.setdefault("product_id", self.instance.product_id)
            self.initial.setdefault("product_name", str(self.instance.product))

    def clean(self):
        cleaned = super().clean()
        pk = cleaned.get("product_id")
        text = (cleaned.get("product_name") or "").strip()
        self.product = None
        if pk is not None:
            self.product = Product.objects.filter(organization=self.organization, pk=pk).first()
            if self.product is None:
                self.add_error("product_name", _("Choose an item of the catalog."))
        elif text and not self.instance.product_id:
            self.add_error("product_name", _("Choose an item of the catalog."))
        if self.product is None and not (cleaned.get("description") or "").strip():
            self.add_error("description", _("Describe the line or choose a catalog item."))
        return cleaned

    def apply(self) -> DocumentLine:
        """The line with the form's values; a blank price or tax rate is None, so the
        service takes the catalog item's."""
        line = self.instance
        for name in ("unit_price", "tax_rate"):
            if self.cleaned_data.get(name) is None:
                setattr(line, name, None)
        for name in ("discount_pct", "withholding_rate"):
            if self.cleaned_data.get(name) is None:
                setattr(line, name, Decimal(0))
        if self.product is not None:
            line.product = self.product
        elif not (self.cleaned_data.get("product_name") or "").strip():
            line.product = None
        return line


class IssueForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Numbering series"), queryset=None, required=False)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, document: Document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = NumberSeries.objects.filter(
            organization=document.organization, kind=document.kind
        ).order_by("-is_default", "name", "id")
        self.fields["series"].empty_label = _("Default series")


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["date", "amount", "method", "note"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"min": "0", "step": "any"})


class ConvertForm(forms.Form):
    """Convert into one of the kinds the source allows; a credit note may take some lines."""

    kind = forms.ChoiceField(label=_("Convert into"))
    lines = forms.TypedMultipleChoiceField(
        label=_("Lines"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, document: Document, lines, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in document.conversions]
        self.fields["lines"].choices = [(line.pk, line.description) for line in lines]
        self.fields["lines"].help_text = _(
            "For a credit note: the lines it credits (none chosen: all of them)."
        )


LOGO_MAX_BYTES = 256 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class IssuerForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"), required=False, help_text=_("A PNG or JPEG image, up to 256 kB.")
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is larger than 256 kB."))
        head = upload.read(8)
        upload.seek(0)
        self.logo_type = next(
            (kind for magic, kind in LOGO_TYPES.items() if head.startswith(magic)), ""
        )
        if not self.logo_type:
            raise forms.ValidationError(_("Upload a PNG or JPEG image."))
        return upload

    class Meta:
        model = Issuer
        fields = [
            "legal_name",
            "address",
            "vat_number",
            "fiscal_code",
            "email",
            "bank_name",
            "iban",
            "bic",
            "footer",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}),
                   "footer": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def clean_iban(self) -> str:
        return "".join((self.cleaned_data.get("iban") or "").split()).upper()

    def clean_bic(self) -> str:
        return (self.cleaned_data.get("bic") or "").strip().upper()


class SeriesForm(forms.ModelForm):
    class Meta:
        model = NumberSeries
        fields = ["kind", "name", "format", "yearly_reset", "is_default"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        kind, name = cleaned.get("kind"), (cleaned.get("name") or "").strip()
        taken = NumberSeries.objects.filter(
            organization=self.organization, kind=kind, name=name
        ).exclude(pk=self.instance.pk)
        if kind and name and taken.exists():
            self.add_error("name", _("This document type already has a series with this name."))
        return cleaned


def _addresses(text: str) -> list[str]:
    """Addresses typed by hand, separated by commas, semicolons or spaces."""
    found = [part.strip() for part in re.split(r"[,;\s]+", text or "") if part.strip()]
    for address in found:
        validate_email(address)
    return found


class SendForm(forms.Form):
    """To, CC and BCC: the party's people (preselected by their preferences) and addresses
    typed by hand; whoever is ticked or typed receives the email."""

    to = forms.MultipleChoiceField(
        label=_("To"), required=False, widget=forms.CheckboxSelectMultiple
    )
    to_other = forms.CharField(
        label=_("Other addresses in To"), required=False, max_length=1000,
        help_text=_("Separated by commas."),
    )  # fmt: skip
    cc = forms.MultipleChoiceField(
        label=_("CC"), required=False, widget=forms.CheckboxSelectMultiple
    )
    cc_other = forms.CharField(label=_("Other addresses in CC"), required=False, max_length=1000)
    bcc_other = forms.CharField(label=_("BCC"), required=False, max_length=1000)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(
        attrs={"rows": 6}
    ))  # fmt: skip

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        choices = [(option.key, option.label) for option in offer.options]
        self.fields["to"].choices = choices
        self.fields["cc"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("to", offer.to)
            self.initial.setdefault("cc", offer.cc)

    def _typed(self, name: str) -> list[str]:
        try:
            return _addresses(self.cleaned_data.get(name, ""))
        except forms.ValidationError:
            self.add_error(name, _("Enter valid email addresses, separated by commas."))
            return []

    def clean(self):
        cleaned = super().clean()
        by_key = {option.key: option for option in self.offer.options}
        recipients: list[tuple[str, str, int | None]] = []
        seen: set[str] = set()

        def add(role: str, address: str, contact_id: int | None) -> None:
            if address.lower() not in seen:
                seen.add(address.lower())
                recipients.append((role, address, contact_id))

        for role, picked, typed in (
            (Role.TO, cleaned.get("to") or [], self._typed("to_other")),
            (Role.CC, cleaned.get("cc") or [], self._typed("cc_other")),
            (Role.BCC, [], self._typed("bcc_other")),
        ):
            for key in picked:
                add(role, by_key[key].address, by_key[key].contact.pk)
            for address in typed:
                add(role, address, None)
        if not any(role == Role.TO for role, _address, _contact in recipients):
            self.add_error("to", _("Choose or type at least one recipient in To."))
        self.recipients = recipients
        return cleaned


class PreferencesForm(forms.Form):
    """Each person × category: not, To or CC."""

    def __init__(self, *args, people, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            for category, label in Category.choices:
                name = f"p{person.pk}_{category}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{person.full_name}: {label}",
                    choices=Delivery.choices,
                    initial=current.get(person.pk, {}).get(category, Delivery.NONE),
                )

    def rows(self):
        """Per person, its bound fields in category order (for the table)."""
        return [
            (person, [self[f"p{person.pk}_{category}"] for category in Category.values])
            for person in self.people
        ]

    def choices(self) -> dict[tuple[int, str], str]:
        return {
            (person.pk, category): self.cleaned_data[f"p{person.pk}_{category}"]
            for person in self.people
            for category in Category.values
        }
