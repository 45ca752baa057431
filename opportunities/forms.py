"""The opportunity form, the board's move, won/lost, and the pipeline and stage editors."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts.models import Contact
from directory.validators import validate_description_length
from opportunities import selectors
from opportunities.models import Opportunity, Pipeline, Stage, StageKind
from organizations.models import Organization, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StageField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.pipeline.name} · {obj.name}"


class OwnerField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("Choose a member of this organization.")}

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class OpportunityForm(forms.ModelForm):
    """An opportunity; the company and the contact are search-as-you-type pickers.

    Each picker is a hidden id and the text typed in it; ids are read through the
    records' `visible_to`, so a record of another organization, or one the user cannot
    see, is refused like a missing one. A party the editor cannot see is never shown and
    stays as it is unless they pick another.
    """

    company_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    company_name = forms.CharField(label=_("Company"), max_length=200, required=False)
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Contact"), max_length=200, required=False)
    probability_set = forms.IntegerField(
        label=_("Probability %"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to use the stage's probability."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "stage",
            "value",
            "currency",
            "expected_close",
            "owner",
            "source",
            "description",
            "visibility",
        ]
        field_classes = {"stage": StageField, "owner": OwnerField}
        widgets = {
            "expected_close": DATE_WIDGET,
            "currency": forms.TextInput(attrs={"size": 3, "placeholder": "EUR"}),
            "description": forms.Textarea(attrs={"rows": 5, "data-mentions": "true"}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields["stage"].queryset = selectors.stages(organization)
        self.fields["stage"].empty_label = None
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=[member.pk for member in selectors.members(organization)]
        ).order_by("full_name", "email")
        self.fields["value"].widget.attrs.update({"min": "0", "step": "0.01"})
        self.fields["description"].validators.append(validate_description_length)
        self.fields["description"].help_text = _(
            "Markdown is supported, up to %(limit)s characters. Type @ to mention a member "
            "(or @ followed by their email)."
        ) % {"limit": number_format(settings.DESCRIPTION_MAX_LENGTH, force_grouping=True)}
        opportunity = self.instance
        self.hidden = {"company": False, "contact": False}
        if opportunity.pk:
            if opportunity.probability_custom:
                self.initial.setdefault("probability_set", opportunity.probability)
            for kind in ("company", "contact"):
                shown = getattr(opportunity, f"shown_{kind}", None)
                if shown is not None:
                    self.initial.setdefault(f"{kind}_id", shown.pk)
                    self.initial.setdefault(f"{kind}_name", _name(shown))
                self.hidden[kind] = bool(getattr(opportunity, f"{kind}_id")) and shown is None
            if opportunity.created_by_id != user.pk:
                self.fields["visibility"].disabled = True
                self.fields["visibility"].help_text = _(
                    "Only the creator can change the visibility."
                )

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def _resolve(self, kind: str):
        """The picked record, None (picker empty), or False (refused)."""
        pk = self.cleaned_data.get(f"{kind}_id")
        name = (self.cleaned_data.get(f"{kind}_name") or "").strip()
        message = (
            _("Choose a company from the list.")
            if kind == "company"
            else _("Choose a contact from the list.")
        )
        if pk is None:
            if name:
                self.add_error(f"{kind}_name", message)
                return False
            return None
        model = Company if kind == "company" else Contact
        record = model.objects.visible_to(self.user, self.organization).filter(pk=pk).first()
        if record is None:
            self.add_error(f"{kind}_name", message)
            return False
        return record

    def clean(self):
        cleaned = super().clean()
        company = self._resolve("company")
        contact = self._resolve("contact")
        if company is False or contact is False:
            return cleaned
        opportunity = self.instance
        # An empty picker keeps a party the editor cannot see.
        self.party_ids = {
            "company": company.pk if company else (
                opportunity.company_id if self.hidden["company"] else None
            ),
            "contact": contact.pk if contact else (
                opportunity.contact_id if self.hidden["contact"] else None
            ),
        }  # fmt: skip
        if self.party_ids["company"] is None and self.party_ids["contact"] is None:
            self.add_error(
                "company_name", _("Choose the company or the contact of the opportunity.")
            )
        return cleaned

    def apply(self) -> Opportunity:
        """The instance with the form's values (not saved: the services save it)."""
        opportunity = self.instance
        opportunity.company_id = self.party_ids["company"]
        opportunity.contact_id = self.party_ids["contact"]
        probability = self.cleaned_data.get("probability_set")
        opportunity.probability_custom = probability is not None
        if probability is not None:
            opportunity.probability = probability
        return opportunity


def _name(record) -> str:
    return record.full_name if isinstance(record, Contact) else record.name


class MoveForm(forms.Form):
    """The board's keyboard alternative to drag and drop: a stage to move to."""

    stage = forms.ModelChoiceField(label=_("Move to stage"), queryset=None)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = selectors.stages(organization)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(StageKind.WON, _("Won")), (StageKind.LOST, _("Lost"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PipelineForm(forms.ModelForm):
    class Meta:
        model = Pipeline
        fields = ["name", "order"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "order", "probability", "kind"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
