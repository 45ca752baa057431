"""A dump of every tenant row, to compare what a restore brought back with what was deleted."""

from django.apps import apps

from organizations.scoping import TenantModel, scopes_disabled

SKIPPED = {"trash.trashbatch", "trash.trashreader"}


def dump(organization) -> dict[str, dict]:
    """`{model: {pk: row}}` of every tenant row of `organization` (trash rows aside)."""
    rows = {}
    with scopes_disabled():
        for model in apps.get_models():
            if not issubclass(model, TenantModel) or model._meta.label_lower in SKIPPED:
                continue
            rows[model._meta.label_lower] = {
                row["id"]: row
                for row in model._base_manager.filter(organization=organization).values()
            }
    return rows


def only_new(before: dict, after: dict) -> dict[str, list]:
    """Rows in `after` that were not in `before`, by model (empty models left out)."""
    new = {}
    for model, rows in after.items():
        added = [row for pk, row in rows.items() if pk not in before.get(model, {})]
        if added:
            new[model] = added
    return new


def differences(before: dict, after: dict) -> dict[str, list]:
    """Rows of `before` missing or changed in `after`, by model."""
    found = {}
    for model, rows in before.items():
        changed = [
            (pk, row, after.get(model, {}).get(pk))
            for pk, row in rows.items()
            if after.get(model, {}).get(pk) != row
        ]
        if changed:
            found[model] = changed
    return found
