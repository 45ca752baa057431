"""Writing timeline events and notifications, inside the caller's transaction.

Every service that changes a record calls `record_event` in its own transaction, so an
event exists exactly when its change does (a bulk write records one event per record,
never none). `notify` writes the bell's rows, keeps each membership's unread count, and
emails a mention to whoever has not switched those emails off (after the commit).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, EventKind, Notification, NotificationKind
from organizations.i18n import speaking_to
from organizations.models import Membership, Organization, User

# Kinds that also send an email (when the recipient keeps `User.email_on_mention`).
EMAILED_KINDS = {NotificationKind.MENTION, NotificationKind.NOTE_MENTION}


def record_event(
    *,
    organization: Organization,
    kind: EventKind,
    actor: User | None = None,
    contact=None,
    company=None,
    project=None,
    note_id: int | None = None,
    activity_id: int | None = None,
    opportunity_id: int | None = None,
    data: dict | None = None,
) -> Event:
    """Write one timeline event for a contact and/or a company."""
    if contact is None and company is None:
        raise ValueError("A timeline event belongs to a contact or a company.")
    return Event.objects.create(
        organization=organization,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        contact=contact,
        company=company,
        project=project,
        note_id=note_id,
        activity_id=activity_id,
        opportunity_id=opportunity_id,
        data=data or {},
    )


def record_events(events: Iterable[Event]) -> list[Event]:
    """Write many events at once (bulk services: assigning a client to many projects)."""
    return Event.objects.bulk_create(list(events), batch_size=1000)


def field_changes(before: dict, after: dict, labels: dict) -> list[list[str]]:
    """`[label, old, new]` for every field whose shown value changed, in `labels` order."""
    return [
        [str(label), _shown(before.get(name)), _shown(after.get(name))]
        for name, label in labels.items()
        if _shown(before.get(name)) != _shown(after.get(name))
    ]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value if item)
    return str(value)


def notify(
    *,
    organization: Organization,
    recipients: Iterable[User],
    kind: NotificationKind,
    actor: User | None = None,
    text: str = "",
    url: str = "",
    contact=None,
    company=None,
    project=None,
    note_id: int | None = None,
    activity_id: int | None = None,
) -> list[Notification]:
    """Notify each recipient once (never the actor, never someone outside the organization).

    The caller passes only people who may see what the notification is about (a mention
    grants it; an activity's assignees see its activity). `url` is a path; the email
    makes it absolute with `SITE_URL`.
    """
    wanted = {user.pk: user for user in recipients if user is not None}
    if actor is not None:
        wanted.pop(actor.pk, None)
    if not wanted:
        return []
    members = set(
        Membership.objects.filter(organization=organization, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    rows = Notification.objects.bulk_create(
        Notification(
            organization=organization,
            recipient=wanted[user_id],
            kind=kind,
            actor=actor,
            text=text[:300],
            url=url[:500],
            contact=contact,
            company=company,
            project=project,
            note_id=note_id,
            activity_id=activity_id,
        )
        for user_id in sorted(members)
    )
    Membership.objects.filter(organization=organization, user_id__in=members).update(
        unread_notifications=F("unread_notifications") + 1
    )
    if kind in EMAILED_KINDS:
        emailed = [wanted[user_id] for user_id in sorted(members)]
        emailed = [user for user in emailed if user.email_on_mention]
        if emailed:
            # robust: a mail server that refuses does not undo or break the change.
            transaction.on_commit(
                lambda: _email(organization, emailed, actor=actor, text=text, url=url),
                robust=True,
            )
    return rows


def _email(organization: Organization, users: list[User], *, actor, text: str, url: str) -> None:
    link = settings.SITE_URL.rstrip("/") + url if url else settings.SITE_URL
    for user in users:
        with speaking_to(user, organization):  # each in their own language
            who = actor.display_name if actor is not None else _("Someone")
            subject = _("%(who)s mentioned you in %(organization)s") % {
                "who": who,
                "organization": organization.name,
            }
            body = "\n\n".join(
                part
                for part in [
                    subject + ".",
                    text,
                    link,
                    _("You can switch these emails off on your profile page."),
                ]
                if part
            )
        send_mail(subject, body, None, [user.email])


def mark_read(*, organization: Organization, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all, without an id) read; returns how many changed."""
    unread = Notification.objects.filter(
        organization=organization, recipient=user, read_at__isnull=True
    )
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now())
        if notification_id is None:
            Membership.objects.filter(organization=organization, user=user).update(
                unread_notifications=0
            )
        elif changed:
            Membership.objects.filter(
                organization=organization, user=user, unread_notifications__gt=0
            ).update(unread_notifications=F("unread_notifications") - changed)
    return changed
