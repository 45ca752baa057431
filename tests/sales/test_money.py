"""Totals and rounding of documents: table-driven, no database.

Each row is a document's lines (quantity, unit price, discount %, tax %, withholding %)
in a currency, and the net, tax, withholding and total a reader would check by hand.
"""

from decimal import Decimal as D

import pytest

from sales import money
from sales.money import LineAmounts


def lines(*rows):
    return [
        LineAmounts(quantity=D(q), unit_price=D(p), discount_pct=D(d), tax_rate=D(t),
                    withholding_rate=D(w))
        for q, p, d, t, w in rows
    ]  # fmt: skip


CASES = [
    # id, currency, lines, net, tax, withholding, gross
    ("one line at 22%", "EUR", lines(("2", "50", "0", "22", "0")),
     "100.00", "22.00", "0.00", "122.00"),
    ("mixed rates, tax per rate on the sum of nets", "EUR",
     lines(("1", "10.01", "0", "22", "0"), ("1", "10.01", "0", "22", "0"),
           ("3", "4.99", "0", "10", "0"), ("1", "7", "0", "0", "0")),
     "41.99", "5.90", "0.00", "47.89"),
    ("tax rounded half up once per rate, not per line", "EUR",
     lines(("1", "0.05", "0", "10", "0"), ("1", "0.05", "0", "10", "0"),
           ("1", "0.05", "0", "10", "0")),
     "0.15", "0.02", "0.00", "0.17"),
    ("discount per line, net rounded half up", "EUR",
     lines(("3", "33.335", "10", "22", "0")),
     "90.00", "19.80", "0.00", "109.80"),
    ("Italian professional: VAT 22% and ritenuta 20%", "EUR",
     lines(("1", "1000", "0", "22", "20")),
     "1000.00", "220.00", "-200.00", "1020.00"),
    ("Spanish IRPF 15% on one line of two", "EUR",
     lines(("10", "60", "0", "21", "15"), ("1", "40", "0", "21", "0")),
     "640.00", "134.40", "-90.00", "684.40"),
    ("yen have no decimals", "JPY",
     lines(("3", "333.5", "0", "10", "0")),
     "1001", "100", "0", "1101"),
    ("dinars of Bahrain have three", "BHD",
     lines(("1", "1.2345", "0", "10", "0")),
     "1.235", "0.124", "0.000", "1.359"),
    ("a free line and a 100% discount", "EUR",
     lines(("1", "0", "0", "22", "0"), ("5", "10", "100", "22", "0")),
     "0.00", "0.00", "0.00", "0.00"),
    ("credit note of one line of the invoice above (amounts stay positive)", "EUR",
     lines(("1", "40", "0", "21", "0")),
     "40.00", "8.40", "0.00", "48.40"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("currency", "rows", "net", "tax", "withholding", "gross"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_totals(currency, rows, net, tax, withholding, gross):
    totals = money.compute(rows, currency)

    assert (totals.net, totals.tax, totals.withholding, totals.gross) == (
        D(net),
        D(tax),
        D(withholding),
        D(gross),
    )
    assert str(totals.gross) == gross  # rounded to the currency's own decimals


def test_taxes_are_listed_per_rate_with_their_base():
    totals = money.compute(
        lines(
            ("1", "100", "0", "22", "20"), ("1", "50", "0", "10", "0"), ("1", "30", "0", "22", "0")
        ),
        "EUR",
    )

    assert [(t.rate, t.base, t.amount) for t in totals.taxes] == [
        (D("10"), D("50.00"), D("5.00")),
        (D("22"), D("130.00"), D("28.60")),
    ]
    assert [(w.rate, w.base, w.amount) for w in totals.withholdings] == [
        (D("20"), D("100.00"), D("-20.00"))
    ]


@pytest.mark.parametrize(
    ("currency", "places"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("BHD", 3), ("XYZ", 2)]
)
def test_currency_decimals_come_from_the_cldr(currency, places):
    assert money.decimals(currency) == places


@pytest.mark.parametrize(
    ("locale", "text"), [("it", "1.234,50\xa0€"), ("en", "€1,234.50"), ("de", "1.234,50\xa0€")]
)
def test_money_is_written_the_readers_way(locale, text):
    assert money.money(D("1234.5"), "EUR", locale) == text
