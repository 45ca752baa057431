"""Notes never show to whom their record or the note itself is hidden.

carol wrote, on a public contact, a private note mentioning bob ("Salary figures") and
a private note mentioning nobody; on her private contact a shared note. alice (owner) is
mentioned by none of them: being owner grants no extra view.
"""

import pytest
from django.urls import reverse

from notes.models import Note
from notes.services import note_create, note_update
from organizations.scoping import scope
from tests.factories import ContactFactory, NoteFactory, ProjectFactory, TaskFactory, note_mention

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(acme, cast):
    carol = cast["carol"]
    public = ContactFactory(organization=acme, created_by=carol)
    hidden = ContactFactory(organization=acme, created_by=carol, visibility="private")
    for_bob = NoteFactory(contact=public, author=carol, is_private=True, body="Salary figures.")
    note_mention(for_bob, cast["bob"])
    return {
        "public": public,
        "hidden": hidden,
        "for_bob": for_bob,
        "for_carol": NoteFactory(
            contact=public, author=carol, is_private=True, body="Carol's own reminder."
        ),
        "on_hidden": NoteFactory(contact=hidden, author=carol, body="About the hidden contact."),
        "shared": NoteFactory(contact=public, author=carol, body="Everyone may read this."),
    }


def get(client, name, **kwargs):
    return client.get(reverse(name, kwargs={"slug": "acme", **kwargs}))


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_private_note_is_not_in_the_section_or_the_list_for_those_it_does_not_name(
    client_for, world, cast, who
):
    client = client_for(cast[who])

    section = get(client, "contact_detail", pk=world["public"].pk).content.decode()
    listing = get(client, "contact_notes", pk=world["public"].pk).content.decode()

    for html in (section, listing):
        assert "Everyone may read this." in html
        assert "Carol's own reminder." not in html
        assert f"note-{world['for_carol'].pk}" not in html
        assert ("Salary figures." in html) is (who == "bob")


def test_a_private_notes_revisions_are_404_for_a_member_it_does_not_name(
    client_for, world, cast, acme
):
    with scope(organization=acme):
        note_update(
            note=world["for_bob"],
            editor=cast["carol"],
            body="Salary figures, v2, @bob@example.com.",
        )
    url = reverse("note_revisions", kwargs={"slug": "acme", "pk": world["for_bob"].pk})

    assert client_for(cast["alice"]).get(url).status_code == 404
    assert client_for(cast["bob"]).get(url).status_code == 200
    assert "Salary figures." in client_for(cast["bob"]).get(url).content.decode()


def test_a_note_on_a_private_contact_is_invisible_to_other_members(client_for, world, cast, acme):
    for who in ("alice", "bob"):
        with scope(organization=acme):
            assert (
                not Note.objects.visible_to(cast[who], acme)
                .filter(pk=world["on_hidden"].pk)
                .exists()
            )
        assert get(client_for(cast[who]), "contact_notes", pk=world["hidden"].pk).status_code == 404
    with scope(organization=acme):
        assert (
            Note.objects.visible_to(cast["carol"], acme).filter(pk=world["on_hidden"].pk).exists()
        )


def test_a_mention_in_a_note_does_not_open_a_private_contact(client_for, world, cast, acme):
    # Even written directly (bypassing the service's refusal), a mention row gives sight of
    # the note only together with its record.
    note_mention(world["on_hidden"], cast["bob"])

    with scope(organization=acme):
        assert (
            not Note.objects.visible_to(cast["bob"], acme).filter(pk=world["on_hidden"].pk).exists()
        )
    assert get(client_for(cast["bob"]), "contact_detail", pk=world["hidden"].pk).status_code == 404


def test_guests_see_no_note_on_a_contact_or_company(world, cast, acme):
    with scope(organization=acme):
        assert not Note.objects.visible_to(cast["gina"], acme).exists()


def test_a_guest_reads_the_notes_of_a_project_she_sees_without_a_form(client_for, acme, cast):
    seen = ProjectFactory(organization=acme, created_by=cast["alice"])
    unseen = ProjectFactory(organization=acme, created_by=cast["alice"])
    TaskFactory(organization=acme, project=seen, assignee=cast["gina"])
    NoteFactory(project=seen, author=cast["alice"], body="Kick-off on Monday.")
    NoteFactory(project=unseen, author=cast["alice"], body="Not for guests.")

    html = get(client_for(cast["gina"]), "project_detail", pk=seen.pk).content.decode()

    assert "Kick-off on Monday." in html
    assert "Add note" not in html
    with scope(organization=acme):
        bodies = set(Note.objects.visible_to(cast["gina"], acme).values_list("body", flat=True))
    assert bodies == {"Kick-off on Monday."}


def test_outsiders_and_other_organizations_see_nothing(world, cast, acme, globex):
    with scope(organization=acme):
        assert not Note.objects.visible_to(cast["mallory"], acme).exists()
    with scope(organization=globex):
        assert not Note.objects.visible_to(cast["mallory"], globex).exists()
        assert not Note.objects.visible_to(cast["alice"], globex).exists()


def test_a_private_note_is_not_notified_to_anyone_it_does_not_name(world, cast, acme, unscoped):
    from events.models import Notification

    with scope(organization=acme):
        note_create(
            organization=acme,
            record=world["public"],
            author=cast["carol"],
            body="Just for @bob@example.com",
            is_private=True,
        )

    recipients = set(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == {"bob@example.com"}


def test_the_list_pages_by_cursor_without_repeating_a_note(client_for, acme, alice):
    contact = ContactFactory(organization=acme, created_by=alice)
    notes = [NoteFactory(contact=contact, author=alice, body=f"Entry {i:02d}.") for i in range(30)]
    client = client_for(alice)

    first = get(client, "contact_notes", pk=contact.pk)
    page = first.content.decode()
    next_link = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).content.decode()

    seen = [n for n in notes if f'id="note-{n.pk}"' in page]
    seen_next = [n for n in notes if f'id="note-{n.pk}"' in second]
    assert len(seen) == 25 and len(seen_next) == 5
    assert not set(seen) & set(seen_next)


def test_a_member_made_guest_loses_the_private_project_notes_naming_them(acme, cast):
    from organizations.models import Membership

    project = ProjectFactory(organization=acme, created_by=cast["alice"])
    TaskFactory(organization=acme, project=project, assignee=cast["bob"])
    note = NoteFactory(project=project, author=cast["alice"], is_private=True, body="For bob.")
    note_mention(note, cast["bob"])
    with scope(organization=acme):
        assert Note.objects.visible_to(cast["bob"], acme).filter(pk=note.pk).exists()

    Membership.objects.filter(organization=acme, user=cast["bob"]).update(role="guest")

    with scope(organization=acme):
        assert not Note.objects.visible_to(cast["bob"], acme).filter(pk=note.pk).exists()


def test_visible_note_ids_filter_events_for_the_timeline(world, cast, acme, unscoped):
    from events.models import Event
    from notes.selectors import visible_note_ids

    for note in (world["shared"], world["for_carol"]):
        Event.objects.create(
            organization=acme, kind="note_added", contact=world["public"], note_id=note.pk
        )

    shown = Event.objects.filter(note_id__in=visible_note_ids(cast["bob"], acme))

    assert [event.note_id for event in shown] == [world["shared"].pk]
