"""Moving a delete to the trash, restoring it, and ending it (by hand or by the purge).

A delete is taken whole: Django's deletion collector lists every row the delete removes
by cascade (contact points, mentions, affiliations, connections, files, notes, activity
links, timeline rows…) and every link it clears (`SET_NULL`: a project's client, a
ticket's project). Those rows are serialized into one `TrashBatch` and then really
deleted, in the same transaction, so a trashed record is simply not in any table: no
list, search, count, picker, copy or export can show it, and the search indexes stay as
they are. A restore inserts the same rows again with the same primary keys.
"""

import datetime
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, router, transaction
from django.db.models import Model
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attachments.services import files_free, files_kept
from organizations.models import Organization
from organizations.scoping import scope, scopes_disabled
from trash import audience
from trash.consequences import consequences
from trash.models import TrashBatch, TrashReader

logger = logging.getLogger(__name__)

ATTACHMENT = "attachments.attachment"


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


# --- Moving to the trash -------------------------------------------------------------------


def _collect(roots: list[Model]) -> tuple[list[dict], list[list]]:
    """Rows the deletion of `roots` removes, in insertion order, and the links it clears."""
    collector = Collector(using=router.db_for_write(type(roots[0])), force_collection=True)
    by_model = defaultdict(list)
    for root in roots:
        by_model[type(root)].append(root)
    for objs in by_model.values():
        collector.collect(objs)
    collector.sort()
    rows = []
    for model in reversed(list(collector.data)):
        # Read again whole: the collector may have loaded only the fields it needed.
        pks = sorted(obj.pk for obj in collector.data[model])
        instances = [
            obj
            for chunk in _chunks(pks)
            for obj in model._base_manager.filter(pk__in=chunk).order_by("pk")
        ]
        # Serialized as JSON text and read back: dates, decimals and UUIDs become the
        # strings the deserializer expects, and the snapshot fits a JSONField.
        rows.extend(json.loads(serializers.serialize("json", instances, cls=_Encoder)))
    updates = []
    for (model_field, _value), groups in collector.field_updates.items():
        label, attname = model_field.model._meta.label_lower, model_field.attname
        for objs in groups:
            # A queryset (cleared by one UPDATE) or instances: read the old values now.
            pairs = (
                objs.values_list("pk", attname)
                if hasattr(objs, "values_list")
                else [(obj.pk, getattr(obj, attname)) for obj in objs]
            )
            updates += [[label, pk, attname, old] for pk, old in pairs if old is not None]
    return rows, updates


def _chunks(values: list, size: int = 500):
    """`values` in slices a single query's parameters can hold on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _files(rows: list[dict]) -> list[tuple[str, int]]:
    return [
        (row["fields"]["storage_key"], row["fields"]["size"])
        for row in rows
        if row["model"] == ATTACHMENT and row["fields"]["kind"] == "file"
    ]


def move_to_trash(record: Model, *, user, delete, extra=()) -> TrashBatch:
    """Snapshot what deleting `record` (and `extra`) takes, then run `delete()`; one batch.

    The files of deleted attachments stay stored and counted until the batch is purged.
    """
    with transaction.atomic():
        private, readers = audience.of(record, deleter=user)
        summary = consequences(record, user=None)
        rows, updates = _collect([record, *extra])
        files = _files(rows)
        batch = TrashBatch.objects.create(
            organization_id=record.organization_id,
            deleted_by=user if user is not None and user.is_authenticated else None,
            kind=audience.kind_of(record),
            root_model=record._meta.label_lower,
            root_pk=record.pk,
            label=str(record)[:255],
            is_private=private,
            file_count=len(files),
            file_bytes=sum(size for _key, size in files),
            files=[list(pair) for pair in files],
            summary=summary,
            snapshot=rows,
            updates=updates,
        )
        if private:
            TrashReader.objects.bulk_create(
                TrashReader(organization_id=record.organization_id, batch=batch, user_id=pk)
                for pk in sorted(readers)
            )
        with files_kept():
            delete()
    return batch


# --- Restoring ---------------------------------------------------------------------------


@dataclass
class Restored:
    """What a restore brought back: the root (None if it could not be) and what it could not."""

    root: Model | None
    problems: list[str] = field(default_factory=list)


def _existing(model, pks) -> set:
    """Which of `pks` exist now."""
    return {
        pk
        for chunk in _chunks(sorted(pks))
        for pk in model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)
    }


def _insert(model, objs: list[Model]) -> list[Model]:
    """Insert rows as they were (raw: no auto_now, no save() overrides); return those refused."""
    fields = model._meta.local_concrete_fields
    refused = []
    try:
        with transaction.atomic():
            size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
            for start in range(0, len(objs), size):
                model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
    except IntegrityError:
        # Something now in the way (a unique value taken since): one by one, keep the rest.
        for obj in objs:
            try:
                with transaction.atomic():
                    model._base_manager._insert([obj], fields=fields, raw=True)
            except IntegrityError:
                refused.append(obj)
    return refused


def _insertion_order(models: list) -> list:
    """`models` with every model after those its foreign keys point to (nullable ones too:
    the collector orders only by the links that cannot be cleared)."""
    remaining = list(models)
    ordered: list = []
    while remaining:
        for model in remaining:
            targets = {
                fk.related_model
                for fk in model._meta.concrete_fields
                if fk.is_relation and fk.related_model is not model
            }
            if not targets & (set(remaining) - {model}):
                break
        else:
            model = remaining[0]  # a loop of links: the collector's order decides
        remaining.remove(model)
        ordered.append(model)
    return ordered


def _plural(model, count: int) -> str:
    opts = model._meta
    name = opts.verbose_name if count == 1 else opts.verbose_name_plural
    return f"{count} {name}"


def restore(batch: TrashBatch) -> Restored:
    """Put the batch's rows back with their primary keys, then the links the delete cleared.

    A row whose link points to something that no longer exists gets that link cleared if
    it may be empty, or stays out (with the rows that depend on it); the result says so.
    When the record itself cannot come back (a file whose contact is in the trash too),
    nothing is restored and the batch stays, to be restored after what it belongs to.
    """
    label = batch.label
    try:
        return _restore(batch)
    except _RootMissing:
        return Restored(
            root=None,
            problems=[
                _(
                    "%(name)s cannot be restored: what it belongs to no longer exists. "
                    "Restore that first if it is in the trash."
                )
                % {"name": label}
            ],
        )


class _RootMissing(Exception):
    """The root cannot be inserted again: the restore is rolled back."""


def _restore(batch: TrashBatch) -> Restored:
    with transaction.atomic():
        batch = TrashBatch.objects.select_for_update().get(pk=batch.pk)
        decoded = list(serializers.deserialize("python", batch.snapshot, ignorenonexistent=True))
        by_model: dict = defaultdict(list)
        for item in decoded:
            by_model[type(item.object)].append(item.object)
        by_model = {model: by_model[model] for model in _insertion_order(list(by_model))}
        restored: dict = defaultdict(set)
        missing_rows: dict = defaultdict(int)
        cleared: dict = defaultdict(int)
        for model, objs in by_model.items():
            taken = _existing(model, [obj.pk for obj in objs])
            objs = [obj for obj in objs if obj.pk not in taken]
            missing_rows[model] += len(taken)
            for fk in model._meta.concrete_fields:
                if not fk.many_to_one and not fk.one_to_one:
                    continue
                target = fk.related_model
                wanted = {getattr(obj, fk.attname) for obj in objs} - {None}
                known = restored[target] | _existing(target, wanted - restored[target])
                kept = []
                for obj in objs:
                    value = getattr(obj, fk.attname)
                    if value is None or value in known:
                        kept.append(obj)
                    elif fk.null:
                        setattr(obj, fk.attname, None)
                        cleared[fk.verbose_name] += 1
                        kept.append(obj)
                    else:
                        missing_rows[model] += 1
                objs = kept
            refused = _insert(model, objs) if objs else []
            missing_rows[model] += len(refused)
            restored[model] |= {obj.pk for obj in objs} - {obj.pk for obj in refused}
            # Rows inserted raw skip save(); a model that keeps figures beside its rows
            # (the board's stage totals) brings them in step here.
            if hook := getattr(model, "restored_from_trash", None):
                hook([obj for obj in objs if obj.pk in restored[model]])
        for label, pk, attname, old in batch.updates:
            model = apps.get_model(label)
            target = model._meta.get_field(attname.removesuffix("_id")).related_model
            if old not in restored[target] and not _existing(target, [old]):
                continue
            # Only a link still empty is set again: one chosen since the delete stays.
            model._base_manager.filter(pk=pk, **{attname: None}).update(**{attname: old})
        root_model = apps.get_model(batch.root_model)
        root = None
        if batch.root_pk in restored[root_model]:
            root = root_model._base_manager.get(pk=batch.root_pk)
        if root is None:
            raise _RootMissing
        problems = []
        lost = [_plural(model, count) for model, count in missing_rows.items() if count]
        if lost:
            problems.append(
                _("Not restored, because what they belonged to no longer exists: %(list)s.")
                % {"list": ", ".join(lost)}
            )
        if cleared:
            problems.append(
                ngettext(
                    "%(count)d link pointed to something that no longer exists and was "
                    "left empty (%(fields)s).",
                    "%(count)d links pointed to something that no longer exists and were "
                    "left empty (%(fields)s).",
                    sum(cleared.values()),
                )
                % {"count": sum(cleared.values()), "fields": ", ".join(map(str, cleared))}
            )
        kept_files = {
            item.object.storage_key
            for item in decoded
            if item.object._meta.label_lower == ATTACHMENT
            and item.object.pk in restored[type(item.object)]
        }
        lost_files = [(key, size) for key, size in batch.files if key not in kept_files]
        if lost_files:
            files_free(organization_id=batch.organization_id, files=lost_files)
        batch.delete()
    return Restored(root=root, problems=problems)


# --- Ending ------------------------------------------------------------------------------


def purge(batch: TrashBatch) -> None:
    """Delete a batch for good: its files' bytes are freed and their objects removed."""
    with transaction.atomic():
        files = [(key, size) for key, size in batch.files]
        deleted, _per_model = TrashBatch.objects.filter(
            organization_id=batch.organization_id, pk=batch.pk
        ).delete()
        if deleted:
            files_free(organization_id=batch.organization_id, files=files)


def purge_expired(*, now=None) -> int:
    """Purge the batches older than their organization's retention; return how many."""
    now = now or timezone.now()
    count = 0
    # Across organizations on purpose: the purge is the worker's, for every tenant.
    with scopes_disabled():
        organization_ids = set(TrashBatch.objects.values_list("organization_id", flat=True))
        organizations = list(Organization.objects.filter(pk__in=organization_ids))
    for organization in organizations:
        cutoff = now - timedelta(days=organization.trash_retention_days)
        with scope(organization=organization):
            for batch in TrashBatch.objects.filter(deleted_at__lt=cutoff).only(
                "id", "organization_id", "files"
            ):
                purge(batch)
                count += 1
    return count
