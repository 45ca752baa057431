"""Deletes that can be undone, without the lower floors knowing about the trash.

The delete views of contacts, companies, projects, tasks, tickets, files, notes and
activities call these helpers; the app that offers the hooks (`trash/`, on an upper floor)
does the work. Without such an app a delete is a plain delete and has no consequences
to list.

| hook on an AppConfig | called by | returns |
|---|---|---|
| `move_to_trash(record, *, user, delete, extra=())` | `delete_to_trash` | the trash batch |
| `delete_consequences(record, *, user)` | `delete_consequences` | lines for the confirmation page |
| `delete_refusals(record, *, user)` | `delete_refusals` | why it may not be deleted at all |
| `storage_held(organization)` | the storage page, the usage recount | `(label, bytes)` lines |
| `storage_held_keys(organization)` | `attachments_check` | storage keys that are not orphans |
"""

from collections.abc import Callable, Iterable

from django.apps import apps


def _hooks(name: str) -> list[Callable]:
    return [hook for config in apps.get_app_configs() if (hook := getattr(config, name, None))]


def delete_to_trash(record, *, user, delete: Callable[[], object], extra: Iterable = ()):
    """Run `delete()` so that it can be undone; return the trash batch, or None.

    `extra` are further rows the delete removes that are not cascaded from `record`
    (a note's files).
    """
    for hook in _hooks("move_to_trash"):
        return hook(record, user=user, delete=delete, extra=tuple(extra))
    delete()
    return None


def delete_consequences(record, *, user) -> list[str]:
    """What deleting `record` takes along, as lines for the confirmation page."""
    return [line for hook in _hooks("delete_consequences") for line in hook(record, user=user)]


def delete_refusals(record, *, user) -> list[str]:
    """Why `record` may not be deleted at all, as lines (none: it may). A company with
    issued invoices, say: issued documents are kept, and so is their party."""
    return [line for hook in _hooks("delete_refusals") for line in hook(record, user=user)]


def storage_held(organization) -> list[tuple[str, int]]:
    """Storage that other apps hold (the trash's files), as `(label, bytes)` lines."""
    return [line for hook in _hooks("storage_held") for line in hook(organization)]


def storage_held_keys(organization) -> set[str]:
    """Keys of stored objects that other apps hold without an attachment row."""
    return {key for hook in _hooks("storage_held_keys") for key in hook(organization)}


def undo_tag(batch) -> str:
    """The `extra_tags` of a flash message that offers to undo `batch` (none without one)."""
    return f"undo-{batch.pk}" if batch is not None else ""
