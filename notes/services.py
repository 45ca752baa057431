"""Writes on notes: create, edit (keeping a revision), delete, pin; with events and mentions.

Every write records its timeline event (`events.services.record_event`) in the same
transaction, and notifies the members a note newly mentions (`events.services.notify`).
A mention never grants sight of the record: a member who cannot see it is refused by
name, nothing saved.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.models import Attachment
from attachments.services import attachment_delete, attachments_upload
from companies.models import Company
from connections.models import Project
from connections.selectors import projects_visible_to
from contacts.models import Contact
from directory.markup import render_description
from events.models import EventKind, NotificationKind
from events.services import notify, record_event
from notes.models import Note, NoteAttachment, NoteMention, NoteRevision, excerpt
from organizations.mentions import mention_readers, mentioned_emails
from organizations.models import Organization, Role, User

MAX_PINNED = 3
type Record = Contact | Company | Project


# --- Rules -----------------------------------------------------------------------------


def can_change(note: Note, user: User, role: str) -> bool:
    """The author or an owner may edit and delete a note (one they can see)."""
    return role == Role.OWNER or (role == Role.MEMBER and note.author_id == user.pk)


def can_pin(note: Note, role: str) -> bool:
    """Owners and members pin shared notes; a private note is never pinned for everyone."""
    return role in (Role.OWNER, Role.MEMBER) and not note.is_private


def record_url(record: Record) -> str:
    """The path of the record's page (a contact's, a company's or a project's)."""
    kind = record._meta.model_name
    name = {"contact": "contact_detail", "company": "company_detail", "project": "project_detail"}
    return reverse(name[kind], kwargs={"slug": record.organization.slug, "pk": record.pk})


def sees_record(user: User, organization: Organization, record: Record) -> bool:
    """Whether `user` may see `record`, through the record's own door."""
    if isinstance(record, Project):
        visible = projects_visible_to(user, organization)
    else:
        visible = type(record).objects.visible_to(user, organization)
    return visible.filter(pk=record.pk).exists()


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something in the note.")})
    limit = settings.DESCRIPTION_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            {
                "body": _(
                    "A note can have at most %(limit)s characters; this one has %(count)s. "
                    "Shorten it and save again."
                )
                % {"limit": limit, "count": len(body)}
            }
        )
    return body


def _mentioned_readers(organization: Organization, record: Record, body: str) -> list[User]:
    """The members `body` mentions; refuse, by name, those who cannot see the record."""
    users = mention_readers(organization, mentioned_emails(body))
    blind = sorted(
        user.display_name for user in users if not sees_record(user, organization, record)
    )
    if blind:
        raise ValidationError(
            {
                "body": _(
                    "%(names)s cannot see this record, and a mention does not share it. "
                    "Remove the mention, or ask who created the record to share it first."
                )
                % {"names": ", ".join(blind)}
            }
        )
    return users


def _record_fields(record: Record) -> dict:
    """The record's foreign key on a note ({"contact": c} …)."""
    return {record._meta.model_name: record}


def _event_targets(record: Record) -> dict | None:
    """Whose timelines show a note's event: the record, or a project's client (if any)."""
    if isinstance(record, Project):
        if record.client_contact_id is None and record.client_company_id is None:
            return None  # a timeline belongs to a contact or a company: nothing to show it
        return {
            "project": record,
            "contact": record.client_contact,
            "company": record.client_company,
        }
    return _record_fields(record)


def _record_event(note: Note, kind: EventKind, actor: User) -> None:
    targets = _event_targets(note.record)
    if targets is None:
        return
    record_event(
        organization=note.organization,
        kind=kind,
        actor=actor,
        note_id=note.pk,
        # A private note's events say so: once the note is deleted, the reader can no
        # longer ask the note who may see it.
        data={"excerpt": excerpt(note.body), **({"private": True} if note.is_private else {})},
        **targets,
    )


def _sync_mentions(note: Note, users: list[User]) -> list[User]:
    """Store who the note mentions; return the members mentioned for the first time."""
    existing = set(
        NoteMention.objects.filter(organization=note.organization, note=note).values_list(
            "user_id", flat=True
        )
    )
    wanted = {user.pk: user for user in users}
    NoteMention.objects.filter(organization=note.organization, note=note).exclude(
        user_id__in=wanted
    ).delete()
    newcomers = [user for pk, user in wanted.items() if pk not in existing]
    NoteMention.objects.bulk_create(
        NoteMention(organization=note.organization, note=note, user=user) for user in newcomers
    )
    return newcomers


def _notify(note: Note, users: list[User], actor: User) -> None:
    record = note.record
    # A project note's bell row points at the project only: the reader of the bell must
    # see what it points at, and the project's client may be hidden from them.
    targets = {"project": record} if isinstance(record, Project) else _record_fields(record)
    notify(
        organization=note.organization,
        recipients=users,
        kind=NotificationKind.NOTE_MENTION,
        actor=actor,
        text=excerpt(note.body),
        url=f"{record_url(record)}#note-{note.pk}",
        note_id=note.pk,
        **targets,
    )


def _render(note: Note, users: list[User]) -> None:
    note.body_html = render_description(note.body)
    note.mention_names = {user.email.lower(): user.display_name for user in users}


# --- Writes ----------------------------------------------------------------------------


def note_create(
    *,
    organization: Organization,
    record: Record,
    author: User,
    body: str,
    is_private: bool = False,
    files: Sequence[File] = (),
) -> Note:
    """Write a note on `record` (which `author` sees), mention, notify, record the event.

    Files become attachments of the contact or company (they count against the quota);
    a project note or a private note takes none. Refused input raises ValidationError
    (or attachments' QuotaExceeded) and leaves nothing behind.
    """
    if record.organization_id != organization.pk:
        raise ValueError("The record belongs to another organization.")
    body = _check_body(body)
    users = _mentioned_readers(organization, record, body)
    if files:
        _check_files_allowed(record, is_private)
    uploaded = (
        attachments_upload(
            organization=organization, record=record, uploaded_by=author, files=files
        )
        if files
        else []
    )
    try:
        with transaction.atomic():
            note = Note(
                organization=organization,
                author=author,
                body=body,
                is_private=is_private,
                **_record_fields(record),
            )
            _render(note, users)
            note.save()
            newcomers = _sync_mentions(note, users)
            NoteAttachment.objects.bulk_create(
                NoteAttachment(organization=organization, note=note, attachment=attachment)
                for attachment in uploaded
            )
            _record_event(note, EventKind.NOTE_ADDED, author)
            _notify(note, newcomers, author)
    except BaseException:
        # The files were stored before the note: take them (and their bytes) back.
        for attachment in uploaded:
            attachment_delete(attachment=attachment)
        raise
    return note


def _check_files_allowed(record: Record, is_private: bool) -> None:
    if isinstance(record, Project):
        raise ValidationError(
            {"files": _("Files can be added to notes on contacts and companies only.")}
        )
    if is_private:
        # A note's files are files of the record, listed in its Files section for all
        # who see the record: a private note would share them.
        raise ValidationError(
            {
                "files": _(
                    "A private note cannot carry files: everyone who sees the record "
                    "sees its files."
                )
            }
        )


@transaction.atomic
def note_update(*, note: Note, editor: User, body: str, is_private: bool | None = None) -> Note:
    """Edit a note: the previous text is kept as a revision; new mentions are notified.

    Only the author changes whether a note is private, and on a private note only the
    author may mention someone new (a mention widens who sees it).
    """
    body = _check_body(body)
    record = note.record
    if is_private is None or note.author_id != editor.pk:
        is_private = note.is_private
    users = _mentioned_readers(note.organization, record, body)
    if is_private and note.author_id != editor.pk:
        mentioned = set(note.mentions.values_list("user_id", flat=True))
        newcomers = sorted(
            user.display_name
            for user in users
            if user.pk not in mentioned and user.pk != note.author_id
        )
        if newcomers:
            raise ValidationError(
                {
                    "body": _(
                        "Only the author of this private note can share it with more people. "
                        "Remove the mention of %(names)s."
                    )
                    % {"names": ", ".join(newcomers)}
                }
            )
    if (
        is_private
        and NoteAttachment.objects.filter(organization=note.organization, note=note).exists()
    ):
        raise ValidationError(
            {
                "is_private": _(
                    "A note with files cannot be private: everyone who sees the record "
                    "sees its files."
                )
            }
        )
    if body == note.body and is_private == note.is_private:
        return note
    if body != note.body:
        NoteRevision.objects.create(
            organization=note.organization, note=note, body=note.body, edited_by=editor
        )
    note.body = body
    note.is_private = is_private
    if is_private:
        note.pinned_at = None
    note.edited_at = timezone.now()
    _render(note, users)
    note.save()
    newcomers = _sync_mentions(note, users)
    _record_event(note, EventKind.NOTE_EDITED, editor)
    _notify(note, newcomers, editor)
    return note


def note_delete(*, note: Note, user: User) -> None:
    """Delete a note, its revisions, mentions and files (their bytes freed); record it."""
    attachment_ids = list(
        NoteAttachment.objects.filter(organization=note.organization, note=note).values_list(
            "attachment_id", flat=True
        )
    )
    with transaction.atomic():
        _record_event(note, EventKind.NOTE_DELETED, user)
        for attachment in Attachment.objects.filter(
            organization=note.organization, pk__in=attachment_ids
        ):
            attachment_delete(attachment=attachment)
        note.delete()


@transaction.atomic
def note_pin(*, note: Note, pinned: bool) -> Note:
    """Pin a shared note to the top of its record (at most MAX_PINNED), or unpin it."""
    if not pinned:
        note.pinned_at = None
        note.save(update_fields=["pinned_at"])
        return note
    if note.is_private:
        raise ValidationError(_("A private note cannot be pinned for everyone."))
    if note.pinned_at is not None:
        return note
    record = note.record
    # Lock the record's row so two pins at once cannot both take the last place.
    list(
        type(record)
        .objects.select_for_update()
        .filter(organization=note.organization, pk=record.pk)
        .values_list("pk", flat=True)
    )
    pinned_now = Note.objects.filter(
        organization=note.organization, pinned_at__isnull=False, **_record_fields(record)
    ).count()
    if pinned_now >= MAX_PINNED:
        raise ValidationError(
            _("At most %(max)d notes can be pinned. Unpin one first.") % {"max": MAX_PINNED}
        )
    note.pinned_at = timezone.now()
    note.save(update_fields=["pinned_at"])
    return note
