"""Pages of notes: add (htmx in place or a plain POST), edit, delete, pin, revisions, lists.

Every note is read through `Note.objects.visible_to` (notes.selectors) and every record
through its own door, so a note or record the user may not see is a 404. Writing is
for owners and members (guests 403); editing and deleting for the author or an owner.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attachments.models import Attachment
from attachments.services import QuotaExceeded, StorageUnavailable
from companies.selectors import company_for_user
from connections.selectors import project_for_user
from contacts.selectors import contact_for_user
from notes import selectors, services
from notes.forms import NoteForm
from notes.models import Note, NoteAttachment
from notes.sections import notes_section_context
from organizations.deletion import delete_to_trash, undo_tag
from organizations.permissions import directory_required

RECORD_KINDS = ("contact", "company", "project")


def _record(request: HttpRequest, kind: str, pk: int):
    """The contact, company or project `pk` through its own door (404 when not visible)."""
    user, organization = request.user, request.organization
    if kind == "contact":
        return contact_for_user(user, organization, pk)
    if kind == "company":
        return company_for_user(user, organization, pk)
    return project_for_user(user, organization, pk)


def _record_from_query(request: HttpRequest):
    for kind in RECORD_KINDS:
        value = request.GET.get(kind, "")
        if value:
            if not value.isdigit():
                break
            return _record(request, kind, int(value))
    from django.http import Http404

    raise Http404("No record.")


def _note(request: HttpRequest, pk: int) -> Note:
    return selectors.note_for_user(request.user, request.organization, pk)


def _require_change_right(request: HttpRequest, note: Note) -> None:
    if not services.can_change(note, request.user, request.membership.role):
        raise PermissionDenied


def _apply_errors(form: NoteForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _section(
    request: HttpRequest,
    record,
    form: NoteForm | None = None,
    notice: str = "",
    notice_is_error: bool = False,
) -> HttpResponse:
    context = notes_section_context(
        request, record, form=form, notice=notice, notice_is_error=notice_is_error
    )
    return render(request, "notes/_section.html", context)


@directory_required
def note_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a note to `?contact=`, `?company=` or `?project=`; the form page on GET."""
    record = _record_from_query(request)
    if request.method != "POST":
        form = NoteForm(**_form_options(record))
        return render(request, "notes/note_form.html", {"form": form, "record": record})
    form = NoteForm(request.POST, request.FILES, **_form_options(record))
    if form.is_valid():
        try:
            note = services.note_create(
                organization=request.organization,
                record=record,
                author=request.user,
                body=form.cleaned_data["body"],
                is_private=form.cleaned_data.get("is_private", False),
                files=form.cleaned_data.get("files", []),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except QuotaExceeded as error:
            form.add_error("files", error.message)
        except StorageUnavailable:
            form.add_error(
                "files", _("The files could not be stored just now; nothing was saved. Try again.")
            )
        else:
            if request.htmx:
                return _section(request, record)
            messages.success(request, _("Note added."))
            return redirect(f"{services.record_url(record)}#note-{note.pk}")
    if request.htmx:
        # htmx swaps only successful answers: the section with the errors and the text.
        return _section(request, record, form=form)
    return render(request, "notes/note_form.html", {"form": form, "record": record}, status=400)


def _form_options(record) -> dict:
    return {"with_files": record._meta.model_name != "project"}


@directory_required
def note_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit a note (author or owner); the previous text is kept as a revision."""
    note = _note(request, pk)
    _require_change_right(request, note)
    is_author = note.author_id == request.user.pk
    options = {"with_files": False, "with_privacy": is_author}
    if request.method != "POST":
        form = NoteForm(initial={"body": note.body, "is_private": note.is_private}, **options)
    else:
        form = NoteForm(request.POST, **options)
        if form.is_valid():
            try:
                services.note_update(
                    note=note,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    is_private=form.cleaned_data.get("is_private") if is_author else None,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Note saved."))
                return redirect(f"{services.record_url(note.record)}#note-{note.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "notes/note_form.html",
        {"form": form, "note": note, "record": note.record},
        status=status,
    )


@directory_required
def note_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the note (author or owner)."""
    note = _note(request, pk)
    _require_change_right(request, note)
    record = note.record
    if request.method == "POST":
        files = Attachment.objects.filter(
            organization=note.organization,
            pk__in=NoteAttachment.objects.filter(organization=note.organization, note=note).values(
                "attachment_id"
            ),
        )
        batch = delete_to_trash(
            note,
            user=request.user,
            delete=lambda: services.note_delete(note=note, user=request.user),
            extra=list(files),
        )
        messages.success(request, _("Note deleted."), extra_tags=undo_tag(batch))
        return redirect(f"{services.record_url(record)}#notes")
    return render(request, "notes/note_confirm_delete.html", {"note": note, "record": record})


@directory_required
@require_POST
def note_pin(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Pin a shared note to the top of its record, or unpin it (`pinned=0`)."""
    note = _note(request, pk)
    if not services.can_pin(note, request.membership.role):
        raise PermissionDenied
    record = note.record
    pinned = request.POST.get("pinned", "1") != "0"
    try:
        services.note_pin(note=note, pinned=pinned)
    except ValidationError as error:
        notice, level = " ".join(error.messages), messages.ERROR
    else:
        notice, level = (_("Note pinned.") if pinned else _("Note unpinned.")), messages.SUCCESS
    if request.htmx:
        return _section(request, record, notice=notice, notice_is_error=level == messages.ERROR)
    messages.add_message(request, level, notice)
    return redirect(f"{services.record_url(record)}#note-{note.pk}")


def note_revisions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The earlier texts of a note, for whoever may read the note."""
    note = _note(request, pk)
    return render(
        request,
        "notes/note_revisions.html",
        {"note": note, "record": note.record, "revisions": selectors.note_revisions(note)},
    )


def record_note_list(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    """Every note of a record the user may read, newest first, paged by cursor."""
    if kind != "project" and not request.membership.sees_directory:
        raise PermissionDenied
    record = _record(request, kind, pk)
    page = selectors.record_notes_page(
        request.user,
        request.organization,
        record,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = notes_section_context(request, record, notes=page.items)
    context.update({"page": page, "record_url": services.record_url(record)})
    return render(request, "notes/note_list.html", context)
