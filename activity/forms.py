"""The activity form, "Done" with its outcome, and the kinds' list entries."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity import selectors
from activity.models import Activity
from activity.services import ActivityData, check_assignees
from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from directory.validators import validate_description_length
from organizations.models import Organization, User

LINK_KINDS = ("contact", "company", "project")


class AssigneesField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose members of this organization."),
        "invalid_pk_value": _("Choose members of this organization."),
        "required": _("Assign the activity to at least one member."),
    }

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def _label(record) -> str:
    if isinstance(record, Contact):
        return record.full_name
    return record.name


class ActivityForm(forms.Form):
    """Kind, subject, due date and time (none: all day), assignees, notes and links.

    Links are values like "contact:12": the ones shown are ticked checkboxes, and the
    pickers add one contact, company or project each. Every link is read through its
    record's `visible_to`, so an id from another organization, or one the user cannot
    see, is refused like a missing one.
    """

    kind = forms.ModelChoiceField(
        label=_("Kind"), queryset=None, required=False, empty_label=_("(no kind)")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, such as 2026-12-31.")},
    )
    due_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty for an all-day activity."),
        error_messages={"invalid": _("Enter a time, such as 14:30.")},
    )
    assignees = AssigneesField(
        label=_("Assigned to"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_description_length],
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    links = forms.MultipleChoiceField(
        label=_("Linked to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose a contact, company or project from the list.")},
    )
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Link a contact"), max_length=200, required=False)
    company_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    company_name = forms.CharField(label=_("Link a company"), max_length=200, required=False)
    project_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    project_name = forms.CharField(label=_("Link a project"), max_length=200, required=False)

    def __init__(
        self,
        *args,
        user: User,
        organization: Organization,
        link_values: list[str] = (),
        hidden_directory_link: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.user, self.organization = user, organization
        self.hidden_directory_link = hidden_directory_link
        self.fields["kind"].queryset = selectors.kinds(organization)
        self.fields["assignees"].queryset = selectors.assignable_members(organization)
        values = list(link_values)
        if self.is_bound:
            values += [v for v in self.data.getlist("links") if v not in values]
        self.records = self._resolve(values)
        self.fields["links"].choices = [
            (value, _label(record)) for value, record in self.records.items()
        ]

    def _querysets(self) -> dict:
        return {
            "contact": Contact.objects.visible_to(self.user, self.organization),
            "company": Company.objects.visible_to(self.user, self.organization),
            "project": projects_visible_to(self.user, self.organization),
        }

    def _resolve(self, values: list[str]) -> dict:
        """{"contact:12": <Contact>} for each value naming a record the user may see."""
        wanted: dict[str, list[int]] = {kind: [] for kind in LINK_KINDS}
        for value in values[:50]:
            kind, _sep, pk = str(value).partition(":")
            if kind in wanted and pk.isdigit() and len(pk) < 19:
                wanted[kind].append(int(pk))
        found = {}
        querysets = self._querysets()
        for kind, pks in wanted.items():
            if pks:
                for record in querysets[kind].filter(pk__in=pks):
                    found[f"{kind}:{record.pk}"] = record
        return {value: found[value] for value in values if value in found}

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = {value: self.records[value] for value in cleaned.get("links", [])}
        querysets = self._querysets()
        for kind in LINK_KINDS:
            pk, name = cleaned.get(f"{kind}_id"), (cleaned.get(f"{kind}_name") or "").strip()
            if pk is None:
                if name:
                    self.add_error(f"{kind}_name", _("Choose one from the list."))
                continue
            record = querysets[kind].filter(pk=pk).first()
            if record is None:
                self.add_error(f"{kind}_name", _("Choose one from the list."))
            else:
                chosen[f"{kind}:{record.pk}"] = record
        self.chosen = chosen
        if not chosen and not self.hidden_directory_link and not self.has_error("links"):
            self.add_error("links", _("Link the activity to a contact, company or project."))
        if cleaned.get("assignees") is not None and not self.has_error("links"):
            try:
                check_assignees(
                    organization=self.organization,
                    assignees=list(cleaned["assignees"]),
                    about_directory=self.hidden_directory_link
                    or any(not v.startswith("project:") for v in chosen),
                )
            except ValidationError as error:
                self.add_error("assignees", error)
        return cleaned

    def data_for_service(self) -> ActivityData:
        cleaned = self.cleaned_data
        day, at = cleaned["due_date"], cleaned.get("due_time")
        if at is None:
            due_at = selectors.all_day_due(day)
        else:
            due_at = timezone.make_aware(datetime.combine(day, at))
        records = self.chosen.items()
        return ActivityData(
            kind=cleaned.get("kind"),
            subject=cleaned["subject"].strip(),
            notes=cleaned.get("notes", ""),
            due_at=due_at,
            all_day=at is None,
            assignees=list(cleaned["assignees"]),
            contacts=[r for v, r in records if v.startswith("contact:")],
            companies=[r for v, r in records if v.startswith("company:")],
            projects=[r for v, r in records if v.startswith("project:")],
        )


def initial_for(activity: Activity, links: list) -> dict:
    due = timezone.localtime(activity.due_at)
    return {
        "kind": activity.kind_id,
        "subject": activity.subject,
        "notes": activity.notes,
        "due_date": due.date(),
        "due_time": None if activity.all_day else due.time(),
        "assignees": [a.user_id for a in activity.assignments.all()],
        "links": [link_value(link) for link in links],
    }


def link_value(link) -> str:
    if link.contact_id:
        return f"contact:{link.contact_id}"
    if link.company_id:
        return f"company:{link.company_id}"
    return f"project:{link.project_id}"


class DoneForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: how it went."),
    )
