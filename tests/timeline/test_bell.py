"""The bell: an unread count on every page, a list of my notifications, marked read one or all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Notification, NotificationKind
from events.services import notify
from organizations.models import Membership, ReminderChoice
from tests import factories

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def unread(user, organization) -> int:
    return Membership.objects.get(user=user, organization=organization).unread_notifications


def mention(acme, actor, recipient, contact) -> Notification:
    return notify(
        organization=acme,
        recipients=[recipient],
        kind=NotificationKind.MENTION,
        actor=actor,
        text=str(contact),
        url=contact.get_absolute_url(),
        contact=contact,
    )[0]


def test_the_bell_counts_unread_and_opening_one_leads_to_its_record(client_for, acme, alice, bob):
    contact = factories.ContactFactory(organization=acme, first_name="Ada", last_name="Lovelace")
    first = mention(acme, alice, bob, contact)
    mention(acme, alice, bob, contact)
    client = client_for(bob)
    page = client.get(url("dashboard")).content.decode()
    assert "2 unread" in page
    listing = client.get(url("notification_list")).content.decode()
    assert "Alice Owner mentioned you" in listing and "Ada Lovelace" in listing

    response = client.post(url("notification_open", pk=first.pk))
    assert response.status_code == 302 and response.url == contact.get_absolute_url()
    assert unread(bob, acme) == 1
    client.post(url("notification_read_all"))
    assert unread(bob, acme) == 0
    assert "unread" not in client.get(url("dashboard")).content.decode()


def test_nobody_is_notified_of_their_own_action_nor_outside_the_organization(acme, alice, mallory):
    contact = factories.ContactFactory(organization=acme)
    assert (
        notify(
            organization=acme,
            recipients=[alice, mallory],
            kind=NotificationKind.MENTION,
            actor=alice,
            contact=contact,
        )
        == []
    )
    assert not Notification.objects.filter(organization=acme).exists()


def test_a_notification_about_a_record_made_private_disappears(client_for, acme, alice, bob):
    contact = factories.ContactFactory(organization=acme, created_by=alice, last_name="Turing")
    notification = mention(acme, alice, bob, contact)
    contact.visibility = "private"
    contact.save()
    client = client_for(bob)
    assert "Turing" not in client.get(url("notification_list")).content.decode()
    assert client.post(url("notification_open", pk=notification.pk)).status_code == 404


def test_mark_read_is_only_for_the_recipient(client_for, acme, alice, bob, carol):
    contact = factories.ContactFactory(organization=acme)
    notification = mention(acme, alice, bob, contact)
    assert client_for(carol).post(url("notification_read", pk=notification.pk)).status_code == 404
    assert unread(bob, acme) == 1
    assert client_for(bob).post(url("notification_read", pk=notification.pk)).status_code == 302
    assert unread(bob, acme) == 0
    # Read twice: the count stays at zero.
    client_for(bob).post(url("notification_read", pk=notification.pk))
    assert unread(bob, acme) == 0


def test_a_guest_has_a_bell_but_no_notification_about_a_contact(client_for, acme, alice, gina):
    contact = factories.ContactFactory(organization=acme, last_name="Knuth")
    Notification.objects.create(
        organization=acme,
        recipient=gina,
        kind=NotificationKind.MENTION,
        contact=contact,
        text="Knuth",
    )
    page = client_for(gina).get(url("notification_list"))
    assert page.status_code == 200
    assert "Knuth" not in page.content.decode()


def test_the_bell_costs_no_query(client_for, acme, bob):
    """The count rides on the membership the middleware reads anyway."""
    client = client_for(bob)
    client.get(url("member_list"))
    contact = factories.ContactFactory(organization=acme)
    for _ in range(3):
        mention(acme, None, bob, contact)
    with CaptureQueriesContext(connection) as after:
        body = client.get(url("member_list")).content.decode()
    assert "3 unread" in body
    assert not any("events_notification" in q["sql"] for q in after.captured_queries)


def test_the_profile_page_saves_email_choices(client_for, bob):
    client = client_for(bob)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    response = client.post(
        reverse("profile"),
        {"full_name": "Robert Member", "reminder_minutes": "1440"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.full_name, bob.email_on_mention, bob.reminder_minutes) == (
        "Robert Member",
        False,
        ReminderChoice.DAY,
    )
    client.post(
        reverse("profile"), {"full_name": "", "reminder_minutes": "", "email_on_mention": "on"}
    )
    bob.refresh_from_db()
    assert (bob.email_on_mention, bob.reminder_minutes) == (True, None)


def test_the_profile_page_refuses_a_bad_choice_and_keeps_the_input(client_for, bob):
    response = client_for(bob).post(
        reverse("profile"), {"full_name": "Kept Name", "reminder_minutes": "7"}
    )
    assert response.status_code == 400
    assert "Kept Name" in response.content.decode()
    bob.refresh_from_db()
    assert bob.full_name == "Bob Member"


def test_the_profile_page_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
