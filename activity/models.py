"""Activities: calls, meetings, to-dos planned on contacts, companies and projects.

An `Activity` has a kind (the organization's editable list), a due time, assignees
(`Assignment`, one row per person, which also carries the reminder's state) and links
(`ActivityLink`, one row per contact, company or project). Who may see one is answered by
`Activity.objects.visible_to(user, organization)`.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from organizations.models import ListEntry, Membership, Role
from organizations.scoping import ScopedManager, TenantModel
from organizations.visibility import known_role


class ActivityKind(ListEntry):
    """A kind of activity (Call, Meeting, ...): each organization edits its own list."""

    DEFAULTS = ["Call", "Meeting", "Email", "To-do", "Deadline"]

    class Meta(ListEntry.Meta):
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="activitykind_unique_name"
            )
        ]


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user, organization) -> "ActivityQuerySet":
        """Return the activities `user` may see in `organization`.

        Owners and members: an activity with a linked contact, company or project they
        may see, or that they created or are assigned to. Guests: an activity linked to
        a project they may see and to no contact or company. Nobody else sees any.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        links = ActivityLink.objects.filter(organization=organization, activity=OuterRef("pk"))

        def member_sees() -> Q:
            own = Q(created_by=user) | Exists(
                Assignment.objects.filter(
                    organization=organization, activity=OuterRef("pk"), user=user
                )
            )
            sees_a_link = (
                Exists(links.filter(contact__in=Contact.objects.visible_to(user, organization)))
                | Exists(links.filter(company__in=Company.objects.visible_to(user, organization)))
                | Exists(links.filter(project__in=projects_visible_to(user, organization)))
            )
            # `own` first: the cheap test that settles a member's own activities.
            return own | sees_a_link

        def guest_sees() -> Q:
            # A guest never sees anything about a contact or a company (PRODUCT §1).
            return ~Exists(
                links.filter(Q(contact__isnull=False) | Q(company__isnull=False))
            ) & Exists(links.filter(project__in=projects_visible_to(user, organization)))

        # With the request's memberships the role is known: only its condition is built.
        role = known_role(user, organization)
        if role in (Role.OWNER, Role.MEMBER):
            return self.filter(member_sees(), organization=organization)
        if role == Role.GUEST:
            return self.filter(guest_sees(), organization=organization)
        if role is not None:
            return self.none()
        memberships = Membership.objects.filter(organization=organization, user=user)
        member = Exists(memberships.filter(role__in=[Role.OWNER, Role.MEMBER]))
        guest = Exists(memberships.filter(role=Role.GUEST))
        return self.filter(
            (member & member_sees()) | (guest & guest_sees()), organization=organization
        )


class ActivityManager(ScopedManager.from_queryset(ActivityQuerySet)):
    """Scoped manager exposing `visible_to`."""


class Activity(TenantModel):
    """Something to do by a due time, about contacts, companies or projects."""

    kind = models.ForeignKey(
        ActivityKind,
        verbose_name=_("kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    # An all-day activity is due at ALL_DAY_HOUR in the server's time zone: its reminders
    # count from then, and its page shows the date only.
    due_at = models.DateTimeField(_("due"))
    all_day = models.BooleanField(_("all day"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    objects = ActivityManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["organization", "done_at", "due_at"], name="activity_due")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activity_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})

    def url_in(self, slug: str) -> str:
        """The page's path, without reading the organization row."""
        return reverse("activity_detail", kwargs={"slug": slug, "pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Open past its due time; an all-day activity only once its day is over."""
        if self.done_at is not None:
            return False
        if self.all_day:
            return timezone.localtime(self.due_at).date() < timezone.localdate()
        return self.due_at < timezone.now()


class Assignment(TenantModel):
    """A person an activity is assigned to, and whether their reminder has gone.

    `done` and `due_at` repeat the activity's so that a member's open activities by due
    time are one range of the (organization, user, done, due_at) index, however many
    activities the organization has. `reminder_sent_at` is set by the one worker that
    claims the reminder (a conditional UPDATE), so it is sent once.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_assignments"
    )
    done = models.BooleanField(default=False)
    due_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignee")
        verbose_name_plural = _("assignees")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "activity", "user"], name="assignment_unique_user"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "user", "done", "due_at"], name="assignment_mine"),
            # The reminder scan reads every organization's reminders still to send, by due
            # time: only those rows are in this index.
            models.Index(
                fields=["due_at"],
                condition=models.Q(done=False, reminder_sent_at__isnull=True),
                name="assignment_reminders",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.user_id}"


class ActivityLink(TenantModel):
    """An activity's link to one contact, company or project."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "connections.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("activity link")
        verbose_name_plural = _("activity links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contact__isnull=False, company__isnull=True, project__isnull=True)
                    | Q(contact__isnull=True, company__isnull=False, project__isnull=True)
                    | Q(contact__isnull=True, company__isnull=True, project__isnull=False)
                ),
                name="activitylink_one_target",
            ),
            models.UniqueConstraint(
                fields=["organization", "activity", "contact"],
                condition=Q(contact__isnull=False),
                name="activitylink_unique_contact",
            ),
            models.UniqueConstraint(
                fields=["organization", "activity", "company"],
                condition=Q(company__isnull=False),
                name="activitylink_unique_company",
            ),
            models.UniqueConstraint(
                fields=["organization", "activity", "project"],
                condition=Q(project__isnull=False),
                name="activitylink_unique_project",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "contact", "activity"], name="activitylink_contact"
            ),
            models.Index(
                fields=["organization", "company", "activity"], name="activitylink_company"
            ),
            models.Index(
                fields=["organization", "project", "activity"], name="activitylink_project"
            ),
        ]

    def __str__(self) -> str:
        target = self.contact_id or self.company_id or self.project_id
        return f"{self.activity_id} → {target}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(TenantModel):
    """A member's secret calendar address in one organization; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="calendarfeed_unique_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.organization_id}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """Return a fresh (token, hash) pair; only the hash is stored."""
        token = secrets.token_urlsafe(32)
        return token, hash_token(token)
