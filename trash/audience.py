"""Who may see a trashed record: decided from what the record was when it was deleted.

A contact or company (and a file on one) is private like the record; its readers are
those who could see it then (creator and mentioned members) and the one who deleted it.
An opportunity is private like a contact (its creator and mentioned members). Projects,
tasks and tickets are seen by every owner and member. A private note is read by
its author and the members it mentions; an activity linked only to private records by
those who could see one of them, its creator and its assignees.
"""

from django.db.models import Model

from organizations.visibility import Visibility

KINDS = {
    "contacts.contact": "contact",
    "companies.company": "company",
    "connections.project": "project",
    "connections.task": "task",
    "connections.ticket": "ticket",
    "attachments.attachment": "attachment",
    "notes.note": "note",
    "activity.activity": "activity",
    "opportunities.opportunity": "opportunity",
}


def kind_of(record: Model) -> str:
    return KINDS.get(record._meta.label_lower, record._meta.model_name)


def _directory(record) -> tuple[bool, set[int]]:
    if record.visibility == Visibility.PUBLIC:
        return False, set()
    readers = set(record.mentions.values_list("user_id", flat=True))
    if record.created_by_id:
        readers.add(record.created_by_id)
    return True, readers


def _record_of(item) -> Model | None:
    """The contact or company a file or note is on (None for a project's note)."""
    for name in ("contact", "company"):
        if getattr(item, f"{name}_id", None):
            return getattr(item, name)
    return None


def of(record: Model, *, deleter) -> tuple[bool, set[int]]:
    """`(is_private, readers)` for a batch whose root is `record`."""
    kind = kind_of(record)
    if kind in ("contact", "company", "opportunity"):
        private, readers = _directory(record)
    elif kind == "attachment":
        private, readers = _directory(_record_of(record))
    elif kind == "note":
        parent = _record_of(record)
        private, readers = _directory(parent) if parent is not None else (False, set())
        if record.is_private:
            own = set(record.mentions.values_list("user_id", flat=True)) | {record.author_id}
            readers = (readers & own) if private else own
            private = True
    elif kind == "activity":
        private, readers = True, {record.created_by_id}
        readers |= set(record.assignments.values_list("user_id", flat=True))
        for link in record.links.select_related("contact", "company"):
            if link.project_id:
                private = False
                break
            linked_private, linked = _directory(link.contact or link.company)
            if not linked_private:
                private = False
                break
            readers |= linked
    else:
        private, readers = False, set()
    if private and deleter is not None and deleter.is_authenticated:
        readers.add(deleter.pk)
    readers.discard(None)
    return private, readers
