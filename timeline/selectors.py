"""Reading the timeline and the bell: only what the reader may see.

An event or a notification points at a contact, a company, a project, a note or an
activity; it is shown only when the reader may see every one of those it names, read
through each one's own door (`visible_to`, `projects_visible_to`). Notes and activities
live in apps of this floor: each offers the hook `timeline_visible(user, organization,
model)` on its AppConfig, a Q on `note_id` / `activity_id` of `model` (Event or
Notification), so this module names neither.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from companies.models import Affiliation, Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from directory.pagination import KeysetPage, keyset_paginate
from events.models import KIND_GROUPS, Event, Notification
from organizations.models import Membership, Organization, Role, User

PER_PAGE = 20
# A company's timeline holds the events of at most this many of its persons.
MAX_PERSONS = 5000
ORDER = ["-created_at", "-id"]


def _visible(queryset: QuerySet, user: User, organization: Organization) -> QuerySet:
    """Keep the rows whose every named record, project, note and activity `user` may see."""
    contacts = Contact.objects.visible_to(user, organization).filter(pk=OuterRef("contact_id"))
    companies = Company.objects.visible_to(user, organization).filter(pk=OuterRef("company_id"))
    projects = projects_visible_to(user, organization).filter(pk=OuterRef("project_id"))
    condition = (
        (Q(contact_id__isnull=True) | Exists(contacts))
        & (Q(company_id__isnull=True) | Exists(companies))
        & (Q(project_id__isnull=True) | Exists(projects))
    )
    for config in apps.get_app_configs():
        hook = getattr(config, "timeline_visible", None)
        if hook is not None:
            condition &= hook(user, organization, queryset.model)
    return queryset.filter(condition)


def record_events(
    user: User,
    organization: Organization,
    *,
    contact: Contact | None = None,
    company: Company | None = None,
    with_persons: bool = True,
    group: str = "",
    author_id: int | None = None,
) -> QuerySet:
    """The events of one contact's or company's timeline that `user` may see, newest first.

    A company's timeline also holds its persons' events (`with_persons`), each shown
    only when the reader may see that person. `record` must already come from the
    reader's `visible_to` (the page's 404).
    """
    events = Event.objects.filter(organization=organization)
    if contact is not None:
        events = events.filter(contact=contact)
    elif with_persons:
        # The persons' ids as a list, not a subquery: PostgreSQL then reads both indexes
        # (event_company, event_contact) and ORs them, where `company = … OR contact_id IN
        # (SELECT …)` walks every event of the organization (0.8 s at 3M events).
        persons = list(
            Affiliation.objects.filter(organization=organization, company=company)
            .order_by()
            .values_list("contact_id", flat=True)[:MAX_PERSONS]
        )
        events = events.filter(Q(company=company) | Q(contact_id__in=persons))
    else:
        events = events.filter(company=company)
    if group in KIND_GROUPS:
        events = events.filter(kind__in=KIND_GROUPS[group][1])
    if author_id is not None:
        events = events.filter(actor_id=author_id)
    return _visible(events, user, organization).select_related("actor", "contact", "company")


def page_of(events: QuerySet, after: str | None) -> KeysetPage:
    return keyset_paginate(events, order=ORDER, per_page=PER_PAGE, after=after)


def authors(organization: Organization) -> list[User]:
    """Who may have written an event: the organization's owners and members."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            organization=organization, role__in=[Role.OWNER, Role.MEMBER]
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


def notifications_for(user: User, organization: Organization) -> QuerySet:
    """The reader's own notifications about what they may still see, newest first."""
    mine = Notification.objects.filter(organization=organization, recipient=user)
    return _visible(mine, user, organization).select_related("actor")


def page_of_notifications(notifications: QuerySet, after: str | None, *, per_page: int):
    return keyset_paginate(notifications, order=ORDER, per_page=per_page, after=after)
