"""Forms for projects, tasks, tickets, the client pickers and connections."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from connections import selectors
from connections.models import Project, Task, TaskStatus, Ticket, TicketStatus
from connections.services import KEEP_CLIENT, ClientChoice
from directory.forms import TickedIdsField
from directory.validators import validate_description_length
from organizations.models import Organization, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssigneeField(forms.ModelChoiceField):
    """A member, owner or guest of the organization; anyone else is refused by name."""

    default_error_messages = {
        "invalid_choice": _("Choose a member of this organization."),
    }

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ClientFields(forms.Form):
    """Two search-as-you-type pickers: a client company or a client contact, not both.

    Each picker is a hidden id (written by the picker) and the text typed in it. Ids
    are resolved through `visible_to`, so a client from another organization, or one
    the user cannot see, is refused like a missing one.
    """

    client_company_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_company_name = forms.CharField(label=_("Client company"), max_length=200, required=False)
    client_contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_contact_name = forms.CharField(label=_("Client contact"), max_length=200, required=False)

    user: User
    organization: Organization

    def _resolve(self, kind: str):
        cleaned = self.cleaned_data
        pk = cleaned.get(f"client_{kind}_id")
        name = (cleaned.get(f"client_{kind}_name") or "").strip()
        if pk is None:
            if name:
                self.add_error(
                    f"client_{kind}_name",
                    _("Choose a company from the list.")
                    if kind == "company"
                    else _("Choose a contact from the list."),
                )
            return None
        model_rows = (
            selectors.visible_companies(self.user, self.organization)
            if kind == "company"
            else selectors.visible_contacts(self.user, self.organization)
        )
        record = model_rows.filter(pk=pk).first()
        if record is None:
            self.add_error(
                f"client_{kind}_name",
                _("Choose a company from the list.")
                if kind == "company"
                else _("Choose a contact from the list."),
            )
        return record

    def clean_client(self) -> None:
        """Resolve both pickers into `self.client` (a ClientChoice)."""
        company = self._resolve("company")
        contact = self._resolve("contact")
        if company is not None and contact is not None:
            self.add_error(
                "client_contact_name",
                _("A project's client is a company or a contact, not both."),
            )
        self.client = ClientChoice(company=company, contact=contact)


class ProjectForm(ClientFields, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "status", "budget", "currency", "start_date", "due_date", "description"]
        widgets = {
            "start_date": DATE_WIDGET,
            "due_date": DATE_WIDGET,
            "currency": forms.TextInput(attrs={"size": 3, "placeholder": "EUR"}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields["description"].validators.append(validate_description_length)
        self.fields["budget"].widget.attrs.update({"min": "0", "step": "0.01"})
        # A client the editor cannot see stays where it is, unseen, unless they pick one.
        self.hidden_client = False
        project = self.instance
        if project.pk:
            company = getattr(project, "visible_client_company", None)
            contact = getattr(project, "visible_client_contact", None)
            if company is not None:
                self.initial.update(client_company_id=company.pk, client_company_name=company.name)
            if contact is not None:
                self.initial.update(
                    client_contact_id=contact.pk, client_contact_name=contact.full_name
                )
            self.hidden_client = bool(
                (project.client_company_id and company is None)
                or (project.client_contact_id and contact is None)
            )

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start date."))
        self.clean_client()
        if (
            self.hidden_client
            and self.client.company is None
            and self.client.contact is None
            and not self.has_error("client_company_name")
            and not self.has_error("client_contact_name")
        ):
            self.client = KEEP_CLIENT
        return cleaned

    def project_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ProjectIdsField(TickedIdsField):
    """The ids of the projects ticked in the list."""

    default_error_messages = {
        "required": _("Select at least one project."),
        "invalid": _("Select projects from the list."),
    }


class AssignReplace(models.TextChoices):
    """What the bulk action does with projects that already have another client."""

    ASK = "", _("Ask first")
    ALL = "all", _("Replace their client")
    EMPTY = "empty", _("Only those without a client")


class AssignClientForm(ClientFields, forms.Form):
    """The list's bulk action: give the ticked projects one client.

    `replace` is empty on the first submission: when some of the ticked projects already
    have another client the view asks before replacing it (issue 14).
    """

    projects = ProjectIdsField()
    replace = forms.ChoiceField(
        choices=AssignReplace.choices, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        for name in ("client_company_name", "client_contact_name"):
            self.fields[name].label = (
                _("Company") if name == "client_company_name" else _("or contact")
            )

    def clean(self):
        cleaned = super().clean()
        self.clean_client()
        if (
            self.client.company is None
            and self.client.contact is None
            and not self.has_error("client_company_name")
            and not self.has_error("client_contact_name")
        ):
            self.add_error("client_company_name", _("Choose the client: a company or a contact."))
        return cleaned

    def selected(self) -> set[int]:
        """The ids ticked in the submitted form (to keep them ticked when re-shown)."""
        return {int(v) for v in self.data.getlist("projects") if str(v).isdigit()}


class TaskForm(forms.ModelForm):
    assignee = AssigneeField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assignee"),
        empty_label=_("(nobody)"),
    )

    class Meta:
        model = Task
        fields = ["title", "status", "assignee", "due_date", "description"]
        widgets = {"due_date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].validators.append(validate_description_length)
        self.fields["assignee"].queryset = selectors.assignable_users(organization)

    def task_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class TicketForm(forms.ModelForm):
    assignee = AssigneeField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assignee"),
        empty_label=_("(nobody)"),
    )
    project_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    project_name = forms.CharField(
        label=_("Project"),
        max_length=200,
        required=False,
        help_text=_("Optional: the project this ticket belongs to."),
    )

    class Meta:
        model = Ticket
        fields = ["subject", "status", "priority", "assignee", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields["description"].validators.append(validate_description_length)
        self.fields["assignee"].queryset = selectors.assignable_users(organization)
        if self.instance.pk and self.instance.project_id:
            self.initial.setdefault("project_id", self.instance.project_id)
            self.initial.setdefault("project_name", self.instance.project.name)

    def clean(self):
        cleaned = super().clean()
        pk = cleaned.get("project_id")
        name = (cleaned.get("project_name") or "").strip()
        cleaned["project"] = None
        if pk is not None:
            project = (
                selectors.projects_visible_to(self.user, self.organization).filter(pk=pk).first()
            )
            if project is None:
                self.add_error("project_name", _("Choose a project from the list."))
            cleaned["project"] = project
        elif name:
            self.add_error("project_name", _("Choose a project from the list."))
        return cleaned

    def ticket_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self._meta.fields}
        fields["project"] = self.cleaned_data["project"]
        return fields


class StatusForm(forms.Form):
    """Change only the status of a task or ticket."""

    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


def status_form(item: Task | Ticket, data=None) -> StatusForm:
    choices = TaskStatus.choices if isinstance(item, Task) else TicketStatus.choices
    return StatusForm(data, choices=choices, initial={"status": item.status})


class ConnectForm(forms.Form):
    """Connect one contact or company to one project, task or ticket.

    `item` is "project:12", "task:5" or "ticket:7" (what the work picker writes); the
    party is `contact_id` or `company_id`. Both ends are resolved through what the user
    may see: anything else is refused as "not in the list".
    """

    item = forms.CharField(max_length=40)
    contact_id = forms.IntegerField(required=False)
    company_id = forms.IntegerField(required=False)

    MESSAGES = {
        "item": _("Choose a project, task or ticket from the list."),
        "party": _("Choose a contact or a company from the list."),
    }

    def __init__(self, *args, organization: Organization, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.user = user
        self.fields["item"].error_messages["required"] = self.MESSAGES["item"]

    def clean_item(self):
        kind, _sep, pk = self.cleaned_data["item"].partition(":")
        readers = {
            "project": selectors.projects_visible_to,
            "task": selectors.tasks_visible_to,
            "ticket": selectors.tickets_visible_to,
        }
        item = None
        if kind in readers and pk.isdigit():
            item = readers[kind](self.user, self.organization).filter(pk=int(pk)).first()
        if item is None:
            raise ValidationError(self.MESSAGES["item"])
        return item

    def clean(self):
        cleaned = super().clean()
        contact_id, company_id = cleaned.get("contact_id"), cleaned.get("company_id")
        party = None
        if (contact_id is None) != (company_id is None):
            if contact_id is not None:
                party = (
                    selectors.visible_contacts(self.user, self.organization)
                    .filter(pk=contact_id)
                    .first()
                )
            else:
                party = (
                    selectors.visible_companies(self.user, self.organization)
                    .filter(pk=company_id)
                    .first()
                )
        if party is None:
            self.add_error(None, self.MESSAGES["party"])
        cleaned["party"] = party
        return cleaned
