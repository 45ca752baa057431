"""Reading a timeline: newest first, in pages, filtered, never about what the reader cannot see."""

import pytest
from django.urls import reverse

from events.models import Event, EventKind
from events.services import record_event
from notes import services as note_services
from tests import factories
from tests.contacts.helpers import dangerous_markup

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def events_of(response) -> str:
    return response.content.decode()


def test_the_page_loads_the_timeline_after_itself(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)
    page = client_for(bob).get(url("contact_detail", pk=contact.pk)).content.decode()
    assert f'hx-get="{url("contact_timeline", pk=contact.pk)}"' in page


def test_events_newest_first_with_who_and_the_changed_fields(client_for, acme, alice, bob):
    contact = factories.ContactFactory(organization=acme)
    record_event(organization=acme, kind=EventKind.CREATED, actor=alice, contact=contact)
    record_event(
        organization=acme,
        kind=EventKind.UPDATED,
        actor=bob,
        contact=contact,
        data={"fields": [["Role", "Analyst", "Engineer"]]},
    )
    body = events_of(client_for(bob).get(url("contact_timeline", pk=contact.pk), **HTMX))
    assert body.index("Bob Member edited") < body.index("Alice Owner created this record")
    assert "Analyst" in body and "Engineer" in body


def test_pages_follow_the_cursor_without_repeating_an_event(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)
    for n in range(25):
        record_event(
            organization=acme,
            kind=EventKind.FILE_ADDED,
            actor=bob,
            contact=contact,
            data={"name": f"file-{n:02}.pdf"},
        )
    client = client_for(bob)
    first = client.get(url("contact_timeline", pk=contact.pk), **HTMX).context["page"]
    assert len(first.items) == 20 and first.next_cursor
    second = client.get(
        url("contact_timeline", pk=contact.pk), {"after": first.next_cursor}, **HTMX
    ).context["page"]
    names = [e.data["name"] for e in first.items + second.items]
    assert sorted(names) == [f"file-{n:02}.pdf" for n in range(25)]
    assert names[0] == "file-24.pdf"


def test_filters_by_kind_and_author(client_for, acme, alice, bob):
    contact = factories.ContactFactory(organization=acme)
    record_event(organization=acme, kind=EventKind.CREATED, actor=alice, contact=contact)
    record_event(
        organization=acme, kind=EventKind.FILE_ADDED, actor=bob, contact=contact, data={"name": "x"}
    )
    client = client_for(bob)
    files = client.get(url("contact_timeline", pk=contact.pk), {"kind": "files"}, **HTMX)
    assert [e.kind for e in files.context["page"].items] == [EventKind.FILE_ADDED]
    by_alice = client.get(url("contact_timeline", pk=contact.pk), {"author": alice.pk}, **HTMX)
    assert [e.kind for e in by_alice.context["page"].items] == [EventKind.CREATED]
    nothing = client.get(
        url("contact_timeline", pk=contact.pk), {"kind": "files", "author": alice.pk}, **HTMX
    )
    assert "Nothing matches these filters." in nothing.content.decode()
    assert "Clear filters" in nothing.content.decode()


def test_a_company_timeline_holds_its_persons_events_unless_switched_off(client_for, acme, bob):
    company = factories.CompanyFactory(organization=acme, name="Initech")
    person = factories.ContactFactory(organization=acme, first_name="Peter", last_name="Gibbons")
    factories.AffiliationFactory(organization=acme, company=company, contact=person)
    record_event(organization=acme, kind=EventKind.CREATED, actor=bob, company=company)
    record_event(
        organization=acme,
        kind=EventKind.FILE_ADDED,
        actor=bob,
        contact=person,
        data={"name": "tps-report.pdf"},
    )
    client = client_for(bob)
    with_persons = client.get(url("company_timeline", pk=company.pk), **HTMX).content.decode()
    assert "tps-report.pdf" in with_persons and "Peter Gibbons" in with_persons
    alone = client.get(url("company_timeline", pk=company.pk), {"persons": "0"}, **HTMX)
    assert "tps-report.pdf" not in alone.content.decode()


def test_a_private_persons_events_stay_hidden_on_the_company_timeline(client_for, acme, bob, carol):
    """carol's private contact works at a public company: bob sees the company, not her."""
    company = factories.CompanyFactory(organization=acme, name="Initech")
    secret = factories.ContactFactory(
        organization=acme, created_by=carol, visibility="private", last_name="Secretperson"
    )
    factories.AffiliationFactory(organization=acme, company=company, contact=secret)
    record_event(
        organization=acme,
        kind=EventKind.FILE_ADDED,
        actor=carol,
        contact=secret,
        data={"name": "secret-plan.pdf"},
    )
    for_bob = client_for(bob).get(url("company_timeline", pk=company.pk), **HTMX)
    assert "secret-plan.pdf" not in for_bob.content.decode()
    assert "Secretperson" not in for_bob.content.decode()
    for_carol = client_for(carol).get(url("company_timeline", pk=company.pk), **HTMX)
    assert "secret-plan.pdf" in for_carol.content.decode()


def test_an_event_naming_a_private_company_is_hidden_from_others(client_for, acme, bob, carol):
    contact = factories.ContactFactory(organization=acme)
    hidden = factories.CompanyFactory(organization=acme, created_by=carol, visibility="private")
    Event.objects.create(
        organization=acme,
        kind=EventKind.CONNECTION_ADDED,
        contact=contact,
        company=hidden,
        data={"title": "Hidden deal"},
    )
    body = client_for(bob).get(url("contact_timeline", pk=contact.pk), **HTMX).content.decode()
    assert "Hidden deal" not in body


@pytest.mark.parametrize(
    ("who", "status"), [(None, 302), ("mallory", 404), ("gina", 403), ("bob", 404)]
)
def test_a_private_contacts_timeline_is_as_private_as_the_contact(
    client_for, acme, cast, carol, who, status
):
    secret = factories.ContactFactory(organization=acme, created_by=carol, visibility="private")
    response = client_for(cast[who] if who else None).get(url("contact_timeline", pk=secret.pk))
    assert response.status_code == status
    assert client_for(carol).get(url("contact_timeline", pk=secret.pk)).status_code == 200


def test_user_text_in_events_is_escaped(client_for, acme, bob):
    contact = factories.ContactFactory(organization=acme)
    record_event(
        organization=acme,
        kind=EventKind.FILE_ADDED,
        actor=bob,
        contact=contact,
        data={"name": '<img src=x onerror="alert(1)">'},
    )
    record_event(
        organization=acme,
        kind=EventKind.UPDATED,
        actor=bob,
        contact=contact,
        data={"fields": [["Role", "<script>alert(1)</script>", "ok"]]},
    )
    response = client_for(bob).get(url("contact_timeline", pk=contact.pk))
    assert dangerous_markup(response.content.decode()) == []


def test_the_fragment_costs_the_same_for_5_or_100_events(
    client_for, acme, bob, django_assert_max_num_queries
):
    few, many = (
        factories.ContactFactory(organization=acme),
        factories.ContactFactory(organization=acme),
    )
    for contact, count in ((few, 5), (many, 100)):
        for n in range(count):
            record_event(
                organization=acme,
                kind=EventKind.FILE_ADDED,
                actor=bob,
                contact=contact,
                data={"name": f"{n}"},
            )
    client = client_for(bob)
    client.get(url("contact_timeline", pk=few.pk), **HTMX)
    with django_assert_max_num_queries(7):
        client.get(url("contact_timeline", pk=many.pk), **HTMX)


def test_a_private_notes_events_show_only_to_who_may_read_it(client_for, acme, alice, bob, carol):
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    note = note_services.note_create(
        organization=acme,
        record=contact,
        author=bob,
        body="Confidential: salary expectations",
        is_private=True,
    )
    timeline = url("contact_timeline", pk=contact.pk)
    assert "salary" in client_for(bob).get(timeline, **HTMX).content.decode()
    for reader in (alice, carol):
        assert "salary" not in client_for(reader).get(timeline, **HTMX).content.decode()
    note_services.note_delete(note=note, user=bob)
    # Deleted, the private note's events stay hidden; nothing of its text remains.
    assert "salary" not in client_for(carol).get(timeline, **HTMX).content.decode()
