"""Merging duplicate contacts or companies into one, and undoing a merge (issue 17).

Everything happens in one transaction, recorded by the field history as made from a
merge (`history.context`): every row that points at a loser (affiliations, files, notes,
activity links, connections, client links of projects, opportunities, timeline rows and
notifications — found from the models' foreign keys, so a new app's links move too) is
re-pointed to the survivor; a row that cannot move because the survivor already has the
same link (both connected to one project) stays with its loser. The survivor takes the
chosen values and contact points; then each loser goes to the trash, with what stayed.
The `Merge` row keeps what the undo needs to give back both records exactly.
"""

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Affiliation, Company
from companies.services import company_delete
from contacts.models import Contact
from contacts.services import contact_delete
from directory import journal
from directory.models import DirectoryRecord
from directory.services import check_audience, replace_details
from events.models import Event, EventKind
from events.services import field_changes, record_event
from history.context import Source, context
from merging.models import Merge, MergeKind
from organizations.models import User
from trash.models import TrashBatch
from trash.services import move_to_trash, restore

# The rows that belong to a record itself: replaced by the merge's choice, not moved.
OWN_ROWS = ("emails", "phones", "addresses", "mentions")

MODELS = {MergeKind.CONTACT: Contact, MergeKind.COMPANY: Company}


def kind_of(model: type[DirectoryRecord]) -> str:
    return MergeKind.CONTACT if model is Contact else MergeKind.COMPANY


def model_of(kind: str) -> type[DirectoryRecord]:
    return MODELS[kind]


class _Encoder(DjangoJSONEncoder):
    """Times keep their microseconds (Django's encoder cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def _serialize(objs: list[Model]) -> list[dict]:
    return json.loads(serializers.serialize("json", objs, cls=_Encoder))


def _deserialize(rows: list[dict]) -> list[Model]:
    return [item.object for item in serializers.deserialize("python", rows, ignorenonexistent=True)]


def own_models(model: type[DirectoryRecord]) -> set:
    return {model._meta.get_field(name).related_model for name in OWN_ROWS}


def links_to(model: type[DirectoryRecord]) -> list[tuple[type[Model], object]]:
    """Every (model, foreign key) pointing at `model`, but its own contact points and mentions."""
    own = own_models(model)
    return [
        (related, field)
        for related in apps.get_models()
        if related not in own
        for field in related._meta.concrete_fields
        if field.many_to_one and field.related_model is model
    ]


def _own_rows(record: DirectoryRecord) -> list[Model]:
    model = type(record)
    owner = model._meta.model_name
    rows = []
    for name in OWN_ROWS:
        related = model._meta.get_field(name).related_model
        rows += list(
            related._base_manager.filter(
                organization_id=record.organization_id, **{owner: record.pk}
            ).order_by("pk")
        )
    return rows


def _unset_second_primary(loser: Contact, survivor: Contact, changed: list) -> None:
    """A contact has one primary company: the loser's stops being primary if the survivor
    has one (and moves only when the survivor is not linked to that company already)."""
    rows = Affiliation._base_manager.filter(organization_id=survivor.organization_id)
    if not rows.filter(contact_id=survivor.pk, is_primary=True).exists():
        return
    linked = rows.filter(contact_id=survivor.pk).values("company_id")
    for affiliation in rows.filter(contact_id=loser.pk, is_primary=True).exclude(
        company_id__in=linked
    ):
        rows.filter(pk=affiliation.pk).update(is_primary=False)
        changed.append([Affiliation._meta.label_lower, affiliation.pk, "is_primary", True])


def _repoint(loser: DirectoryRecord, survivor: DirectoryRecord, moved: list, changed: list):
    """Move every link from `loser` to `survivor`; a link the survivor has already stays."""
    if isinstance(survivor, Contact):
        _unset_second_primary(loser, survivor, changed)
    for model, field in links_to(type(survivor)):
        rows = model._base_manager.filter(
            organization_id=survivor.organization_id, **{field.attname: loser.pk}
        )
        pks = sorted(rows.values_list("pk", flat=True))
        if not pks:
            continue
        label = model._meta.label_lower
        try:
            with transaction.atomic():
                model._base_manager.filter(pk__in=pks).update(**{field.attname: survivor.pk})
            done = pks
        except IntegrityError:
            done = []
            for pk in pks:
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{field.attname: survivor.pk})
                    done.append(pk)
                except IntegrityError:
                    continue  # the survivor has this link already: it goes with the loser
        moved += [[label, pk, field.attname, loser.pk] for pk in done]


def _labels(model: type[DirectoryRecord], names) -> dict:
    labels = {
        field.name: field.verbose_name
        for field in model._meta.concrete_fields
        if field.name in names
    }
    labels.update(emails=_("emails"), phones=_("phones"), addresses=_("addresses"))
    return labels


def _delete(record: DirectoryRecord) -> None:
    if isinstance(record, Contact):
        contact_delete(contact=record)
    else:
        company_delete(company=record)


def merge_records(
    *,
    survivor: DirectoryRecord,
    losers: list[DirectoryRecord],
    values: dict,
    emails: list[dict],
    phones: list[dict],
    addresses: list[dict],
    user: User,
) -> Merge:
    """Merge `losers` into `survivor`: its fields become `values`, its contact points the
    given ones, every link moves to it and the losers go to the trash. All or nothing.

    Raises ValidationError when a record changed meanwhile (deleted) or when the chosen
    description would share a private survivor with someone new (`check_audience`).
    """
    model = type(survivor)
    organization = survivor.organization
    whose = model._meta.model_name
    with transaction.atomic(), context(user=user, source=Source.MERGE):
        pks = [survivor.pk, *(loser.pk for loser in losers)]
        locked = list(
            model._base_manager.select_for_update()
            .filter(organization_id=organization.pk, pk__in=pks)
            .values_list("pk", flat=True)
        )
        if len(locked) != len(set(pks)):
            raise ValidationError(_("One of these records was deleted meanwhile."))
        survivor_row = _serialize([model._base_manager.get(pk=survivor.pk)])[0]
        survivor_rows = _serialize(_own_rows(survivor))
        before = journal.snapshot(survivor)
        moved: list = []
        changed: list = []
        for loser in losers:
            _repoint(loser, survivor, moved, changed)
        for name, value in values.items():
            setattr(survivor, name, value)
        check_audience(survivor, editor=user)
        survivor.save()
        replace_details(survivor, emails=emails, phones=phones, addresses=addresses)
        changes = field_changes(before, journal.snapshot(survivor), _labels(model, before))
        merge = Merge.objects.create(
            organization=organization,
            kind=kind_of(model),
            survivor_id=survivor.pk,
            label=str(survivor)[:255],
            merged_labels=[str(loser) for loser in losers],
            merged_by=user,
            moved=moved,
            changed=changed,
            survivor_row=survivor_row,
            survivor_rows=survivor_rows,
        )
        events = [
            record_event(
                organization=organization,
                kind=EventKind.MERGED,
                actor=user,
                data={"names": merge.merged_labels, "fields": changes, "merge": merge.pk},
                **{whose: survivor},
            )
        ]
        for loser in losers:
            loser_pk = loser.pk
            events.append(
                record_event(
                    organization=organization,
                    kind=EventKind.MERGED_INTO,
                    actor=user,
                    data={"name": merge.label, "merge": merge.pk},
                    **{whose: loser},
                )
            )
            batch = move_to_trash(loser, user=user, delete=lambda loser=loser: _delete(loser))
            merge.losers.append([loser_pk, batch.pk])
        merge.event_ids = [event.pk for event in events]
        merge.save(update_fields=["losers", "event_ids"])
    return merge


def _insert(model: type[Model], objs: list[Model]) -> None:
    """Insert rows exactly as they were (raw: no auto_now, no save() overrides)."""
    fields = model._meta.local_concrete_fields
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)


def undo_merge(merge: Merge, *, user: User) -> Merge:
    """Give back the records of a merge exactly as they were before it.

    The losers come back from the trash (or are there already, restored by hand), the
    moved links go back to them where they still point at the survivor, the survivor gets
    its former values, contact points and mentions, and the merge's timeline events go.
    Raises ValidationError when that is no longer possible.
    """
    with transaction.atomic(), context(user=user, source=Source.MERGE):
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if not merge.can_be_undone:
            raise ValidationError(_("This merge can no longer be undone."))
        model = model_of(merge.kind)
        records = model._base_manager.filter(organization_id=merge.organization_id)
        if not records.filter(pk=merge.survivor_id).exists():
            raise ValidationError(
                _("%(name)s has been deleted since the merge: restore it first.")
                % {"name": merge.label}
            )
        for loser_pk, batch_id in merge.losers:
            batch = TrashBatch.objects.filter(pk=batch_id).first()
            if batch is not None:
                result = restore(batch)
                if result.root is None:
                    raise ValidationError(result.problems)
            elif not records.filter(pk=loser_pk).exists():
                raise ValidationError(
                    _("A merged record was deleted for good: the merge cannot be undone.")
                )
        try:
            with transaction.atomic():
                for label, pk, attname, old in merge.moved:
                    apps.get_model(label)._base_manager.filter(
                        pk=pk, **{attname: merge.survivor_id}
                    ).update(**{attname: old})
                for label, pk, attname, old in merge.changed:
                    apps.get_model(label)._base_manager.filter(pk=pk).update(**{attname: old})
        except IntegrityError as error:
            raise ValidationError(
                _("A link moved by the merge has changed since: the merge cannot be undone.")
            ) from error
        original = _deserialize([merge.survivor_row])[0]
        records.filter(pk=merge.survivor_id).update(
            **{
                field.attname: getattr(original, field.attname)
                for field in model._meta.concrete_fields
                if not field.primary_key
            }
        )
        survivor = records.get(pk=merge.survivor_id)
        for row in _own_rows(survivor):
            type(row)._base_manager.filter(pk=row.pk).delete()
        by_model = defaultdict(list)
        for row in _deserialize(merge.survivor_rows):
            by_model[type(row)].append(row)
        for row_model, rows in by_model.items():
            _insert(row_model, rows)
        Event.objects.filter(organization_id=merge.organization_id, pk__in=merge.event_ids).delete()
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
    return merge
