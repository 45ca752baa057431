"""Money arithmetic of documents: `Decimal` only, rounded half-up to the currency's decimals.

A line's net is `quantity × unit price × (1 − discount %)`, rounded to the currency. Taxes
are computed once per rate on the sum of the nets at that rate, not per line (no cent lost
or gained by rounding each line), and so are withholdings (the Italian *ritenuta
d'acconto*, the Spanish *IRPF*): a withholding is subtracted from the total. Credit notes
hold positive amounts; the figures subtract them (selectors).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@lru_cache(maxsize=256)
def decimals(currency: str) -> int:
    """The currency's minor-unit digits (EUR 2, JPY 0, BHD 3) from the CLDR (Babel)."""
    try:
        return get_currency_precision(currency)
    except Exception:  # an unknown code: cents, as most currencies
        return 2


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-decimals(currency))


def round_money(value: Decimal, currency: str) -> Decimal:
    return Decimal(value).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def line_net(quantity, unit_price, discount_pct, currency: str) -> Decimal:
    gross = Decimal(quantity) * Decimal(unit_price)
    return round_money(gross * (HUNDRED - Decimal(discount_pct or 0)) / HUNDRED, currency)


@dataclass
class RateTotal:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass
class Totals:
    currency: str
    net: Decimal = ZERO
    tax: Decimal = ZERO
    withholding: Decimal = ZERO  # zero or negative
    gross: Decimal = ZERO
    taxes: list[RateTotal] = field(default_factory=list)
    withholdings: list[RateTotal] = field(default_factory=list)


@dataclass
class LineAmounts:
    """What `compute` needs of a line (a DocumentLine fits)."""

    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal = ZERO
    tax_rate: Decimal = ZERO
    withholding_rate: Decimal = ZERO


def compute(lines: Iterable, currency: str) -> Totals:
    """The document's totals: net, tax per rate, withholding per rate, gross."""
    totals = Totals(currency=currency)
    by_tax: dict[Decimal, Decimal] = {}
    by_withholding: dict[Decimal, Decimal] = {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price, line.discount_pct, currency)
        totals.net += net
        rate = Decimal(line.tax_rate or 0).normalize()
        by_tax[rate] = by_tax.get(rate, ZERO) + net
        held = Decimal(line.withholding_rate or 0).normalize()
        if held:
            by_withholding[held] = by_withholding.get(held, ZERO) + net
    for rate, base in sorted(by_tax.items()):
        amount = round_money(base * rate / HUNDRED, currency)
        totals.taxes.append(RateTotal(rate=rate, base=base, amount=amount))
        totals.tax += amount
    for rate, base in sorted(by_withholding.items()):
        amount = -round_money(base * rate / HUNDRED, currency)
        totals.withholdings.append(RateTotal(rate=rate, base=base, amount=amount))
        totals.withholding += amount
    totals.net = round_money(totals.net, currency)
    totals.tax = round_money(totals.tax, currency)
    totals.withholding = round_money(totals.withholding, currency)
    totals.gross = totals.net + totals.tax + totals.withholding
    return totals


def money(value, currency: str, locale: str) -> str:
    """`value` in `currency` the way `locale` writes it, to the currency's decimals."""
    if value is None:
        return ""
    return format_currency(
        round_money(value, currency), currency, locale=locale, currency_digits=True
    )
