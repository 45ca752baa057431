"""Reads of activities, always through `Activity.objects.visible_to`."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from activity.models import Activity, ActivityKind, ActivityLink, Assignment
from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from organizations.models import Membership, Organization, Role, User

# How many open activities a record page lists, and each group of the dashboard.
UPCOMING = 5
DASHBOARD_GROUP = 10
# An all-day activity is due at this hour of its day, in the server's time zone.
ALL_DAY_HOUR = time(9, 0)


def all_day_due(day) -> datetime:
    """The due time of an all-day activity on `day`: 09:00 in TIME_ZONE."""
    return timezone.make_aware(datetime.combine(day, ALL_DAY_HOUR), timezone.get_default_timezone())


def activity_for_user(user: User, organization: Organization, pk: int) -> Activity:
    """Return the activity if `user` may see it; 404 otherwise, exactly like a missing one."""
    return get_object_or_404(
        Activity.objects.visible_to(user, organization).select_related(
            "kind", "created_by", "done_by"
        ),
        pk=pk,
    )


def visible_links(user: User, organization: Organization, activity: Activity) -> list:
    """The activity's links whose record `user` may see, with the record (one query)."""
    return list(
        ActivityLink.objects.filter(organization=organization, activity=activity)
        .filter(
            Q(contact__in=Contact.objects.visible_to(user, organization))
            | Q(company__in=Company.objects.visible_to(user, organization))
            | Q(project__in=projects_visible_to(user, organization))
        )
        .select_related("contact", "company", "project")
        .order_by("id")
    )


def hidden_links(user: User, organization: Organization, activity: Activity) -> list:
    """The links `user` may not see: an edit keeps them as they are."""
    shown = [link.pk for link in visible_links(user, organization, activity)]
    return list(
        ActivityLink.objects.filter(organization=organization, activity=activity).exclude(
            pk__in=shown
        )
    )


def assignees(activity: Activity) -> list[User]:
    return [a.user for a in activity.assignments.select_related("user").order_by("user__email")]


def record_upcoming(
    user: User, membership: Membership, *, contact=None, company=None, project=None
) -> list[Activity]:
    """The next open activities linked to one record that `user`, with `membership`, may
    see (one query).

    The record came through its own door (the page's 404), so an owner or member sees
    every activity linked to it (the rule's "a linked record they may see") and the
    query needs no visibility condition; only a guest's, on a project page, go through
    `visible_to`.
    """
    organization = membership.organization_id
    target = {"contact": contact} if contact else {"company": company} if company else {}
    if project is not None:
        target = {"project": project}
    activities = Activity.objects.filter(organization=organization)
    if not membership.sees_directory:
        activities = Activity.objects.visible_to(user, membership.organization)
    # A join from the record's links (its index), not a scan of every open activity:
    # a record has few activities, the organization may have millions.
    links = {f"links__{field}": value for field, value in target.items()}
    return list(
        activities.filter(links__organization=organization, done_at__isnull=True, **links)
        .select_related("kind")
        .order_by("due_at", "id")[:UPCOMING]
    )


def my_assignments(user: User, organization: Organization, *, role: str | None = None) -> QuerySet:
    """`user`'s assignments whose activity they may see (a guest: project ones only).

    An owner or member sees every activity assigned to them (the rule's "own"), so only a
    guest's assignments go through `visible_to`. `role` is the reader's role when the
    caller has it (the request's membership); it is read otherwise.
    """
    if role is None:
        role = (
            Membership.objects.filter(organization=organization, user=user)
            .values_list("role", flat=True)
            .first()
        )
    rows = Assignment.objects.filter(organization=organization, user=user)
    if role == Role.GUEST:
        rows = rows.filter(
            Exists(
                Activity.objects.visible_to(user, organization).filter(pk=OuterRef("activity_id"))
            )
        )
    elif role not in (Role.OWNER, Role.MEMBER):
        return rows.none()
    return rows.select_related("activity", "activity__kind")


@dataclass(frozen=True)
class Group:
    key: str
    activities: list[Activity]
    more: bool


def local_day_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _ranges(now: datetime, prefix: str) -> list[tuple[str, Q]]:
    """Overdue, the rest of today, the next seven days, on `due_at`.

    An all-day activity belongs to its whole day: due at 09:00 today, it is "today" (not
    overdue) until midnight. `prefix` reaches `all_day` from the queried model.
    """
    today = local_day_start(now)
    tomorrow = today + timedelta(days=1)
    all_day_today = Q(**{f"{prefix}all_day": True}, due_at__gte=today, due_at__lt=tomorrow)
    return [
        ("overdue", Q(due_at__lt=now) & ~all_day_today),
        ("today", Q(due_at__gte=now, due_at__lt=tomorrow) | all_day_today),
        ("week", Q(due_at__gte=tomorrow, due_at__lt=tomorrow + timedelta(days=7))),
    ]


def dashboard_groups(
    user: User, organization: Organization, now=None, *, role: str | None = None
) -> list[Group]:
    """`user`'s open activities: overdue, the rest of today, the next seven days.

    One query. PostgreSQL: three branches glued by UNION ALL, each a range of the
    (organization, user, done, due_at) index cut at DASHBOARD_GROUP + 1 rows (the extra
    one says "more"), whatever the total. Elsewhere (SQLite, the tests): the rows of the
    three ranges numbered per group by a window function.
    """
    open_ones = my_assignments(user, organization, role=role).filter(done=False)
    ranges = _ranges(now or timezone.now(), "activity__")
    cut = DASHBOARD_GROUP + 1
    if connection.features.supports_slicing_ordering_in_compound:
        branches = [
            open_ones.filter(condition).annotate(group=Value(index)).order_by("due_at", "id")[:cut]
            for index, (_key, condition) in enumerate(ranges)
        ]
        rows = branches[0].union(*branches[1:], all=True)
    else:
        group = Case(
            *(When(condition, then=Value(index)) for index, (_key, condition) in enumerate(ranges)),
            default=None,
        )
        rows = (
            open_ones.annotate(group=group)
            .filter(group__isnull=False)
            .annotate(
                position=Window(RowNumber(), partition_by=[F("group")], order_by=["due_at", "id"])
            )
            .filter(position__lte=cut)
        )
    by_group: dict[int, list] = {index: [] for index in range(len(ranges))}
    for row in sorted(rows, key=lambda row: (row.due_at, row.pk)):
        by_group[row.group].append(row)
    return [
        Group(key, [row.activity for row in rows[:DASHBOARD_GROUP]], len(rows) > DASHBOARD_GROUP)
        for (key, _condition), rows in zip(ranges, by_group.values(), strict=True)
    ]


WHEN = ("overdue", "today", "week", "open", "done")


def member_activities(
    reader: User, organization: Organization, member: User, when: str, now=None
) -> QuerySet:
    """`member`'s assigned activities that `reader` may see, for the list page."""
    assigned = Assignment.objects.filter(
        organization=organization, user=member, activity=OuterRef("pk")
    )
    activities = (
        Activity.objects.visible_to(reader, organization)
        .filter(Exists(assigned))
        .select_related("kind")
    )
    if when == "done":
        return activities.filter(done_at__isnull=False).order_by("-done_at", "-id")
    activities = activities.filter(done_at__isnull=True)
    ranges = dict(_ranges(now or timezone.now(), ""))
    if when in ranges:
        activities = activities.filter(ranges[when])
    return activities.order_by("due_at", "id")


def kinds(organization: Organization) -> QuerySet:
    return ActivityKind.objects.filter(organization=organization)


def assignable_members(organization: Organization) -> QuerySet:
    """Owners, members and guests of `organization` (guests only on project activities)."""
    return User.objects.filter(
        Exists(Membership.objects.filter(organization=organization, user=OuterRef("pk")))
    ).order_by("full_name", "email")


def guest_ids(organization: Organization) -> set[int]:
    return set(
        Membership.objects.filter(organization=organization, role=Role.GUEST).values_list(
            "user_id", flat=True
        )
    )


def feed_activities(user: User, organization: Organization, *, limit: int = 1000) -> list:
    """The calendar feed: `user`'s assigned activities they may see, newest due first."""
    since = timezone.now() - timedelta(days=getattr(settings, "ACTIVITY_FEED_PAST_DAYS", 90))
    return [
        row.activity
        for row in my_assignments(user, organization)
        .filter(due_at__gte=since)
        .order_by("-due_at", "-id")[:limit]
    ]
