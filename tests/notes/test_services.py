"""Writing notes: revisions, rights, pins, bad input, mentions, notifications, events, files.

alice owns Acme; bob and carol are members; gina is a guest. Unless a test says otherwise
the notes are on giulia, a public contact alice created.
"""

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from attachments.models import Attachment
from attachments.selectors import storage_used
from events.models import Event, EventKind, Notification, NotificationKind
from notes import services
from notes.models import Note, NoteAttachment, NoteRevision
from organizations.scoping import scope, scopes_disabled
from tests.factories import CompanyFactory, ContactFactory, NoteFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def giulia(acme, alice):
    return ContactFactory(
        organization=acme, created_by=alice, first_name="Giulia", last_name="Rossi"
    )


def create_url(record) -> str:
    return reverse("note_create", kwargs={"slug": "acme"}) + (
        f"?{record._meta.model_name}={record.pk}"
    )


def write(acme, record, author, body, **options) -> Note:
    with scope(organization=acme):
        return services.note_create(
            organization=acme, record=record, author=author, body=body, **options
        )


def notifications(user) -> list:
    with scopes_disabled():
        return list(Notification.objects.filter(recipient=user))


def events() -> list:
    with scopes_disabled():
        return list(Event.objects.order_by("id"))


# --- Editing keeps a revision; rights ------------------------------------------------------


def test_an_edit_keeps_the_previous_text_as_a_revision(client_for, acme, giulia, bob, unscoped):
    note = write(acme, giulia, bob, "Call on Monday.")

    response = client_for(bob).post(
        reverse("note_edit", kwargs={"slug": "acme", "pk": note.pk}), {"body": "Call on Tuesday."}
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "Call on Tuesday." and note.edited_at is not None
    [revision] = NoteRevision.objects.filter(note=note)
    assert (revision.body, revision.edited_by) == ("Call on Monday.", bob)
    page = client_for(bob).get(reverse("contact_detail", kwargs={"slug": "acme", "pk": giulia.pk}))
    assert ">edited</a>" in page.content.decode()
    history = client_for(bob).get(reverse("note_revisions", kwargs={"slug": "acme", "pk": note.pk}))
    assert "Call on Monday." in history.content.decode()


def test_an_owner_may_edit_and_delete_a_members_note(
    client_for, acme, giulia, alice, bob, unscoped
):
    note = write(acme, giulia, bob, "Draft.")
    client = client_for(alice)

    client.post(reverse("note_edit", kwargs={"slug": "acme", "pk": note.pk}), {"body": "Fixed."})
    response = client.post(reverse("note_delete", kwargs={"slug": "acme", "pk": note.pk}))

    assert response.status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()
    assert NoteRevision.objects.filter(note_id=note.pk).count() == 0


def test_another_member_may_neither_edit_nor_delete(client_for, acme, giulia, bob, carol, unscoped):
    note = write(acme, giulia, bob, "Mine.")
    client = client_for(carol)

    edit = client.post(reverse("note_edit", kwargs={"slug": "acme", "pk": note.pk}), {"body": "X"})
    delete = client.post(reverse("note_delete", kwargs={"slug": "acme", "pk": note.pk}))

    assert (edit.status_code, delete.status_code) == (403, 403)
    note.refresh_from_db()
    assert note.body == "Mine."


def test_delete_asks_for_confirmation_first(client_for, acme, giulia, bob, unscoped):
    note = write(acme, giulia, bob, "Keep me.")

    response = client_for(bob).get(reverse("note_delete", kwargs={"slug": "acme", "pk": note.pk}))

    assert response.status_code == 200
    assert "Delete this note?" in response.content.decode()
    assert Note.objects.filter(pk=note.pk).exists()


def test_only_the_author_changes_whether_a_note_is_private(acme, giulia, alice, bob, unscoped):
    note = write(acme, giulia, bob, "Shared.")

    with scope(organization=acme):
        services.note_update(note=note, editor=alice, body="Shared, edited.", is_private=True)

    note.refresh_from_db()
    assert note.is_private is False


# --- Pins --------------------------------------------------------------------------------


def test_a_fourth_pin_is_refused_with_a_clear_message(client_for, acme, giulia, alice, unscoped):
    notes = [NoteFactory(contact=giulia, author=alice) for _ in range(4)]
    client = client_for(alice)
    for note in notes[:3]:
        client.post(reverse("note_pin", kwargs={"slug": "acme", "pk": note.pk}))

    response = client.post(
        reverse("note_pin", kwargs={"slug": "acme", "pk": notes[3].pk}), follow=True
    )

    assert "At most 3 notes can be pinned. Unpin one first." in response.content.decode()
    assert Note.objects.filter(contact=giulia, pinned_at__isnull=False).count() == 3
    notes[3].refresh_from_db()
    assert notes[3].pinned_at is None


def test_pinned_notes_come_first_then_the_newest(client_for, acme, giulia, alice, unscoped):
    old = NoteFactory(contact=giulia, author=alice, body="Old but pinned.")
    NoteFactory(contact=giulia, author=alice, body="Newest.")
    client = client_for(alice)
    response = client.post(
        reverse("note_pin", kwargs={"slug": "acme", "pk": old.pk}), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.index("Old but pinned.") < html.index("Newest.")
    assert "Note pinned." in html
    client.post(reverse("note_pin", kwargs={"slug": "acme", "pk": old.pk}), {"pinned": "0"})
    old.refresh_from_db()
    assert old.pinned_at is None


def test_a_private_note_cannot_be_pinned(acme, giulia, bob, unscoped):
    note = write(acme, giulia, bob, "Just for me.", is_private=True)

    with scope(organization=acme), pytest.raises(Exception, match="private note cannot be pinned"):
        services.note_pin(note=note, pinned=True)


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_an_empty_note_is_refused_and_nothing_is_saved(client_for, giulia, bob, htmx, unscoped):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(bob).post(create_url(giulia), {"body": "   "}, **headers)

    assert response.status_code == (200 if htmx else 400)
    assert "Write something in the note." in response.content.decode()
    assert Note.objects.count() == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_a_too_long_note_is_refused_with_the_text_kept(
    client_for, giulia, bob, settings, htmx, unscoped
):
    settings.DESCRIPTION_MAX_LENGTH = 50
    text = "A very long note that goes on and on " * 3
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(bob).post(create_url(giulia), {"body": text}, **headers)

    html = response.content.decode()
    assert "A note can have at most 50 characters; this one has" in html
    assert text.strip() in html
    assert Note.objects.count() == 0 and Event.objects.count() == 0


# --- Mentions and notifications --------------------------------------------------------------


def test_mentioned_members_are_notified_once_and_only_newcomers_on_edit(
    acme, giulia, alice, bob, carol, gina, unscoped
):
    note = write(acme, giulia, alice, "@bob@example.com @gina@example.com please look.")

    [bobs] = notifications(bob)
    assert bobs.kind == NotificationKind.NOTE_MENTION
    assert bobs.url == f"/o/acme/contacts/{giulia.pk}/#note-{note.pk}"
    assert (bobs.note_id, bobs.contact_id, bobs.actor_id) == (note.pk, giulia.pk, alice.pk)
    assert bobs.text.startswith("@bob@example.com")
    assert notifications(gina) == []  # a guest is never mentioned

    with scope(organization=acme):
        services.note_update(
            note=note, editor=alice, body="@bob@example.com and @carol@example.com, look."
        )
        services.note_update(
            note=note, editor=alice, body="@bob@example.com and @carol@example.com, look!"
        )

    assert len(notifications(bob)) == 1
    assert len(notifications(carol)) == 1
    assert notifications(alice) == []  # never the author


def test_a_mention_sends_an_email_after_the_commit(
    acme, giulia, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(acme, giulia, alice, "Ping @bob@example.com")

    assert [message.to for message in mail.outbox] == [["bob@example.com"]]


def test_mentioning_a_member_who_cannot_see_the_contact_is_refused_by_name(
    client_for, acme, alice, bob, carol, unscoped
):
    secret = ContactFactory(organization=acme, created_by=alice, visibility="private")
    text = "Ask @carol@example.com about this."

    response = client_for(alice).post(create_url(secret), {"body": text})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Carol Member cannot see this record" in html
    assert text in html
    assert Note.objects.count() == 0
    assert notifications(carol) == []


def test_on_a_private_note_only_the_author_may_mention_someone_new(
    acme, giulia, alice, bob, carol, unscoped
):
    note = write(acme, giulia, bob, "For @alice@example.com only.", is_private=True)

    with scope(organization=acme), pytest.raises(Exception, match="Carol Member"):
        services.note_update(
            note=note, editor=alice, body="For @alice@example.com and @carol@example.com."
        )

    assert notifications(carol) == []


# --- Timeline events -----------------------------------------------------------------------


def test_create_edit_and_delete_write_their_events(acme, giulia, alice, unscoped):
    note = write(acme, giulia, alice, "First text " + "x" * 300)
    note_id = note.pk
    with scope(organization=acme):
        services.note_update(note=note, editor=alice, body="Second text.")
        services.note_delete(note=note, user=alice)

    added, edited, deleted = events()
    assert [e.kind for e in (added, edited, deleted)] == [
        EventKind.NOTE_ADDED,
        EventKind.NOTE_EDITED,
        EventKind.NOTE_DELETED,
    ]
    for event in (added, edited, deleted):
        assert (event.note_id, event.contact_id, event.actor_id) == (note_id, giulia.pk, alice.pk)
    assert added.data["excerpt"].startswith("First text") and len(added.data["excerpt"]) == 140
    assert edited.data == {"excerpt": "Second text."}


def test_a_private_note_event_carries_its_note_id(acme, giulia, bob, unscoped):
    note = write(acme, giulia, bob, "Private.", is_private=True)

    [event] = events()
    assert event.note_id == note.pk
    assert event.data == {"excerpt": "Private.", "private": True}


def test_a_project_note_event_goes_to_the_projects_client(acme, alice, unscoped):
    client = CompanyFactory(organization=acme, created_by=alice)
    project = ProjectFactory(organization=acme, created_by=alice, client_company=client)
    note = write(acme, project, alice, "Kick-off done.")

    [event] = events()
    assert (event.project_id, event.company_id, event.contact_id) == (project.pk, client.pk, None)
    assert event.note_id == note.pk


def test_a_mention_in_a_project_note_points_at_the_project_only(acme, alice, bob, unscoped):
    hidden_client = ContactFactory(organization=acme, created_by=alice, visibility="private")
    project = ProjectFactory(organization=acme, created_by=alice, client_contact=hidden_client)

    note = write(acme, project, alice, "@bob@example.com see the plan.")

    [notification] = notifications(bob)
    assert (notification.project_id, notification.contact_id) == (project.pk, None)
    assert notification.url == f"/o/acme/projects/{project.pk}/#note-{note.pk}"


def test_a_note_on_a_project_without_client_writes_no_event(acme, alice, unscoped):
    # events.services.record_event refuses an event with neither contact nor company:
    # a timeline belongs to a contact or a company.
    project = ProjectFactory(organization=acme, created_by=alice)

    write(acme, project, alice, "Internal project.")

    assert events() == []


def test_nothing_is_written_when_the_note_is_refused(acme, alice, carol, unscoped):
    secret = ContactFactory(organization=acme, created_by=alice, visibility="private")

    with pytest.raises(Exception, match="Carol Member"):
        write(acme, secret, alice, "@carol@example.com")

    assert events() == [] and Note.objects.count() == 0


# --- Files -----------------------------------------------------------------------------------


def test_a_notes_files_are_attachments_of_its_record_and_count_against_the_quota(
    client_for, acme, giulia, bob, unscoped
):
    upload = ContentFile(b"x" * 1234, name="minutes.txt")

    response = client_for(bob).post(
        create_url(giulia), {"body": "Minutes attached.", "files": upload}
    )

    assert response.status_code == 302
    [note] = Note.objects.all()
    [link] = NoteAttachment.objects.filter(note=note)
    assert link.attachment.contact_id == giulia.pk and link.attachment.size == 1234
    assert storage_used(acme) == 1234
    page = client_for(bob).get(reverse("contact_detail", kwargs={"slug": "acme", "pk": giulia.pk}))
    assert "1 file, listed under Files" in page.content.decode()
    assert "minutes.txt" in page.content.decode()  # in the Files section, downloadable

    with scope(organization=acme):
        services.note_delete(note=note, user=bob)

    assert Attachment.objects.count() == 0
    assert storage_used(acme) == 0


def test_a_private_note_cannot_carry_files(acme, giulia, bob, unscoped):
    with pytest.raises(Exception, match="private note cannot carry files"):
        write(acme, giulia, bob, "Secret", is_private=True, files=[ContentFile(b"x", name="a.txt")])

    assert Attachment.objects.count() == 0 and Note.objects.count() == 0


def test_a_project_note_cannot_carry_files(acme, alice, unscoped):
    project = ProjectFactory(organization=acme, created_by=alice)

    with pytest.raises(Exception, match="contacts and companies only"):
        write(acme, project, alice, "Plan", files=[ContentFile(b"x", name="a.txt")])

    assert Attachment.objects.count() == 0


def test_files_beyond_the_quota_refuse_the_whole_note(
    client_for, acme, giulia, bob, settings, unscoped
):
    from organizations.models import PLAN_QUOTAS

    settings.ATTACHMENT_MAX_FILE_SIZE = PLAN_QUOTAS["free"] * 2
    big = ContentFile(b"x", name="huge.bin")
    big.size = PLAN_QUOTAS["free"] + 1

    with pytest.raises(Exception, match="Not enough storage space"):
        write(acme, giulia, bob, "With a huge file.", files=[big])

    assert Note.objects.count() == 0 and Attachment.objects.count() == 0
    assert storage_used(acme) == 0


def test_a_refused_edit_keeps_the_text_and_changes_nothing(
    client_for, acme, giulia, bob, settings, unscoped
):
    note = write(acme, giulia, bob, "Short.")
    settings.DESCRIPTION_MAX_LENGTH = 20
    url = reverse("note_edit", kwargs={"slug": "acme", "pk": note.pk})

    response = client_for(bob).post(url, {"body": "Much longer than twenty characters."})

    assert response.status_code == 400
    html = response.content.decode()
    assert "A note can have at most 20 characters" in html
    assert "Much longer than twenty characters." in html
    note.refresh_from_db()
    assert note.body == "Short." and NoteRevision.objects.count() == 0
    assert [e.kind for e in events()] == [EventKind.NOTE_ADDED]
