"""The company form and the contact-person form."""

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from directory.forms import TaxNumbersMixin, tax_country_field
from organizations.models import Organization, RecordType, Sector, User


class CompanyForm(TaxNumbersMixin, forms.ModelForm):
    tax_country = tax_country_field()

    class Meta:
        model = Company
        fields = [
            "name",
            "type",
            "sector",
            "description",
            "pec",
            "vat_number",
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
        self.fields["type"].queryset = RecordType.objects.filter(organization=organization)
        self.fields["sector"].queryset = Sector.objects.filter(organization=organization)
        self.fields["type"].empty_label = _("(no type)")
        self.fields["sector"].empty_label = _("(no sector)")
        self.fields["description"].help_text = _(
            "Markdown is supported, up to %(limit)s characters. Type @ to mention a member "
            "(or @ followed by their email)."
        ) % {"limit": number_format(settings.DESCRIPTION_MAX_LENGTH, force_grouping=True)}
        if self.instance.pk and self.instance.created_by_id != user.pk:
            self.fields["visibility"].disabled = True
            self.fields["visibility"].help_text = _("Only the creator can change the visibility.")

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PersonForm(forms.Form):
    """Add a contact person to a company: a contact picked from the visible ones."""

    contact_id = forms.IntegerField(widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Person"), max_length=200, required=False)
    role = forms.CharField(label=_("Role at the company"), max_length=120, required=False)

    def __init__(self, *args, visible_contacts: QuerySet | None, **kwargs):
        # `visible_contacts` may be None only for a form that is shown, never validated.
        super().__init__(*args, **kwargs)
        if visible_contacts is None and self.is_bound:
            raise ValueError("A bound PersonForm needs the visible contacts to check its pick.")
        self.visible_contacts = visible_contacts

    def clean_contact_id(self):
        contact = self.visible_contacts.filter(pk=self.cleaned_data["contact_id"]).first()
        if contact is None:
            raise forms.ValidationError(_("Choose a person from the list."))
        return contact
