"""Notes (with their files, revisions and mentions) and activities (with their assignees
and links) go to the trash too, and come back exactly; private ones stay private there."""

import pytest
from django.urls import reverse

from attachments.models import StorageUsage
from attachments.services import usage_recompute
from notes.models import Note, NoteAttachment, NoteRevision
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.trash.helpers import differences, dump, only_new
from trash.models import TrashBatch


def used_bytes(organization) -> int:
    with scopes_disabled():
        return StorageUsage.objects.get(organization=organization).used_bytes


def the_batch() -> TrashBatch:
    with scopes_disabled():
        return TrashBatch.objects.get()


def restore(client, batch):
    return client.post(reverse("trash_restore", kwargs={"slug": "acme", "pk": batch.pk}))


def test_a_note_comes_back_with_its_files_revisions_and_mentions(acme, bob, carol, client_for):
    with scope(organization=acme):
        contact = factories.ContactFactory(organization=acme, first_name="Giulia")
        note = factories.NoteFactory(contact=contact, author=bob, body="See the file.")
        NoteRevision.objects.create(organization=acme, note=note, body="Old", edited_by=bob)
        factories.note_mention(note, carol)
        file = factories.AttachmentFactory(contact=contact, content=b"n" * 300)
        NoteAttachment.objects.create(organization=acme, note=note, attachment=file)
        usage_recompute(organization=acme)
    before = dump(acme)
    client = client_for(bob)
    response = client.post(reverse("note_delete", kwargs={"slug": "acme", "pk": note.pk}))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Note.objects.filter(pk=note.pk).exists()
    assert used_bytes(acme) == 300
    batch = the_batch()
    assert (batch.kind, batch.file_count) == ("note", 1)

    response = restore(client, batch)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#note-{note.pk}")
    after = dump(acme)
    assert differences(before, after) == {}
    assert set(only_new(before, after)) <= {"events.event", "history.change"}
    assert used_bytes(acme) == 300


def test_a_private_notes_batch_shows_only_to_its_author_and_who_it_mentions(
    acme, alice, bob, carol, client_for
):
    with scope(organization=acme):
        contact = factories.ContactFactory(organization=acme)
        note = factories.NoteFactory(contact=contact, author=bob, is_private=True, body="Shh")
        factories.note_mention(note, carol)
    client_for(bob).post(reverse("note_delete", kwargs={"slug": "acme", "pk": note.pk}))
    batch = the_batch()
    assert batch.is_private
    trash = reverse("trash_list", kwargs={"slug": "acme"})
    assert f'id="batch-{batch.pk}"' not in client_for(alice).get(trash).text
    assert restore(client_for(alice), batch).status_code == 404
    assert f'id="batch-{batch.pk}"' in client_for(carol).get(trash).text


def test_an_activity_comes_back_with_its_assignees_and_links(acme, alice, bob, client_for):
    with scope(organization=acme):
        contact = factories.ContactFactory(organization=acme)
        project = factories.ProjectFactory(organization=acme)
        activity = factories.activity(
            acme, created_by=bob, assignees=[alice, bob], contacts=[contact], projects=[project]
        )
    before = dump(acme)
    client = client_for(bob)
    response = client.post(reverse("activity_delete", kwargs={"slug": "acme", "pk": activity.pk}))
    assert response.status_code == 302
    batch = the_batch()
    assert not batch.is_private
    restore(client, batch)
    after = dump(acme)
    assert differences(before, after) == {}
    assert set(only_new(before, after)) <= {"events.event", "history.change"}


@pytest.mark.parametrize(("who", "sees"), [("alice", False), ("bob", True), ("carol", True)])
def test_an_activity_on_a_private_contact_stays_private_in_the_trash(
    acme, cast, client_for, who, sees
):
    """bob's private contact; bob's call about it, assigned to carol."""
    with scope(organization=acme):
        contact = factories.ContactFactory(
            organization=acme, visibility="private", created_by=cast["bob"]
        )
        activity = factories.activity(
            acme, created_by=cast["bob"], assignees=[cast["carol"]], contacts=[contact]
        )
    client_for(cast["bob"]).post(
        reverse("activity_delete", kwargs={"slug": "acme", "pk": activity.pk})
    )
    batch = the_batch()
    page = client_for(cast[who]).get(reverse("trash_list", kwargs={"slug": "acme"}))
    assert (f'id="batch-{batch.pk}"' in page.text) is sees


def test_an_opportunity_comes_back_with_its_mentions_and_counts_on_the_board_again(
    acme, alice, bob, carol, client_for
):
    from opportunities import selectors
    from opportunities.models import Opportunity

    with scope(organization=acme):
        company = factories.CompanyFactory(organization=acme, created_by=alice)
        deal = factories.opportunity(
            acme, created_by=bob, company=company, title="Fleet", value="1200.00"
        )
        factories.opportunity(acme, created_by=bob, company=company, title="Other", value="50")
        pipeline = factories.pipeline(acme)

    def board_total():
        with scope(organization=acme):
            columns = selectors.board(alice, acme, pipeline, selectors.Filters(), [])
        return sum(c.count for c in columns)

    before = dump(acme)
    assert board_total() == 2
    client = client_for(bob)
    page = client.get(reverse("opportunity_delete", kwargs={"slug": "acme", "pk": deal.pk}))
    assert "to the trash" in page.text
    response = client.post(reverse("opportunity_delete", kwargs={"slug": "acme", "pk": deal.pk}))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Opportunity.objects.filter(pk=deal.pk).exists()
    assert board_total() == 1
    batch = the_batch()
    assert (batch.kind, batch.is_private) == ("opportunity", False)

    response = restore(client, batch)
    assert response["Location"] == reverse(
        "opportunity_detail", kwargs={"slug": "acme", "pk": deal.pk}
    )
    assert differences(before, after := dump(acme)) == {}
    assert set(only_new(before, after)) <= {"events.event", "history.change"}
    assert board_total() == 2


def test_a_private_opportunitys_batch_shows_only_to_who_could_see_it(
    acme, alice, bob, carol, client_for
):
    with scope(organization=acme):
        deal = factories.opportunity(acme, created_by=bob, title="Quiet", visibility="private")
    client_for(bob).post(reverse("opportunity_delete", kwargs={"slug": "acme", "pk": deal.pk}))
    batch = the_batch()
    assert batch.is_private
    trash = reverse("trash_list", kwargs={"slug": "acme"})
    assert f'id="batch-{batch.pk}"' not in client_for(carol).get(trash).text
    assert restore(client_for(carol), batch).status_code == 404
    assert f'id="batch-{batch.pk}"' in client_for(bob).get(trash).text
