"""Projects, their tasks, tickets, and their connections to contacts and companies (§5).

Read them through `connections.selectors` (`projects_visible_to`, `tasks_visible_to`,
`tickets_visible_to`): guests see only what is assigned to them. A project's client and
a connection's contact or company are directory records: display them only through
`Contact.objects.visible_to` / `Company.objects.visible_to`, never through the relation.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO currency code, such as EUR.")
)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class WorkItem(TenantModel):
    """What projects, tasks and tickets share: a creator and timestamps."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Project(WorkItem):
    """A piece of work for a client (a company or a contact, never both)."""

    kind = "project"

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus, default=ProjectStatus.PLANNED
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), _("The budget cannot be negative."))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    client_company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_projects",
        verbose_name=_("client company"),
    )
    client_contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_projects",
        verbose_name=_("client contact"),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client_company__isnull=True) | Q(client_contact__isnull=True),
                name="project_one_client",
                violation_error_message=_(
                    "A project's client is a company or a contact, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="project_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="project_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="project_by_created"),
            models.Index(fields=["organization", "name", "id"], name="project_by_name"),
            models.Index(fields=["organization", "client_company"], name="project_client_company"),
            models.Index(fields=["organization", "client_contact"], name="project_client_contact"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})


class Task(WorkItem):
    """A piece of a project, assigned to a member (or guest) of the organization."""

    kind = "task"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus, default=TaskStatus.TODO
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["organization", "project", "id"], name="task_by_project"),
            models.Index(fields=["organization", "assignee"], name="task_by_assignee"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "task_detail",
            kwargs={"slug": self.organization.slug, "project_pk": self.project_id, "pk": self.pk},
        )


class Ticket(WorkItem):
    """A request or issue to handle, optionally within a project."""

    kind = "ticket"

    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus, default=TicketStatus.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=TicketPriority, default=TicketPriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("project"),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="ticket_by_created"),
            models.Index(fields=["organization", "assignee"], name="ticket_by_assignee"),
            models.Index(fields=["organization", "project"], name="ticket_by_project"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("ticket_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})


ITEM_FIELDS = ("project", "task", "ticket")
PARTY_FIELDS = ("contact", "company")


def _exactly_one(names: tuple[str, ...]) -> Q:
    """A condition true when exactly one of the foreign keys `names` is set."""
    condition = Q()
    for chosen in names:
        condition |= Q(
            **{f"{name}__isnull": name != chosen for name in names},
        )
    return condition


def _unique_link(item: str, party: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["organization", item, party],
        condition=Q(**{f"{item}__isnull": False, f"{party}__isnull": False}),
        name=f"connection_unique_{item}_{party}",
    )


class Connection(TenantModel):
    """A contact or company connected to a project, a task or a ticket.

    One table for the six kinds of link keeps "everything connected to this contact"
    a single indexed query; the check constraints say which columns a row fills.
    """

    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="connections"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="connections"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="connections"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="connections",
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="connections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("connected"), auto_now_add=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(ITEM_FIELDS), name="connection_one_item"),
            models.CheckConstraint(
                condition=_exactly_one(PARTY_FIELDS), name="connection_one_party"
            ),
            *(_unique_link(item, party) for item in ITEM_FIELDS for party in PARTY_FIELDS),
        ]
        indexes = [
            models.Index(
                fields=["organization", "contact", "-created_at", "-id"],
                name="connection_by_contact",
            ),
            models.Index(
                fields=["organization", "company", "-created_at", "-id"],
                name="connection_by_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ↔ {self.item}"

    @property
    def item(self) -> Project | Task | Ticket:
        """The project, task or ticket of this connection."""
        if self.project_id is not None:
            return self.project
        return self.task if self.task_id is not None else self.ticket

    @property
    def party(self):
        """The contact or company of this connection (display it only if visible)."""
        return self.contact if self.contact_id is not None else self.company
