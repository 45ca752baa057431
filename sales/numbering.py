"""Numbers of issued documents: per series, gapless, assigned inside the issuing transaction.

`take(series, day)` locks the series' counter row for the period (`SELECT … FOR UPDATE`)
until the caller's transaction ends: a concurrent issue waits for it, a rolled-back issue
gives the number back. The unique constraint (series, period, number) is the last guard.
"""

import re
from datetime import date

from django.db import transaction

from sales.models import NumberCounter, NumberSeries

PLACEHOLDERS = re.compile(r"%+")


def render(fmt: str, day: date, value: int) -> str:
    """`INV-[YYYY]-%%%%`, 2026-03-01, 7 → INV-2026-0007 (more digits than % are kept)."""
    text = fmt.replace("[YYYY]", f"{day.year:04d}").replace("[YY]", f"{day.year % 100:02d}")
    text = text.replace("[MM]", f"{day.month:02d}")
    if not PLACEHOLDERS.search(text):
        return f"{text}{value}"
    return PLACEHOLDERS.sub(lambda match: str(value).zfill(len(match.group())), text, count=1)


def valid_format(fmt: str) -> bool:
    return bool(PLACEHOLDERS.search(fmt)) and len(PLACEHOLDERS.findall(fmt)) == 1


def period_of(series: NumberSeries, day: date) -> int:
    return day.year if series.yearly_reset else 0


def take(series: NumberSeries, day: date) -> tuple[str, int, int]:
    """The next number of `series` for `day`: (text, value, period). Call in a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number is taken inside the issuing transaction.")
    period = period_of(series, day)
    counters = NumberCounter.objects.select_for_update().filter(
        organization_id=series.organization_id, series=series, period=period
    )
    counter = counters.first()
    if counter is None:  # the period's first number: make its counter (once), then lock it
        NumberCounter.objects.bulk_create(
            [NumberCounter(organization_id=series.organization_id, series=series, period=period)],
            ignore_conflicts=True,
        )
        counter = counters.get()
    value = counter.next_value
    counter.next_value = value + 1
    counter.save(update_fields=["next_value"])
    return render(series.format, day, value), value, period
