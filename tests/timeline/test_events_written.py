"""The services write a timeline event for every change they make, in the same transaction."""

import pytest
from django.core import mail
from django.urls import reverse

from connections import services as connection_services
from contacts.models import Contact
from events.models import Event, EventKind, Notification, NotificationKind
from organizations.models import Membership
from tests import factories
from tests.contacts.helpers import contact_data, contact_edit_data

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def kinds(unscoped_filter) -> list[str]:
    return list(Event.objects.filter(**unscoped_filter).values_list("kind", flat=True))


def test_creating_and_editing_a_contact_records_who_and_which_fields_changed(
    client_for, acme, bob, unscoped
):
    client = client_for(bob)
    response = client.post(
        url("contact_create"),
        contact_data(last_name="Lovelace", role="Analyst", emails=[{"email": "ada@example.com"}]),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(last_name="Lovelace")
    created = Event.objects.get(contact=contact)
    assert (created.kind, created.actor, created.organization) == (EventKind.CREATED, bob, acme)

    response = client.post(
        url("contact_edit", pk=contact.pk),
        contact_edit_data(contact, role="Engineer", **_emails(["ada@lovelace.org"])),
    )
    assert response.status_code == 302
    edited = Event.objects.filter(contact=contact, kind=EventKind.UPDATED).get()
    assert ["role", "Analyst", "Engineer"] in [
        [str(label).lower(), old, new] for label, old, new in edited.data["fields"]
    ]
    assert ["emails", "ada@example.com", "ada@lovelace.org"] in [
        [str(label).lower(), old, new] for label, old, new in edited.data["fields"]
    ]
    assert len(edited.data["fields"]) == 2


def _emails(addresses):
    from tests.contacts.helpers import details_data

    return details_data(emails=[{"email": address} for address in addresses])


def test_saving_without_a_change_records_nothing(client_for, acme, bob, unscoped):
    contact = factories.ContactFactory(organization=acme, created_by=bob, role="Analyst")
    client_for(bob).post(url("contact_edit", pk=contact.pk), contact_edit_data(contact))
    assert not Event.objects.filter(contact=contact, kind=EventKind.UPDATED).exists()


def test_a_refused_edit_leaves_no_event(client_for, acme, bob, unscoped):
    contact = factories.ContactFactory(organization=acme, created_by=bob)
    response = client_for(bob).post(
        url("contact_edit", pk=contact.pk), contact_edit_data(contact, last_name="")
    )
    assert response.status_code == 400 or b"errorlist" in response.content
    assert not Event.objects.filter(contact=contact).exists()


def test_a_mention_notifies_once_emails_and_says_so_on_the_timeline(
    client_for, acme, alice, bob, carol, unscoped, django_capture_on_commit_callbacks
):
    carol.email_on_mention = False
    carol.save()
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("contact_create"),
            contact_data(
                last_name="Hopper", description="Call @bob@example.com and @carol@example.com"
            ),
        )
    assert response.status_code == 302
    contact = Contact.objects.get(last_name="Hopper")
    notified = Notification.objects.filter(contact=contact, kind=NotificationKind.MENTION)
    assert sorted(n.recipient.email for n in notified) == ["bob@example.com", "carol@example.com"]
    assert Membership.objects.get(organization=acme, user=bob).unread_notifications == 1
    # carol switched mention emails off; bob gets one, with a link to the contact.
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
    assert contact.get_absolute_url() in mail.outbox[0].body
    assert EventKind.MENTIONED in kinds({"contact": contact})

    # Saving the same description again notifies nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("contact_edit", pk=contact.pk), contact_edit_data(contact, role="CTO"))
    assert notified.count() == 2
    assert len(mail.outbox) == 1


def test_files_connections_and_clients_leave_events(client_for, acme, bob, unscoped):
    company = factories.CompanyFactory(organization=acme, created_by=bob)
    contact = factories.ContactFactory(organization=acme, created_by=bob)
    project = factories.ProjectFactory(organization=acme, name="Rollout")
    connection, _created = connection_services.connection_add(
        item=project, party=contact, created_by=bob
    )
    connection_services.connection_remove(connection=connection, user=bob)
    assert kinds({"contact": contact}) == [
        EventKind.CONNECTION_REMOVED,
        EventKind.CONNECTION_ADDED,
    ]
    client_for(bob).post(
        url("project_assign_client"),
        {"projects": [project.pk], "client_company_id": company.pk},
    )
    assigned = Event.objects.get(company=company, kind=EventKind.CLIENT_ASSIGNED)
    assert (assigned.project, assigned.actor, assigned.data["title"]) == (project, bob, "Rollout")
    response = client_for(bob).post(
        url("company_attachment_link", pk=company.pk),
        {"url": "https://example.com/plan", "title": "Plan"},
    )
    assert response.status_code in (200, 302)
    assert Event.objects.get(company=company, kind=EventKind.FILE_ADDED).data["name"] == "Plan"
