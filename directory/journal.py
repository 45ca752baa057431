"""What a contact's or company's write leaves on its timeline and in members' bells.

The services of contacts and companies call these inside their transaction:
`snapshot` before a change, `record_saved` after it. The event names the fields whose
shown value changed (old → new, long texts cut), and a description that mentions
someone new notifies them and says so on the timeline.
"""

from django.utils.translation import gettext as _

from directory.models import DirectoryRecord
from events.models import EventKind, NotificationKind
from events.services import field_changes, notify, record_event
from organizations.models import User

# Fields a user never edits or that the timeline tells otherwise.
_SKIPPED = {
    "id",
    "organization",
    "description_html",
    "created_by",
    "created_at",
    "updated_at",
    "copied_from_organization",
    "copied_from_id",
    "copied_at",
}
_CUT = 120


def _labels(record: DirectoryRecord) -> dict:
    labels = {
        field.name: field.verbose_name
        for field in record._meta.concrete_fields
        if field.name not in _SKIPPED
    }
    labels.update(emails=_("emails"), phones=_("phones"), addresses=_("addresses"))
    return labels


def _cut(text: str) -> str:
    return text if len(text) <= _CUT else text[: _CUT - 1] + "…"


def snapshot(record: DirectoryRecord) -> dict:
    """The shown value of every field and contact point, as the timeline compares them."""
    values = {}
    for field in record._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        if field.is_relation:
            related = getattr(record, field.name)
            values[field.name] = str(related) if related is not None else ""
        elif field.choices:
            values[field.name] = str(getattr(record, f"get_{field.name}_display")())
        else:
            values[field.name] = _cut(str(getattr(record, field.name) or ""))
    if record.pk is not None:
        values["emails"] = [row.email for row in record.emails.order_by("position")]
        values["phones"] = [row.formatted for row in record.phones.order_by("position")]
        values["addresses"] = [str(row) for row in record.addresses.order_by("position")]
    return values


def stored_snapshot(record: DirectoryRecord) -> dict:
    """The snapshot of `record` as the database holds it (a form may have changed the
    instance already: a ModelForm writes its cleaned data into it when validating)."""
    stored = (
        type(record)
        ._base_manager.filter(organization_id=record.organization_id, pk=record.pk)
        .select_related(*_relations(record))
        .first()
    )
    return snapshot(stored) if stored is not None else {}


def _relations(record: DirectoryRecord) -> list[str]:
    return [
        field.name
        for field in record._meta.concrete_fields
        if field.is_relation and field.name not in _SKIPPED
    ]


def _whose(record: DirectoryRecord) -> dict:
    return {record._meta.model_name: record}


def record_saved(record: DirectoryRecord, *, user: User, before: dict | None) -> None:
    """Write "created" (no `before`) or "fields edited" and notify the newly mentioned."""
    organization = record.organization
    if before is None:
        record_event(
            organization=organization, kind=EventKind.CREATED, actor=user, **_whose(record)
        )
    else:
        changes = field_changes(before, snapshot(record), _labels(record))
        if changes:
            record_event(
                organization=organization,
                kind=EventKind.UPDATED,
                actor=user,
                data={"fields": changes},
                **_whose(record),
            )
    mentioned = getattr(record, "_new_mentions", None)
    if mentioned:
        users = list(User.objects.filter(pk__in=mentioned).order_by("email"))
        record_event(
            organization=organization,
            kind=EventKind.MENTIONED,
            actor=user,
            data={"names": [person.display_name for person in users]},
            **_whose(record),
        )
        notify(
            organization=organization,
            recipients=users,
            kind=NotificationKind.MENTION,
            actor=user,
            text=str(record),
            url=record.get_absolute_url(),
            **_whose(record),
        )
