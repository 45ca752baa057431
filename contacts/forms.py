"""The contact form: the record's own fields plus the primary company picker."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts.models import Contact
from contacts.services import CompanyChoice
from directory.forms import TaxNumbersMixin, tax_country_field
from organizations.models import Organization, RecordType, User


class ContactForm(TaxNumbersMixin, forms.ModelForm):
    company_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    company_name = forms.CharField(
        label=_("Company"),
        max_length=200,
        required=False,
        help_text=_("Pick an existing company or type a new name to create it."),
    )
    tax_country = tax_country_field()

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "role",
            "type",
            "company_name",
            "company_id",
            "description",
            "pec",
            "vat_number",
            "fiscal_code",
            "tax_country",
            "visibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6, "data-mentions": "true"}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields["type"].queryset = RecordType.objects.filter(organization=organization)
        self.fields["type"].empty_label = _("(no type)")
        self.fields["description"].help_text = _(
            "Markdown is supported, up to %(limit)s characters. Type @ to mention a member "
            "(or @ followed by their email)."
        ) % {"limit": number_format(settings.DESCRIPTION_MAX_LENGTH, force_grouping=True)}
        self.visible_companies = Company.objects.visible_to(user, organization)
        self.current_primary = None
        if self.instance.pk:
            self.current_primary = (
                self.visible_companies.filter(
                    affiliations__contact=self.instance, affiliations__is_primary=True
                )
                .only("pk", "name")
                .first()
            )
            if self.current_primary is not None:
                self.initial.setdefault("company_id", self.current_primary.pk)
                self.initial.setdefault("company_name", self.current_primary.name)
        can_change_visibility = not self.instance.pk or self.instance.created_by_id == user.pk
        if not can_change_visibility:
            self.fields["visibility"].disabled = True
            self.fields["visibility"].help_text = _("Only the creator can change the visibility.")

    def clean_company_id(self):
        pk = self.cleaned_data.get("company_id")
        if pk is None:
            return None
        company = self.visible_companies.filter(pk=pk).first()
        if company is None:
            raise ValidationError(_("Choose a company from the list."))
        return company

    def company_choice(self) -> CompanyChoice:
        """What the form says about the primary company, resolved against visible ones."""
        company = self.cleaned_data.get("company_id")
        name = (self.cleaned_data.get("company_name") or "").strip()
        if company is not None and name and name.casefold() != company.name.casefold():
            # The user typed over a picked company: the text wins.
            company = None
        if company is None and name:
            company = self.visible_companies.filter(name__iexact=name).order_by("pk").first()
        if company is not None:
            return CompanyChoice(company=company)
        if name:
            return CompanyChoice(new_name=name)
        return CompanyChoice(clear=True)

    def record_fields(self) -> dict:
        names = [name for name in self._meta.fields if name not in ("company_name", "company_id")]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
