"""Form pieces shared by the contact and company forms: detail rows, tax numbers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from directory.models import MAX_DETAILS, AddressLabel, EmailLabel, PhoneLabel
from directory.services import ADDRESS_FIELDS, DETAIL_NAMES
from directory.validators import (
    format_phone,
    normalize_fiscal_code,
    normalize_phone,
    normalize_vat,
    phone_example,
)
from organizations.countries import CountryField
from organizations.models import Organization


class EmailRowForm(forms.Form):
    label = forms.ChoiceField(label=_("Label"), choices=EmailLabel.choices, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("email")


class PhoneRowForm(forms.Form):
    label = forms.ChoiceField(label=_("Label"), choices=PhoneLabel.choices, required=False)
    number = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput({"type": "tel"})
    )

    def __init__(self, *args, default_country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.default_country = default_country
        example = phone_example(default_country)
        if example:
            self.fields["number"].widget.attrs["placeholder"] = example

    def clean_number(self) -> str:
        value = self.cleaned_data["number"].strip()
        return normalize_phone(value, self.default_country) if value else ""

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("number")


class AddressRowForm(forms.Form):
    label = forms.ChoiceField(label=_("Label"), choices=AddressLabel.choices, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = CountryField(label=_("Country"), required=False, blank_label=_("No country"))

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(field) for field in ADDRESS_FIELDS)


class DetailFormSet(forms.BaseFormSet):
    """Up to three labelled rows; blank rows are ignored, a fourth is refused."""

    kind = "emails"
    # The "Add another" button (static/js/rolo.js) adds rows up to this many.
    max_rows = MAX_DETAILS

    def get_form_kwargs(self, index: int) -> dict:
        # Validate every row, even one equal to its initial value: Django skips extra
        # rows that did not change, which would drop a kept email when the management
        # form says there were no initial rows.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def clean(self) -> None:
        if any(self.errors):
            return
        filled = len(self.rows())
        if filled > MAX_DETAILS:
            raise ValidationError(
                _("At most %(max)d %(what)s are allowed; you gave %(count)d.")
                % {"max": MAX_DETAILS, "what": DETAIL_NAMES[self.kind], "count": filled},
                code="too_many",
            )

    def rows(self) -> list[dict]:
        return [
            dict(form.cleaned_data)
            for form in self.forms
            if form.cleaned_data and not form.is_blank()
        ]


def _formset(form, kind: str):
    base = type(f"{kind.title()}FormSet", (DetailFormSet,), {"kind": kind})
    # absolute_max bounds the work a forged TOTAL_FORMS can cause; the limit message
    # itself comes from DetailFormSet.clean.
    return forms.formset_factory(form, formset=base, extra=0, max_num=10, absolute_max=10)


EmailFormSet = _formset(EmailRowForm, "emails")
PhoneFormSet = _formset(PhoneRowForm, "phones")
AddressFormSet = _formset(AddressRowForm, "addresses")


def detail_formsets(
    data, *, organization: Organization, instance=None
) -> dict[str, forms.BaseFormSet]:
    """Build the emails/phones/addresses formsets, filled from `instance`.

    Each shows the rows it has and one empty row (none when it is full); the page's
    "Add another" button copies the formset's empty form for more.
    """

    def initial(related_name: str, fields: tuple[str, ...]) -> list[dict]:
        rows = []
        if instance is not None and instance.pk:
            rows = [
                {field: getattr(row, field) for field in fields}
                for row in getattr(instance, related_name).all()
            ]
        return rows + [{}] if len(rows) < MAX_DETAILS else rows

    # Phones are stored in E.164 and shown formatted, in the form as on the page.
    phones = [
        {**row, "number": format_phone(row["number"])} if row else row
        for row in initial("phones", ("label", "number"))
    ]
    return {
        "emails": EmailFormSet(
            data, prefix="emails", initial=initial("emails", ("label", "email"))
        ),
        "phones": PhoneFormSet(
            data,
            prefix="phones",
            initial=phones,
            form_kwargs={"default_country": organization.default_country},
        ),
        "addresses": AddressFormSet(
            data,
            prefix="addresses",
            initial=initial("addresses", ("label", *ADDRESS_FIELDS)),
        ),
    }


class TaxNumbersMixin:
    """Validate VAT number (and fiscal code) in the country of the record or organization."""

    organization: Organization

    def clean(self):
        cleaned = super().clean()
        country = (cleaned.get("tax_country") or self.organization.default_country or "").upper()
        if cleaned.get("vat_number"):
            try:
                cleaned["vat_number"] = normalize_vat(cleaned["vat_number"], country)
            except ValidationError as error:
                self.add_error("vat_number", error)
        if cleaned.get("fiscal_code"):
            try:
                cleaned["fiscal_code"] = normalize_fiscal_code(cleaned["fiscal_code"], country)
            except ValidationError as error:
                self.add_error("fiscal_code", error)
        return cleaned


def tax_country_field() -> CountryField:
    """The tax country picker of the contact and company forms."""
    return CountryField(
        label=capfirst(_("tax country")),
        required=False,
        blank_label=_("The organization's country"),
        help_text=_("Country used to check the VAT number and fiscal code (default: yours)."),
    )


class TickedIdsField(forms.Field):
    """The ids of the rows ticked in a list, as integers; anything else is invalid."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Select rows from the list.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids = []
        for item in value:
            if not str(item).isdigit():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(item))
        return ids
