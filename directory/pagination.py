"""Keyset ("cursor") pagination: page 1,000 costs what page 1 costs (PRODUCT §8)."""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
    TupleLookupMixin,
)
from django.utils import timezone


@dataclass(frozen=True)
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None


MAX_CURSOR_LENGTH = 2048


def _encode(values: list) -> str:
    # Dates (and datetimes) as ISO text, decimals as text: each field's to_python reads
    # them back exactly.
    raw = json.dumps(
        [
            v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
            for v in values
        ]
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list[models.Field]) -> list | None:
    if len(cursor) > MAX_CURSOR_LENGTH:
        # No cursor _encode writes comes near this; a longer one is not read at all.
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    try:
        values = [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except Exception:  # noqa: BLE001 - any malformed cursor means "start over"
        return None
    # Cursors come from the query string: refuse values no database column can hold
    # (SQLite raises on integers beyond 64 bits, PostgreSQL on NUL in text), and nulls,
    # naive datetimes and infinite or NaN ranks, which _encode never writes.
    for value in values:
        if value is None:
            return None
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            return None
        if isinstance(value, str) and "\x00" in value:
            return None
        if isinstance(value, datetime) and timezone.is_naive(value):
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return None
    return values


def _beyond(order: list[str], values: list, *, forward: bool) -> Q | TupleLookupMixin:
    """Rows strictly after `values` in `order` (or strictly before, when not forward)."""
    directions = {term.startswith("-") for term in order}
    if len(directions) == 1:
        # One direction: a row comparison, (a, b, id) > (x, y, z), which PostgreSQL
        # answers from the (organization, a, b, id) index however deep the page.
        descending = directions.pop()
        lookup = TupleLessThan if descending == forward else TupleGreaterThan
        columns = Tuple(*(F(term.lstrip("-")) for term in order))
        return lookup(columns, tuple(values))
    condition = Q()
    for index, term in enumerate(order):
        name = term.lstrip("-")
        descending = term.startswith("-")
        lookup = "lt" if descending == forward else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        for previous, term_before in enumerate(order[:index]):
            step &= Q(**{term_before.lstrip("-"): values[previous]})
        condition |= step
    return condition


def _sort_field(queryset: models.QuerySet, name: str) -> models.Field:
    """The field behind a sort term: a model field, or an annotation such as a rank."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


def _attribute(field: models.Field, name: str) -> str:
    # An annotation's output field belongs to no model: its value sits under its name.
    return field.attname if getattr(field, "model", None) is not None else name


def keyset_paginate(
    queryset: models.QuerySet,
    *,
    order: list[str],
    per_page: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """Return one page of `queryset` in `order` (whose last term must be unique, e.g. id)."""
    names = [term.lstrip("-") for term in order]
    fields = [_sort_field(queryset, name) for name in names]
    reverse = [term[1:] if term.startswith("-") else f"-{term}" for term in order]
    cursor, forward = (before, False) if before else (after, True)
    values = _decode(cursor, fields) if cursor else None
    page_qs = queryset.order_by(*(order if forward else reverse))
    if values is not None:
        page_qs = page_qs.filter(_beyond(order, values, forward=forward))
    rows = list(page_qs[: per_page + 1])
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()

    def key(row) -> str:
        return _encode(
            [
                getattr(row, _attribute(field, name))
                for field, name in zip(fields, names, strict=True)
            ]
        )

    if not rows:
        return KeysetPage(items=[], next_cursor=None, previous_cursor=None)
    started = values is not None
    if forward:
        next_cursor = key(rows[-1]) if has_more else None
        previous_cursor = key(rows[0]) if started else None
    else:
        # Walking back from a later page: there is always a next one.
        next_cursor = key(rows[-1])
        previous_cursor = key(rows[0]) if has_more else None
    return KeysetPage(items=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


def bounded_count(queryset: models.QuerySet, limit: int = 10_000) -> tuple[int, bool]:
    """Count up to `limit` rows; return (count, more_than_limit). Large counts stay cheap."""
    count = queryset.order_by().values("pk")[: limit + 1].count()
    return min(count, limit), count > limit


class BoundedCount(models.Subquery):
    """`(SELECT COUNT(*) FROM (<queryset, sliced>))`: a bounded count inside another query.

    Annotate the rows of a page with the number of rows there are in all, without a
    query of its own; slice `queryset` to `limit + 1` rows, as bounded_count does.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = models.IntegerField()
