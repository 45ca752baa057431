"""Reads of projects, tasks, tickets and connections: who may see what (PRODUCT §5).

Owners and members see every project, task and ticket of the organization. Guests see
the tasks and tickets assigned to them and the projects those belong to, and never a
contact or company. Contacts and companies (clients, connected records) are read only
through `visible_to`, so a private one stays out of sight and out of every count.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Company
from connections.models import Connection, Project, ProjectStatus, Task, Ticket
from contacts.models import Contact
from organizations.models import Membership, Organization, Role, User
from organizations.visibility import known_role

PROJECT_SORTS = {
    "-created": ["-created_at", "-id"],
    "name": ["name", "id"],
}
TICKET_SORTS = {
    "-created": ["-created_at", "-id"],
    "-updated": ["-updated_at", "-id"],
}


def _memberships(user: User, organization: Organization, roles: list[str]) -> QuerySet:
    return Membership.objects.filter(organization=organization, user=user, role__in=roles)


def _sees_all(user: User, organization: Organization) -> Exists:
    """True in SQL when `user` is an owner or member of `organization`."""
    return Exists(_memberships(user, organization, [Role.OWNER, Role.MEMBER]))


def _is_guest(user: User, organization: Organization) -> Exists:
    return Exists(_memberships(user, organization, [Role.GUEST]))


def _by_role(model, user: User, organization: Organization, guest_sees: Q) -> QuerySet:
    """`model`'s rows: all for owners and members, those `guest_sees` for a guest, none
    for anyone else. The role comes from the request's memberships when they were read
    (`known_role`), else it is checked in the same query."""
    if not _authenticated(user):
        return model.objects.none()
    role = known_role(user, organization)
    if role in (Role.OWNER, Role.MEMBER):
        return model.objects.filter(organization=organization)
    if role == Role.GUEST:
        return model.objects.filter(guest_sees, organization=organization)
    if role is not None:
        return model.objects.none()
    return model.objects.filter(
        _sees_all(user, organization) | (_is_guest(user, organization) & guest_sees),
        organization=organization,
    )


def _authenticated(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def tasks_visible_to(user: User, organization: Organization) -> QuerySet:
    """Return the tasks `user` may see: all for owners/members, a guest's own, else none."""
    return _by_role(Task, user, organization, Q(assignee=user))


def tickets_visible_to(user: User, organization: Organization) -> QuerySet:
    """Return the tickets `user` may see: all for owners/members, a guest's own, else none."""
    return _by_role(Ticket, user, organization, Q(assignee=user))


def projects_with_another_client(projects: QuerySet, company=None, contact=None) -> QuerySet:
    """Those of `projects` whose client is set and is neither `company` nor `contact`: a
    bulk assignment would replace it. Clients the reader cannot see count too (their name
    is never shown)."""
    same = Q(client_company=company) if company is not None else Q(client_contact=contact)
    return projects.exclude(client_company__isnull=True, client_contact__isnull=True).exclude(same)


def projects_visible_to(user: User, organization: Organization) -> QuerySet:
    """Return the projects `user` may see.

    All of them for owners and members; for a guest, the projects holding a task or a
    ticket assigned to them; nothing for anyone else.
    """
    assigned_task = Task.objects.filter(
        organization=organization, project=OuterRef("pk"), assignee=user
    )
    assigned_ticket = Ticket.objects.filter(
        organization=organization, project=OuterRef("pk"), assignee=user
    )
    return _by_role(Project, user, organization, Exists(assigned_task) | Exists(assigned_ticket))


def visible_contacts(user: User, organization: Organization) -> QuerySet:
    return Contact.objects.visible_to(user, organization)


def visible_companies(user: User, organization: Organization) -> QuerySet:
    return Company.objects.visible_to(user, organization)


# --- Projects -------------------------------------------------------------------------


def with_visible_clients(projects: QuerySet, user: User, organization: Organization) -> QuerySet:
    """Attach `visible_client_company` / `visible_client_contact`: the client, or None.

    A client `user` may not see (private, or any client for a guest) comes back as None:
    its name is never even loaded.
    """
    return projects.prefetch_related(
        Prefetch(
            "client_company",
            queryset=visible_companies(user, organization).only("pk", "name"),
            to_attr="visible_client_company",
        ),
        Prefetch(
            "client_contact",
            queryset=visible_contacts(user, organization).only("pk", "first_name", "last_name"),
            to_attr="visible_client_contact",
        ),
    )


def project_search(
    user: User,
    organization: Organization,
    *,
    q: str = "",
    status: str = "",
    company_id: int | None = None,
    contact_id: int | None = None,
) -> QuerySet:
    """Visible projects matching the list's search and filters.

    Filtering by client only ever matches a client `user` may see.
    """
    projects = projects_visible_to(user, organization)
    for term in q.split():
        projects = projects.filter(name__icontains=term)
    if status:
        projects = projects.filter(status=status)
    if company_id:
        projects = projects.filter(
            client_company__in=visible_companies(user, organization).filter(pk=company_id)
        )
    if contact_id:
        projects = projects.filter(
            client_contact__in=visible_contacts(user, organization).filter(pk=contact_id)
        )
    return projects


def project_for_user(user: User, organization: Organization, pk: int) -> Project:
    """Return the project if `user` may see it; 404 otherwise, exactly like a missing one."""
    return get_object_or_404(
        with_visible_clients(
            projects_visible_to(user, organization).select_related("created_by"),
            user,
            organization,
        ),
        pk=pk,
    )


def project_tasks(user: User, organization: Organization, project: Project) -> QuerySet:
    """The project's tasks `user` may see, with their assignees, soonest due first."""
    return (
        tasks_visible_to(user, organization)
        .filter(project=project)
        .select_related("assignee")
        .order_by("status", "due_date", "id")
    )


def project_tickets(user: User, organization: Organization, project: Project) -> QuerySet:
    """The project's tickets `user` may see, newest first."""
    return (
        tickets_visible_to(user, organization)
        .filter(project=project)
        .select_related("assignee")
        .order_by("-created_at", "-id")
    )


# --- Tasks and tickets ------------------------------------------------------------------


def task_for_user(user: User, organization: Organization, project_pk: int, pk: int) -> Task:
    """Return the task of project `project_pk` if `user` may see it; 404 otherwise."""
    queryset = tasks_visible_to(user, organization).select_related(
        "project", "assignee", "created_by"
    )
    return get_object_or_404(queryset, project_id=project_pk, pk=pk)


def ticket_search(
    user: User,
    organization: Organization,
    *,
    q: str = "",
    status: str = "",
    priority: str = "",
    mine: bool = False,
) -> QuerySet:
    """Visible tickets matching the list's search and filters."""
    tickets = tickets_visible_to(user, organization)
    for term in q.split():
        tickets = tickets.filter(Q(subject__icontains=term) | Q(description__icontains=term))
    if status:
        tickets = tickets.filter(status=status)
    if priority:
        tickets = tickets.filter(priority=priority)
    if mine:
        tickets = tickets.filter(assignee=user)
    return tickets


def ticket_for_user(user: User, organization: Organization, pk: int) -> Ticket:
    """Return the ticket if `user` may see it; 404 otherwise, exactly like a missing one."""
    queryset = tickets_visible_to(user, organization).select_related(
        "project", "assignee", "created_by"
    )
    return get_object_or_404(queryset, pk=pk)


def assignable_users(organization: Organization) -> QuerySet:
    """Everyone who may be assigned work: the owners, members and guests of `organization`."""
    return User.objects.filter(
        Exists(Membership.objects.filter(organization=organization, user=OuterRef("pk")))
    ).order_by("full_name", "email")


# --- Connections ------------------------------------------------------------------------


def visible_connections(user: User, organization: Organization) -> QuerySet:
    """Connections whose item and whose contact or company `user` may both see.

    Guests see none: they never see a contact or company.
    """

    # Correlated EXISTS, not `IN (visible ids)`: a page asks for the connections of one
    # record, and PostgreSQL answers `IN` by hashing every visible company of the
    # organization (1.5 s at 200,000 companies) to keep twenty rows; EXISTS probes the
    # primary key once per connection.
    def seen(queryset: QuerySet, column: str) -> Exists:
        return Exists(queryset.filter(pk=OuterRef(column)))

    return Connection.objects.filter(
        seen(visible_contacts(user, organization), "contact_id")
        | seen(visible_companies(user, organization), "company_id"),
        seen(projects_visible_to(user, organization), "project_id")
        | seen(tasks_visible_to(user, organization), "task_id")
        | seen(tickets_visible_to(user, organization), "ticket_id"),
        organization=organization,
    )


def item_parties(user: User, organization: Organization, **item) -> list[Connection]:
    """The visible contacts and companies connected to one project, task or ticket.

    `item` is one keyword: project=..., task=... or ticket=... . Contacts first, by name.
    """
    return list(
        visible_connections(user, organization)
        .filter(**item)
        .select_related("contact", "company")
        .order_by("company__name", "contact__last_name", "contact__first_name", "id")
    )


def record_connections(user: User, organization: Organization, **record) -> list[Connection]:
    """Every visible project, task and ticket connected to one contact or company.

    `record` is contact=... or company=..., and must come from `visible_to` (the record
    of the page). Most recently connected first; the item, its project and its assignee
    come in the same query, whatever their number.

    What `visible_connections` checks reduces, for a visible record, to the reader's
    role, still checked in the query: the connection's contact or company is the record
    itself, and owners and members see every project, task and ticket, while anyone
    else sees no record at all. Building its five visibility subqueries cost more than
    the whole query takes to run.
    """
    return list(
        _by_role(Connection, user, organization, guest_sees=Q(pk__in=[]))
        .filter(**record)
        .select_related(
            "project",
            "task__project",
            "task__assignee",
            "ticket__assignee",
        )
        .only(*RECORD_CONNECTION_FIELDS)
        .order_by("-created_at", "-id")
    )


# What the "Projects, tasks and tickets" section of a record page shows of each item
# (connections/_record_connections.html): the other columns of six joined tables cost
# more to select and to load than the query takes to run. Reading a field missing here
# would cost a query per row; the page's query budget test would notice.
_ASSIGNEE = ["id", "full_name", "email"]
RECORD_CONNECTION_FIELDS = [
    "id",
    "created_at",
    *(f"project__{name}" for name in ["id", "name", "status", "due_date"]),
    *(f"task__{name}" for name in ["id", "project_id", "title", "status", "due_date"]),
    "task__assignee_id",
    "task__project__id",
    "task__project__name",
    *(f"task__assignee__{name}" for name in _ASSIGNEE),
    *(f"ticket__{name}" for name in ["id", "subject", "priority", "status", "assignee_id"]),
    *(f"ticket__assignee__{name}" for name in _ASSIGNEE),
]


@dataclass(frozen=True)
class BudgetTotal:
    status: str
    status_label: str
    currency: str
    total: Decimal
    count: int


@dataclass(frozen=True)
class ClientPortfolio:
    """A client's projects with their budgets, and their totals."""

    projects: list[Project]
    by_status: list[BudgetTotal]
    overall: list[BudgetTotal]


def client_portfolio(user: User, organization: Organization, **client) -> ClientPortfolio:
    """The visible projects whose client is `client` (contact=... or company=...).

    `client` must come from `visible_to` (the record of the page): then the projects
    `user` may see are all of them for owners and members, and none for anyone else
    (no one else sees the client), which the query checks as `projects_visible_to`
    would, without building its guest subqueries.

    Totals are sums of budgets per status and currency (and per currency overall).
    The page lists every one of these projects, so the totals are added up from the
    same rows: one query whatever the number of projects.
    """
    field = "client_contact" if "contact" in client else "client_company"
    projects = list(
        _by_role(Project, user, organization, guest_sees=Q(pk__in=[]))
        .filter(**{field: next(iter(client.values()))})
        .order_by("-created_at", "-id")
    )
    labels = dict(ProjectStatus.choices)
    order = {value: index for index, value in enumerate(ProjectStatus.values)}
    by_status: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal("0"), 0])
    overall: dict[str, list] = defaultdict(lambda: [Decimal("0"), 0])
    for project in projects:
        for totals in (by_status[project.status, project.currency], overall[project.currency]):
            totals[0] += project.budget or Decimal("0")
            totals[1] += 1
    return ClientPortfolio(
        projects=projects,
        by_status=[
            BudgetTotal(status, labels.get(status, status), currency, total, count)
            for (status, currency), (total, count) in sorted(
                by_status.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][1])
            )
        ],
        overall=[
            BudgetTotal("", "", currency, total, count)
            for currency, (total, count) in sorted(overall.items())
        ],
    )


def work_search(user: User, organization: Organization, q: str, limit: int = 5) -> list:
    """Projects, tasks and tickets `user` may see matching `q`, at most `limit` of each."""
    projects = projects_visible_to(user, organization).filter(name__icontains=q)
    tasks = (
        tasks_visible_to(user, organization).filter(title__icontains=q).select_related("project")
    )
    tickets = tickets_visible_to(user, organization).filter(subject__icontains=q)
    return [
        *projects.order_by("name", "id")[:limit],
        *tasks.order_by("title", "id")[:limit],
        *tickets.order_by("subject", "id")[:limit],
    ]
