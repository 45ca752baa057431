"""What happened to a record (timeline events) and what a member should know (notifications).

Floor 1: the services of every floor above write these rows in the same transaction as
the change they record (`events.services`). Rows point at contacts, companies and projects
by foreign key (a string reference: no import upwards) and at notes and activities by id;
who may read an event or a notification is decided where it is read, by the apps above
(`timeline/`), from the `visible_to` doors of what it points at.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.scoping import TenantModel


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Fields edited")
    NOTE_ADDED = "note_added", _("Note added")
    NOTE_EDITED = "note_edited", _("Note edited")
    NOTE_DELETED = "note_deleted", _("Note deleted")
    ACTIVITY_CREATED = "activity_created", _("Activity planned")
    ACTIVITY_DONE = "activity_done", _("Activity done")
    FILE_ADDED = "file_added", _("File added")
    FILE_REMOVED = "file_removed", _("File removed")
    CONNECTION_ADDED = "connection_added", _("Connection added")
    CONNECTION_REMOVED = "connection_removed", _("Connection removed")
    CLIENT_ASSIGNED = "client_assigned", _("Client of a project")
    CLIENT_REMOVED = "client_removed", _("No longer client of a project")
    COPIED_FROM = "copied_from", _("Copied from another organization")
    COPIED_TO = "copied_to", _("Copied to another organization")
    MENTIONED = "mentioned", _("Mentioned")
    OPPORTUNITY_CREATED = "opportunity_created", _("Opportunity created")
    OPPORTUNITY_MOVED = "opportunity_moved", _("Opportunity moved")
    OPPORTUNITY_WON = "opportunity_won", _("Opportunity won")
    OPPORTUNITY_LOST = "opportunity_lost", _("Opportunity lost")
    MERGED = "merged", _("Duplicates merged into this record")
    MERGED_INTO = "merged_into", _("Merged into another record")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    DOCUMENT_SENT = "document_sent", _("Document sent")


# The timeline's filter chips: each groups the kinds a user thinks of as one.
KIND_GROUPS = {
    "changes": (
        _("Changes"),
        [EventKind.CREATED, EventKind.UPDATED, EventKind.MERGED, EventKind.MERGED_INTO],
    ),
    "notes": (_("Notes"), [EventKind.NOTE_ADDED, EventKind.NOTE_EDITED, EventKind.NOTE_DELETED]),
    "activities": (_("Activities"), [EventKind.ACTIVITY_CREATED, EventKind.ACTIVITY_DONE]),
    "files": (_("Files"), [EventKind.FILE_ADDED, EventKind.FILE_REMOVED]),
    "connections": (
        _("Projects and connections"),
        [
            EventKind.CONNECTION_ADDED,
            EventKind.CONNECTION_REMOVED,
            EventKind.CLIENT_ASSIGNED,
            EventKind.CLIENT_REMOVED,
        ],
    ),
    "copies": (_("Copies"), [EventKind.COPIED_FROM, EventKind.COPIED_TO]),
    "mentions": (_("Mentions"), [EventKind.MENTIONED]),
    "opportunities": (
        _("Opportunities"),
        [
            EventKind.OPPORTUNITY_CREATED,
            EventKind.OPPORTUNITY_MOVED,
            EventKind.OPPORTUNITY_WON,
            EventKind.OPPORTUNITY_LOST,
        ],
    ),
    "documents": (
        _("Sales and purchases"),
        [EventKind.DOCUMENT_ISSUED, EventKind.PAYMENT_RECORDED, EventKind.DOCUMENT_SENT],
    ),
}


class Event(TenantModel):
    """One thing that happened to a contact or a company (or both: a person of a company).

    `contact` and `company` say whose timelines show it; `project`, `note_id`,
    `activity_id` and `opportunity_id` what else it is about, which the reader must be able
    to see too.
    `data` holds what the line says: changed fields (`{"fields": [[name, old, new]]}`),
    a file's name, a project's title, the other organization's name.
    """

    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=EventKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "connections.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note_id = models.BigIntegerField(null=True, blank=True)
    activity_id = models.BigIntegerField(null=True, blank=True)
    opportunity_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "contact", "-created_at", "-id"], name="event_contact"
            ),
            models.Index(
                fields=["organization", "company", "-created_at", "-id"], name="event_company"
            ),
            models.Index(fields=["organization", "note_id"], name="event_note"),
            models.Index(fields=["organization", "activity_id"], name="event_activity"),
            models.Index(fields=["organization", "opportunity_id"], name="event_opportunity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentioned you")
    NOTE_MENTION = "note_mention", _("Mentioned you in a note")
    ASSIGNED = "assigned", _("Assigned an activity to you")
    REMINDER = "reminder", _("Reminder")


class Notification(TenantModel):
    """Something a member should see in the bell, linking to its record.

    `Membership.unread_notifications` counts the unread ones, so the bell on every page
    costs no query; `events.services` keeps the two in step.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "connections.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note_id = models.BigIntegerField(null=True, blank=True)
    activity_id = models.BigIntegerField(null=True, blank=True)
    # What the line says beyond the kind ("Call with Ada", the record's name when sent),
    # and where it leads: a path inside the organization.
    text = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "-created_at", "-id"],
                name="notification_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"
