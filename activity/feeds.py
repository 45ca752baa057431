"""A member's activities as an iCalendar feed (vobject)."""

from datetime import timedelta

import vobject
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from vobject.icalendar import utc

from activity import selectors
from organizations.models import Organization, User


def calendar_text(user: User, organization: Organization) -> str:
    """The `user`'s assigned activities they may see, as VEVENTs.

    An event carries the activity's subject, kind, notes and page address only: never
    the names of the linked records (the reader may not see them all).
    """
    calendar = vobject.iCalendar()
    calendar.add("prodid").value = "-//Rolo//Activities//EN"
    calendar.add("x-wr-calname").value = f"Rolo · {organization.name}"
    base = settings.SITE_URL.rstrip("/")
    for activity in selectors.feed_activities(user, organization):
        event = calendar.add("vevent")
        event.add("uid").value = f"activity-{activity.pk}@{organization.slug}.rolo"
        event.add("dtstamp").value = activity.updated_at.astimezone(utc)
        summary = activity.subject
        if activity.kind:
            summary = f"{activity.kind.name}: {summary}"
        if activity.is_done:
            summary = _("%(summary)s (done)") % {"summary": summary}
        event.add("summary").value = summary
        if activity.all_day:
            day = timezone.localtime(activity.due_at).date()
            event.add("dtstart").value = day
            event.add("dtend").value = day + timedelta(days=1)
        else:
            # In UTC ("...Z"): every calendar reads it without a VTIMEZONE block.
            start = activity.due_at.astimezone(utc)
            event.add("dtstart").value = start
            event.add("dtend").value = start + timedelta(minutes=30)
        if activity.notes:
            event.add("description").value = activity.notes
        event.add("url").value = base + activity.url_in(organization.slug)
    return calendar.serialize()


def calendar_response(user: User, organization: Organization) -> HttpResponse:
    response = HttpResponse(
        calendar_text(user, organization), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="rolo-activities.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
