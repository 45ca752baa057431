"""What the Notes section of a record page shows, in one query."""

from django.http import HttpRequest
from django.urls import reverse

from notes import selectors, services
from notes.forms import NoteForm
from notes.models import Note

LIST_URL_NAMES = {
    "contact": "contact_notes",
    "company": "company_notes",
    "project": "project_notes",
}


def _decorate(notes: list[Note], request: HttpRequest) -> list[Note]:
    """Give each note the actions the reader may take on it, and their URLs."""
    slug = request.organization.slug
    role = request.membership.role
    for note in notes:
        urls = {"slug": slug, "pk": note.pk}
        note.can_change = services.can_change(note, request.user, role)
        note.can_pin = services.can_pin(note, role)
        note.edit_url = reverse("note_edit", kwargs=urls)
        note.delete_url = reverse("note_delete", kwargs=urls)
        note.pin_url = reverse("note_pin", kwargs=urls)
        note.revisions_url = reverse("note_revisions", kwargs=urls)
    return notes


def notes_section_context(
    request: HttpRequest,
    record,
    *,
    form: NoteForm | None = None,
    notes: list[Note] | None = None,
    notice: str = "",
    notice_is_error: bool = False,
) -> dict:
    """The section's context for `record` (which came from its door).

    Without `notes`, reads the pinned notes and the latest ten (one query).
    """
    kind = record._meta.model_name
    slug = request.organization.slug
    can_write = request.membership.sees_directory
    context = {
        "record": record,
        "kind": kind,
        "can_write": can_write,
        "create_url": reverse("note_create", kwargs={"slug": slug}) + f"?{kind}={record.pk}",
        "list_url": reverse(LIST_URL_NAMES[kind], kwargs={"slug": slug, "pk": record.pk}),
        "notice": notice,
        "notice_is_error": notice_is_error,
        "in_section": notes is None,
        "record_files_url": services.record_url(record) + "#files",
    }
    if can_write:
        context["form"] = form or NoteForm(with_files=kind != "project")
    if notes is not None:
        context["notes"] = _decorate(notes, request)
    else:
        section = selectors.record_notes(request.user, request.organization, record)
        context.update(
            pinned=_decorate(section.pinned, request),
            latest=_decorate(section.latest, request),
            has_more=section.has_more,
        )
    return context
