"""Writes on activities: create, edit, done, delete, kinds and calendar feeds.

Each write records its timeline events (`events.services.record_event`) and notifies the
new assignees in the same transaction as the change.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.models import Activity, ActivityKind, ActivityLink, Assignment, CalendarFeed
from directory.markup import render_description
from events.models import EventKind, NotificationKind
from events.services import notify, record_event
from organizations.models import Membership, Organization, Role, User
from organizations.scoping import scope


@dataclass
class ActivityData:
    """What a form says about an activity; `contacts`, `companies`, `projects` are links."""

    kind: ActivityKind | None
    subject: str
    due_at: datetime
    all_day: bool = False
    notes: str = ""
    assignees: list[User] = field(default_factory=list)
    contacts: list = field(default_factory=list)
    companies: list = field(default_factory=list)
    projects: list = field(default_factory=list)


def activity_kinds_seed(*, organization: Organization) -> None:
    """Give `organization` the default kinds it does not have yet (by name)."""
    with scope(organization=organization):
        existing = set(ActivityKind.objects.values_list("name", flat=True))
        ActivityKind.objects.bulk_create(
            ActivityKind(organization=organization, name=name, position=index)
            for index, name in enumerate(ActivityKind.DEFAULTS)
            if name not in existing
        )


def check_assignees(
    *, organization: Organization, assignees: list[User], about_directory: bool
) -> None:
    """Refuse an assignee who is not in `organization`, or a guest on an activity linked
    to a contact or company (`about_directory`): guests never see those."""
    if not assignees:
        raise ValidationError(_("Assign the activity to at least one member."), code="assignees")
    roles = dict(
        Membership.objects.filter(
            organization=organization, user__in=[user.pk for user in assignees]
        ).values_list("user_id", "role")
    )
    for user in assignees:
        if user.pk not in roles:
            raise ValidationError(_("Choose members of this organization."), code="assignees")
        if roles[user.pk] == Role.GUEST and about_directory:
            raise ValidationError(
                _(
                    "%(name)s is a guest: guests may only be assigned activities linked "
                    "to projects alone."
                )
                % {"name": user.display_name},
                code="guest_assignee",
            )


def _event_data(activity: Activity) -> dict:
    return {
        "subject": activity.subject,
        "kind": activity.kind.name if activity.kind else "",
        "due": activity.due_at.date().isoformat()
        if activity.all_day
        else activity.due_at.isoformat(),
        "outcome": activity.outcome,
    }


def _record(activity: Activity, kind: EventKind, actor: User) -> None:
    """One event per linked contact and company; a linked project's on its client."""
    data = _event_data(activity)
    common = {
        "organization": activity.organization,
        "kind": kind,
        "actor": actor,
        "activity_id": activity.pk,
        "data": data,
    }
    links = activity.links.select_related(
        "contact", "company", "project__client_contact", "project__client_company"
    )
    for link in links:
        if link.contact_id:
            record_event(contact=link.contact, **common)
        elif link.company_id:
            record_event(company=link.company, **common)
        elif link.project.client_contact_id or link.project.client_company_id:
            record_event(
                project=link.project,
                contact=link.project.client_contact,
                company=link.project.client_company,
                **common,
            )


def _notify_assigned(activity: Activity, users: list[User], actor: User) -> None:
    notify(
        organization=activity.organization,
        recipients=users,
        kind=NotificationKind.ASSIGNED,
        actor=actor,
        text=activity.subject,
        url=activity.url_in(activity.organization.slug),
        activity_id=activity.pk,
    )


def _set_links(activity: Activity, data: ActivityData) -> None:
    organization = activity.organization
    ActivityLink.objects.bulk_create(
        [
            ActivityLink(organization=organization, activity=activity, contact=c)
            for c in data.contacts
        ]
        + [
            ActivityLink(organization=organization, activity=activity, company=c)
            for c in data.companies
        ]
        + [
            ActivityLink(organization=organization, activity=activity, project=p)
            for p in data.projects
        ]
    )


def _apply(activity: Activity, data: ActivityData) -> None:
    activity.kind = data.kind
    activity.subject = data.subject
    activity.notes = data.notes
    activity.notes_html = render_description(data.notes)
    activity.due_at = data.due_at
    activity.all_day = data.all_day


@transaction.atomic
def activity_create(
    *, organization: Organization, created_by: User, data: ActivityData
) -> Activity:
    """Create an activity with its assignees and links; record it and notify assignees."""
    if not (data.contacts or data.companies or data.projects):
        raise ValidationError(_("Link the activity to a contact, company or project."))
    check_assignees(
        organization=organization,
        assignees=data.assignees,
        about_directory=bool(data.contacts or data.companies),
    )
    activity = Activity(organization=organization, created_by=created_by)
    _apply(activity, data)
    activity.save()
    Assignment.objects.bulk_create(
        Assignment(organization=organization, activity=activity, user=user, due_at=activity.due_at)
        for user in data.assignees
    )
    _set_links(activity, data)
    _record(activity, EventKind.ACTIVITY_CREATED, created_by)
    _notify_assigned(activity, data.assignees, created_by)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, user: User, data: ActivityData, hidden_links: list[ActivityLink]
) -> Activity:
    """Save the form's values; links the editor cannot see (`hidden_links`) are kept.

    New assignees are notified. A new due time sends the reminders again.
    """
    if not (data.contacts or data.companies or data.projects or hidden_links):
        raise ValidationError(_("Link the activity to a contact, company or project."))
    hidden_directory = any(link.contact_id or link.company_id for link in hidden_links)
    check_assignees(
        organization=activity.organization,
        assignees=data.assignees,
        about_directory=bool(data.contacts or data.companies or hidden_directory),
    )
    due_changed = activity.due_at != data.due_at
    _apply(activity, data)
    activity.save()
    organization = activity.organization
    before = set(activity.assignments.values_list("user_id", flat=True))
    wanted = {user.pk: user for user in data.assignees}
    activity.assignments.exclude(user_id__in=wanted).delete()
    added = [user for pk, user in wanted.items() if pk not in before]
    Assignment.objects.bulk_create(
        Assignment(
            organization=organization,
            activity=activity,
            user=user,
            due_at=activity.due_at,
            done=activity.is_done,
        )
        for user in added
    )
    changes = {"due_at": activity.due_at}
    if due_changed:
        changes["reminder_sent_at"] = None
    activity.assignments.update(**changes)
    activity.links.exclude(pk__in=[link.pk for link in hidden_links]).delete()
    _set_links(activity, data)
    _notify_assigned(activity, added, user)
    return activity


@transaction.atomic
def activity_done(*, activity: Activity, user: User, outcome: str = "") -> Activity:
    """Mark the activity done by `user` now, with an optional outcome; record it."""
    # Lock the row: two clicks on "Done" record one event.
    activity = Activity.objects.select_for_update().get(
        organization=activity.organization, pk=activity.pk
    )
    if activity.is_done:
        return activity
    activity.done_at = timezone.now()
    activity.done_by = user
    activity.outcome = outcome.strip()
    activity.save(update_fields=["done_at", "done_by", "outcome", "updated_at"])
    activity.assignments.update(done=True)
    _record(activity, EventKind.ACTIVITY_DONE, user)
    return activity


def activity_delete(*, activity: Activity) -> None:
    activity.delete()


def calendar_feed_renew(*, organization: Organization, user: User) -> str:
    """Give `user` a new secret feed address (the old one stops working); return the token."""
    token, token_hash = CalendarFeed.new_token()
    CalendarFeed.objects.update_or_create(
        organization=organization, user=user, defaults={"token_hash": token_hash}
    )
    return token


def calendar_feed_revoke(*, organization: Organization, user: User) -> None:
    CalendarFeed.objects.filter(organization=organization, user=user).delete()
