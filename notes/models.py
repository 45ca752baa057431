"""Notes on contacts, companies and projects, their mentions, revisions and files (issue 13).

A note belongs to exactly one record (contact, company or project) of its organization.
Who may read one is answered by `Note.objects.visible_to(user, organization)` only
(`notes.querysets`): whoever sees the record, and for a private note only its author and
the members it mentions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notes.querysets import NoteManager
from organizations.scoping import TenantModel

RECORD_FIELDS = ("contact", "company", "project")


class Note(TenantModel):
    """A Markdown note on one record, rendered to sanitized HTML when saved."""

    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "connections.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("note"))
    # Rendered by directory.markup when the body is saved (the same machinery and
    # allowlist as descriptions); mentions are marked when shown, from `mention_names`.
    body_html = models.TextField(editable=False, blank=True)
    # The mentioned members' names at the last save ({email: name}), so a page marks
    # the mentions without a query per note (or at all).
    mention_names = models.JSONField(default=dict, blank=True, editable=False)
    is_private = models.BooleanField(
        _("private note"),
        default=False,
        help_text=_("Only you and the members you mention will see it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    pinned_at = models.DateTimeField(_("pinned"), null=True, blank=True)

    objects = NoteManager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, company__isnull=True, project__isnull=True)
                | Q(contact__isnull=True, company__isnull=False, project__isnull=True)
                | Q(contact__isnull=True, company__isnull=True, project__isnull=False),
                name="note_on_exactly_one_record",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "contact", "-created_at", "-id"], name="note_contact"
            ),
            models.Index(
                fields=["organization", "company", "-created_at", "-id"], name="note_company"
            ),
            models.Index(
                fields=["organization", "project", "-created_at", "-id"], name="note_project"
            ),
        ]

    def __str__(self) -> str:
        return self.excerpt

    @property
    def record(self):
        return self.contact or self.company or self.project

    @property
    def record_kind(self) -> str:
        return next(name for name in RECORD_FIELDS if getattr(self, f"{name}_id") is not None)

    @property
    def excerpt(self) -> str:
        return excerpt(self.body)


def excerpt(text: str, limit: int = 140) -> str:
    """The first `limit` characters of `text` on one line, with "…" when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class NoteMention(TenantModel):
    """A member a note mentions: they are notified, and they see the note if it is private."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "note", "user"], name="notemention_once"
            )
        ]


class NoteRevision(TenantModel):
    """A note's body before an edit: who replaced it, and when."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("edited by"),
    )
    edited_at = models.DateTimeField(_("edited"), auto_now_add=True)

    class Meta:
        verbose_name = _("note revision")
        verbose_name_plural = _("note revisions")
        ordering = ["-edited_at", "-id"]
        indexes = [models.Index(fields=["organization", "note", "-edited_at"], name="noterev_note")]


class NoteAttachment(TenantModel):
    """A file of a note: an `attachments.Attachment` of the note's contact or company.

    The link lives here, not on Attachment: attachments (floor 3) knows nothing of notes.
    The file stays an ordinary attachment of the record, so its quota, storage, download
    and deletion paths are the Files section's own; deleting the file deletes this link
    (cascade), deleting the note deletes its files (notes.services.note_delete).
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="files")
    attachment = models.ForeignKey(
        "attachments.Attachment", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "attachment"], name="noteattachment_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "note"], name="noteattachment_note")]
