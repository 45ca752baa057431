"""The calendar feed (secret, revocable) and the reminders sent by the worker.

Reminders: bob chose "1 hour before" (the default), alice "15 minutes before"; carol
chose none. The real `run_worker` (django-tasks-db's db_worker) runs the periodic tick.
"""

import signal
from datetime import timedelta

import pytest
import vobject
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activity import reminders
from activity.models import Assignment, CalendarFeed
from activity.selectors import all_day_due
from activity.services import calendar_feed_renew
from events.models import Notification, NotificationKind
from organizations.models import Membership
from organizations.scoping import scopes_disabled
from organizations.services import membership_remove
from tests import factories
from tests.conftest import use_task_backend


@pytest.fixture
def ada(acme, alice):
    return factories.ContactFactory(organization=acme, created_by=alice, first_name="Ada")


# --- The calendar feed -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_feed_address_is_shown_once_and_parses_back_as_a_calendar(client_for, acme, bob, ada):
    factories.activity(acme, assignees=[bob], contacts=[ada], subject="Timed call")
    factories.activity(
        acme, assignees=[bob], contacts=[ada], subject="All day", all_day=True, kind="Deadline"
    )
    client = client_for(bob)

    response = client.post(reverse("activity_calendar", args=["acme"]), {"action": "renew"})
    html = response.content.decode()
    start = html.index("http://testserver/calendar/")
    url = html[start : html.index('"', start)]
    with scopes_disabled():
        (feed,) = CalendarFeed.objects.all()
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in feed.token_hash and len(feed.token_hash) == 64  # a hash only
    assert (
        url.removeprefix("http://testserver/calendar/")
        not in client.get(reverse("activity_calendar", args=["acme"])).content.decode()
    )  # not shown again

    text = client_for(None).get(url.removeprefix("http://testserver")).content.decode()

    calendar = vobject.readOne(text)
    events = {event.summary.value: event for event in calendar.vevent_list}
    assert set(events) == {"Call: Timed call", "Deadline: All day"}
    assert events["Call: Timed call"].dtstart.value.tzinfo is not None
    all_day = events["Deadline: All day"].dtstart.value
    assert not hasattr(all_day, "hour")  # a date, not a time
    assert events["Call: Timed call"].url.value.startswith("http")


@pytest.mark.django_db
def test_a_revoked_or_replaced_address_is_404(client_for, acme, bob):
    old = calendar_feed_renew(organization=acme, user=bob)
    new = calendar_feed_renew(organization=acme, user=bob)
    client = client_for(None)

    assert client.get(reverse("activity_feed", args=[old])).status_code == 404
    assert client.get(reverse("activity_feed", args=[new])).status_code == 200

    client_for(bob).post(reverse("activity_calendar", args=["acme"]), {"action": "revoke"})

    assert client_for(None).get(reverse("activity_feed", args=[new])).status_code == 404
    assert client_for(None).get(reverse("activity_feed", args=["nonsense"])).status_code == 404


@pytest.mark.django_db
def test_a_removed_member_s_address_stops_working(client_for, acme, bob):
    token = calendar_feed_renew(organization=acme, user=bob)

    Membership.objects.filter(organization=acme, user=bob).delete()

    assert client_for(None).get(reverse("activity_feed", args=[token])).status_code == 404


# --- Reminders -------------------------------------------------------------------------


def due_in(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def reminder_mails(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to] and m.subject.startswith("Reminder")]


@pytest.mark.django_db
def test_each_assignee_is_reminded_by_their_own_choice(acme, alice, bob, carol, ada):
    alice.reminder_minutes = 15
    alice.save()
    carol.reminder_minutes = None
    carol.save()
    factories.activity(
        acme, assignees=[alice, bob, carol], contacts=[ada], subject="Call", due_at=due_in(30)
    )

    sent = reminders.send_due_reminders()

    # Due in 30 minutes: bob (1 hour before) now; alice (15 minutes) later; carol never.
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "Call" in mail.outbox[0].subject and "/o/acme/activities/" in mail.outbox[0].body
    with scopes_disabled():
        (notice,) = Notification.objects.all()
    assert notice.recipient == bob and notice.kind == NotificationKind.REMINDER

    later = reminders.send_due_reminders(now=timezone.now() + timedelta(minutes=20))

    assert later == 1 and len(reminder_mails("alice@example.com")) == 1
    assert len(reminder_mails("bob@example.com")) == 1  # not twice
    assert reminder_mails("carol@example.com") == []


@pytest.mark.django_db
def test_an_all_day_activity_reminds_from_nine_oclock(acme, bob, ada):
    bob.reminder_minutes = 0
    bob.save()
    nine = all_day_due(timezone.localdate())
    factories.activity(acme, assignees=[bob], contacts=[ada], all_day=True, due_at=nine)
    at_eight = nine - timedelta(hours=1)

    assert reminders.send_due_reminders(now=at_eight) == 0
    assert reminders.send_due_reminders(now=at_eight + timedelta(hours=1)) == 1


@pytest.mark.django_db
def test_no_reminder_for_a_done_activity_or_an_assignee_who_lost_access(
    acme, alice, bob, carol, ada
):
    factories.activity(acme, assignees=[bob], contacts=[ada], done=True, due_at=due_in(10))
    secret = factories.ContactFactory(organization=acme, created_by=alice, visibility="private")
    # carol is assigned, then removed from Acme.
    factories.activity(acme, assignees=[carol], contacts=[ada], due_at=due_in(10))
    membership_remove(membership=Membership.objects.get(organization=acme, user=carol))
    # bob was assigned on a private contact and made a guest: guests never see it.
    factories.activity(acme, assignees=[bob], contacts=[secret], due_at=due_in(10))
    Membership.objects.filter(organization=acme, user=bob).update(role="guest")

    assert reminders.send_due_reminders() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reminder_claimed_by_another_worker_is_not_sent_again(acme, bob, ada):
    factories.activity(acme, assignees=[bob], contacts=[ada], due_at=due_in(10))
    with scopes_disabled():
        (assignment,) = Assignment.objects.select_related("organization", "user")
    # Another worker claimed it between this worker's read and its claim.
    with scopes_disabled():
        Assignment.objects.update(reminder_sent_at=timezone.now())

    assert reminders._send(assignment, timezone.now()) == 0
    assert mail.outbox == []


def run_worker() -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():  # the worker installs its own
            signal.signal(number, handler)


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_a_reminder_exactly_once_and_none_for_a_done_activity(
    acme, bob, carol, ada, settings
):
    use_task_backend(settings, "django_tasks_db.DatabaseBackend")
    from django_tasks_db.models import DBTaskResult

    factories.activity(acme, assignees=[bob], contacts=[ada], subject="Ring Ada", due_at=due_in(5))
    factories.activity(
        acme, assignees=[carol], contacts=[ada], subject="Closed", done=True, due_at=due_in(5)
    )

    run_worker()  # starts the tick, which sends and schedules the next one
    run_worker()  # a second start: the waiting tick is not doubled, nothing is resent
    with scopes_disabled():
        sent_at = Assignment.objects.get(user=bob).reminder_sent_at
    # Even a tick run again at once (two workers) finds nothing left to send.
    reminders.send_due_reminders()

    assert len(reminder_mails("bob@example.com")) == 1
    assert reminder_mails("carol@example.com") == []
    assert sent_at is not None
    ticks = DBTaskResult.objects.filter(task_path="activity.tasks.reminders_tick")
    assert ticks.filter(status="SUCCESSFUL").count() == 1
    assert ticks.filter(status="READY").count() == 1  # the next one, a minute later
