"""Reads of notes: always through `Note.objects.visible_to` (notes.querysets)."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from directory.pagination import KeysetPage, keyset_paginate
from notes.models import Note, NoteAttachment, NoteRevision
from notes.services import MAX_PINNED
from organizations.models import Organization, User

SECTION_LATEST = 10
LIST_PER_PAGE = 25


def visible_notes(user: User, organization: Organization) -> QuerySet:
    """The notes `user` may read in `organization` (the door, `Note.objects.visible_to`)."""
    return Note.objects.visible_to(user, organization)


def visible_note_ids(user: User, organization: Organization) -> QuerySet:
    """The ids of the notes `user` may read: for the timeline and the bell, as a subquery.

    Documented entry point for the other floor-4 apps: an event or notification with a
    `note_id` shows only when `note_id` is in this set (`Q(note_id__in=...)`). A deleted
    note is in no set; its NOTE_DELETED event carries `data["private"]` when it was private.
    """
    return visible_notes(user, organization).values("pk")


def note_for_user(user: User, organization: Organization, pk: int) -> Note:
    """The note if `user` may read it; 404 otherwise, exactly like a missing one.

    Its record comes along (the page links to it, services need it).
    """
    return get_object_or_404(
        visible_notes(user, organization).select_related("author", "contact", "company", "project"),
        pk=pk,
    )


def with_file_counts(notes: QuerySet) -> QuerySet:
    """Annotate `file_count`, the number of files each note carries (a subquery, no extra query)."""
    files = (
        NoteAttachment.objects.filter(organization=OuterRef("organization"), note=OuterRef("pk"))
        .order_by()
        .values("note")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return notes.annotate(file_count=Coalesce(Subquery(files), 0))


@dataclass
class RecordNotes:
    pinned: list[Note]
    latest: list[Note]
    has_more: bool


def record_notes(user: User, organization: Organization, record) -> RecordNotes:
    """The notes section of a record page: the pinned notes, then the latest ten.

    One query (the notes with their authors; revisions are not loaded). `record` must
    come from its own door (the page's record): only each note's own privacy is checked
    (`readable_on`).
    """
    rows = list(
        with_file_counts(Note.objects.readable_on(record, user, organization))
        .select_related("author")
        .in_order()[: MAX_PINNED + SECTION_LATEST + 1]
    )
    pinned = [note for note in rows if note.pinned_at is not None]
    unpinned = [note for note in rows if note.pinned_at is None]
    return RecordNotes(
        pinned=pinned,
        latest=unpinned[:SECTION_LATEST],
        has_more=len(unpinned) > SECTION_LATEST,
    )


def record_notes_page(
    user: User, organization: Organization, record, *, after: str | None, before: str | None
) -> KeysetPage:
    """Every note of `record` the user may read, newest first, by cursor."""
    return keyset_paginate(
        with_file_counts(visible_notes(user, organization).on_record(record)).select_related(
            "author"
        ),
        order=["-created_at", "-id"],
        per_page=LIST_PER_PAGE,
        after=after,
        before=before,
    )


def note_revisions(note: Note) -> QuerySet:
    """The earlier texts of `note` (which came from `note_for_user`), newest first."""
    return NoteRevision.objects.filter(
        organization_id=note.organization_id, note=note
    ).select_related("edited_by")
