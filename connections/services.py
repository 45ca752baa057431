"""Writes on projects, tasks, tickets and connections.

Callers resolve contacts, companies and projects through the visibility door (the
forms do); these functions still refuse anything from another organization and an
assignee who is not a member, so no caller can cross a tenant boundary by mistake.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from connections.models import Connection, Project, Task, Ticket
from contacts.models import Contact
from events.models import Event, EventKind
from events.services import record_event, record_events
from organizations.models import Membership, Organization, User


@dataclass(frozen=True)
class ClientChoice:
    """The client a form asks for: a company, a contact, or none (`keep` leaves it as is)."""

    company: Company | None = None
    contact: Contact | None = None
    keep: bool = False


KEEP_CLIENT = ClientChoice(keep=True)


def _check_same_organization(organization_id: int, **related) -> None:
    """Refuse a related row (client, project) that belongs to another organization."""
    errors = {
        name: _("Choose a value from this organization.")
        for name, row in related.items()
        if row is not None and row.organization_id != organization_id
    }
    if errors:
        raise ValidationError(errors)


def _check_assignee(organization_id: int, assignee: User | None) -> None:
    if assignee is not None and not (
        Membership.objects.filter(organization_id=organization_id, user=assignee).exists()
    ):
        raise ValidationError({"assignee": _("Choose a member of this organization.")})


def _apply_client(project: Project, client: ClientChoice) -> None:
    if client.keep:
        return
    if client.company is not None and client.contact is not None:
        raise ValidationError(
            {"client_contact": _("A project's client is a company or a contact, not both.")}
        )
    _check_same_organization(
        project.organization_id, client_company=client.company, client_contact=client.contact
    )
    project.client_company = client.company
    project.client_contact = client.contact


def _validate_project(project: Project) -> None:
    """Field-by-field checks first (clear messages), then the model's own."""
    if project.start_date and project.due_date and project.due_date < project.start_date:
        raise ValidationError({"due_date": _("The due date cannot be before the start date.")})
    project.currency = (project.currency or "").upper()
    # Foreign keys are checked above against the organization; skipping them here
    # saves one query each.
    project.full_clean(exclude=["organization", "created_by", "client_company", "client_contact"])


@transaction.atomic
def project_create(
    *,
    organization: Organization,
    created_by: User,
    fields: dict,
    client: ClientChoice = KEEP_CLIENT,
) -> Project:
    """Create a project with its client; refuse bad dates, budget or a foreign client."""
    project = Project(organization=organization, created_by=created_by, **fields)
    _apply_client(project, client)
    _validate_project(project)
    project.save()
    _record_client_change(project, (None, None), actor=created_by)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    fields: dict,
    client: ClientChoice = KEEP_CLIENT,
    user: User | None = None,
) -> Project:
    """Update a project's fields and, unless `client.keep`, its client."""
    before = (project.client_company_id, project.client_contact_id)
    for name, value in fields.items():
        setattr(project, name, value)
    _apply_client(project, client)
    _validate_project(project)
    project.save()
    _record_client_change(project, before, actor=user)
    return project


def _client_event(project, kind: EventKind, *, company_id, contact_id, actor) -> Event:
    return Event(
        organization_id=project.organization_id,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        company_id=company_id,
        contact_id=contact_id,
        project_id=project.pk,
        data={"title": project.name},
    )


def _client_events(project, before: tuple, after: tuple, *, actor) -> list[Event]:
    """ "Client of" / "no longer client of" events for a project whose client changed."""
    if before == after:
        return []
    events = []
    if any(before):
        events.append(
            _client_event(
                project,
                EventKind.CLIENT_REMOVED,
                company_id=before[0],
                contact_id=before[1],
                actor=actor,
            )
        )
    if any(after):
        events.append(
            _client_event(
                project,
                EventKind.CLIENT_ASSIGNED,
                company_id=after[0],
                contact_id=after[1],
                actor=actor,
            )
        )
    return events


def _record_client_change(project: Project, before: tuple, *, actor) -> None:
    after = (project.client_company_id, project.client_contact_id)
    record_events(_client_events(project, before, after, actor=actor))


def project_delete(*, project: Project) -> None:
    """Delete a project with its tasks and connections; its tickets stay, unlinked."""
    project.delete()


def projects_assign_client(
    *,
    organization: Organization,
    projects: QuerySet,
    client: ClientChoice,
    user: User | None = None,
) -> int:
    """Set the client of every project of `projects` in one UPDATE; return how many.

    `projects` must come from `projects_visible_to(...)`; the count of queries does not
    depend on how many projects are selected (their old clients are read in one query,
    the timeline events written in one insert).
    """
    if client.keep or (client.company is None) == (client.contact is None):
        raise ValidationError(_("Choose one client: a company or a contact."))
    _check_same_organization(
        organization.pk, client_company=client.company, client_contact=client.contact
    )
    projects = projects.filter(organization=organization)
    after = (
        client.company.pk if client.company else None,
        client.contact.pk if client.contact else None,
    )
    with transaction.atomic():
        events = [
            event
            for project in projects.select_for_update().only(
                "id", "organization_id", "name", "client_company_id", "client_contact_id"
            )
            for event in _client_events(
                project,
                (project.client_company_id, project.client_contact_id),
                after,
                actor=user,
            )
        ]
        count = projects.update(
            client_company=client.company,
            client_contact=client.contact,
            updated_at=timezone.now(),
        )
        record_events(events)
    return count


@transaction.atomic
def task_create(*, project: Project, created_by: User, fields: dict) -> Task:
    """Create a task in `project`; the assignee must belong to the organization."""
    task = Task(
        organization_id=project.organization_id, project=project, created_by=created_by, **fields
    )
    _check_assignee(task.organization_id, task.assignee)
    task.full_clean(exclude=["organization", "project", "created_by", "assignee"])
    task.save()
    return task


@transaction.atomic
def task_update(*, task: Task, fields: dict) -> Task:
    """Update a task; the assignee must belong to the organization."""
    for name, value in fields.items():
        setattr(task, name, value)
    _check_assignee(task.organization_id, task.assignee)
    task.full_clean(exclude=["organization", "project", "created_by", "assignee"])
    task.save()
    return task


def task_delete(*, task: Task) -> None:
    task.delete()


@transaction.atomic
def ticket_create(*, organization: Organization, created_by: User, fields: dict) -> Ticket:
    """Create a ticket; its project and assignee must belong to the organization."""
    ticket = Ticket(organization=organization, created_by=created_by, **fields)
    _check_same_organization(organization.pk, project=ticket.project)
    _check_assignee(organization.pk, ticket.assignee)
    ticket.full_clean(exclude=["organization", "created_by", "assignee", "project"])
    ticket.save()
    return ticket


@transaction.atomic
def ticket_update(*, ticket: Ticket, fields: dict) -> Ticket:
    """Update a ticket; its project and assignee must belong to the organization."""
    for name, value in fields.items():
        setattr(ticket, name, value)
    _check_same_organization(ticket.organization_id, project=ticket.project)
    _check_assignee(ticket.organization_id, ticket.assignee)
    ticket.full_clean(exclude=["organization", "created_by", "assignee", "project"])
    ticket.save()
    return ticket


def ticket_delete(*, ticket: Ticket) -> None:
    ticket.delete()


def status_set(*, item: Task | Ticket, status: str) -> None:
    """Change only the status of a task or ticket (what a guest may do on their own)."""
    valid = {value for value, _label in type(item)._meta.get_field("status").choices}
    if status not in valid:
        raise ValidationError({"status": _("Choose a valid status.")})
    item.status = status
    item.save(update_fields=["status", "updated_at"])


def connection_add(
    *,
    item: Project | Task | Ticket,
    party: Contact | Company,
    created_by: User,
) -> tuple[Connection, bool]:
    """Connect `party` to `item` (once); return the connection and whether it is new."""
    _check_same_organization(item.organization_id, party=party)
    party_field = "contact" if isinstance(party, Contact) else "company"
    with transaction.atomic():
        connection, created = Connection.objects.get_or_create(
            organization_id=item.organization_id,
            **{item.kind: item, party_field: party},
            defaults={"created_by": created_by},
        )
        if created:
            _record_connection_event(connection, EventKind.CONNECTION_ADDED, actor=created_by)
    return connection, created


@transaction.atomic
def connection_remove(*, connection: Connection, user: User | None = None) -> None:
    _record_connection_event(connection, EventKind.CONNECTION_REMOVED, actor=user)
    connection.delete()


def _record_connection_event(connection: Connection, kind: EventKind, *, actor) -> None:
    item = connection.item
    record_event(
        organization=connection.organization,
        kind=kind,
        actor=actor,
        contact=connection.contact,
        company=connection.company,
        project=connection.project,
        data={"item": item.kind, "title": str(item)},
    )
