"""Reminder emails to assignees before an activity is due, sent by the worker.

`send_due_reminders` is run every REMINDER_INTERVAL seconds by the task
`activity.tasks.reminders_tick`, which enqueues its own next run (`run_worker` starts the
chain). Each (activity, assignee) has one `Assignment` row; a reminder is claimed by a
conditional UPDATE of its `reminder_sent_at` (NULL → now), so of two workers at the same
moment exactly one sends it. The claim commits before the email goes: a failed email is
not sent again (at most once), which is what "never twice" asks.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from activity.models import Activity, Assignment
from events.models import NotificationKind
from events.services import notify
from organizations.i18n import speaking_to
from organizations.models import ReminderChoice
from organizations.scoping import scope, scopes_disabled

logger = logging.getLogger(__name__)

# A reminder whose time passed more than this long ago (the worker was stopped) is dropped.
GRACE = timedelta(hours=1)


def send_due_reminders(now=None) -> int:
    """Send every reminder whose time has come; return how many were sent."""
    now = now or timezone.now()
    # The worker serves every organization: one read across tenants, each row then
    # handled inside its own organization's scope.
    with scopes_disabled():
        candidates = list(
            Assignment.objects.filter(
                _time_has_come(now),
                done=False,
                reminder_sent_at__isnull=True,
                due_at__gt=now - GRACE,
                user__is_active=True,
            )
            .select_related("user", "organization")
            .order_by("due_at", "id")
        )
    sent = 0
    for assignment in candidates:
        with scope(organization=assignment.organization):
            sent += _send(assignment, now)
    return sent


def _time_has_come(now) -> Q:
    """Due within each assignee's own choice of notice (one range per choice, in SQL)."""
    condition = Q(pk__in=[])
    for minutes in ReminderChoice.values:
        condition |= Q(user__reminder_minutes=minutes, due_at__lte=now + timedelta(minutes=minutes))
    return condition


def _send(assignment: Assignment, now) -> int:
    organization, user = assignment.organization, assignment.user
    activity = (
        Activity.objects.visible_to(user, organization)
        .filter(pk=assignment.activity_id, done_at__isnull=True)
        .select_related("kind")
        .first()
    )
    if activity is None:
        # Done since the read, or the assignee lost sight of it (removed, now a guest).
        return 0
    with transaction.atomic():
        claimed = Assignment.objects.filter(
            organization=organization, pk=assignment.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if not claimed:
            return 0  # another worker sent it
        url = activity.url_in(organization.slug)
        notify(
            organization=organization,
            recipients=[user],
            kind=NotificationKind.REMINDER,
            text=activity.subject,
            url=url,
            activity_id=activity.pk,
        )
    with speaking_to(user, organization):
        _email(activity, user, organization, url)
    return 1


def _email(activity: Activity, user, organization, url: str) -> None:
    due = timezone.localtime(activity.due_at)
    when = (
        formats.date_format(due, "DATE_FORMAT")
        if activity.all_day
        else formats.date_format(due, "DATETIME_FORMAT")
    )
    subject = _("Reminder: %(subject)s (%(when)s)") % {"subject": activity.subject, "when": when}
    body = "\n\n".join(
        [
            subject,
            _("In %(organization)s.") % {"organization": organization.name},
            settings.SITE_URL.rstrip("/") + url,
            _("You choose when reminders come on your profile page."),
        ]
    )
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        logger.exception("Reminder for activity %s to user %s failed", activity.pk, user.pk)
