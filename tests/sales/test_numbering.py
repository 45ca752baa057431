"""Numbers are given at issue, per series, with no gap and no duplicate.

The concurrency test issues 20 invoices from 20 threads at once on PostgreSQL (each
thread its own connection and transaction): the counter row's lock serializes them.
SQLite serializes every writer anyway, so the test is skipped there.
"""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from organizations.scoping import scopes_disabled
from sales import numbering, services
from sales.models import Document, Kind, NumberSeries, Status
from tests import factories

LINE = {"quantity": "1", "unit_price": "10", "tax_rate": "22"}


@pytest.mark.parametrize(
    ("fmt", "day", "value", "text"),
    [
        ("INV-[YYYY]-%%%%", date(2026, 3, 1), 7, "INV-2026-0007"),
        ("F[YY]%%%", date(2023, 1, 9), 1, "F23001"),
        ("FAC%%%%-[YYYY]", date(2026, 1, 1), 12, "FAC0012-2026"),
        ("[YYYY]/[MM]/%%", date(2026, 11, 5), 3, "2026/11/03"),
        ("Q-%%", date(2026, 1, 1), 123, "Q-123"),  # more numbers than digits: kept whole
    ],
)
def test_format(fmt, day, value, text):
    assert numbering.render(fmt, day, value) == text


@pytest.mark.parametrize(
    ("fmt", "valid"), [("INV-%%%%", True), ("INV-[YYYY]", False), ("%%-%%", False)]
)
def test_a_format_has_one_run_of_digits(fmt, valid):
    assert numbering.valid_format(fmt) is valid


@pytest.mark.django_db
def test_drafts_have_no_number_and_issuing_numbers_them_in_order(acme, alice):
    company = factories.CompanyFactory(organization=acme)
    drafts = [factories.document(acme, company=company, lines=[LINE]) for _ in range(3)]
    assert all(d.number == "" and d.status == Status.DRAFT for d in drafts)

    for draft in drafts:
        factories.issued(draft, user=alice, issue_date=date(2026, 2, 1))

    with scopes_disabled():
        numbers = list(Document.objects.order_by("number_value").values_list("number", flat=True))
    assert numbers == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]


@pytest.mark.django_db
def test_each_kind_and_year_counts_on_its_own(acme, alice):
    company = factories.CompanyFactory(organization=acme)

    first = factories.issued(
        factories.document(acme, company=company, lines=[LINE]), issue_date=date(2025, 12, 31)
    )
    quote = factories.issued(
        factories.document(acme, kind=Kind.QUOTE, company=company, lines=[LINE]),
        issue_date=date(2026, 1, 1),
    )
    new_year = factories.issued(
        factories.document(acme, company=company, lines=[LINE]), issue_date=date(2026, 1, 1)
    )

    assert (first.number, quote.number, new_year.number) == (
        "INV-2025-0001",
        "QUO-2026-0001",
        "INV-2026-0001",
    )


@pytest.mark.django_db
def test_a_series_without_yearly_reset_keeps_counting(acme):
    company = factories.CompanyFactory(organization=acme)
    with scopes_disabled():
        series = NumberSeries.objects.create(
            organization=acme, kind=Kind.INVOICE, name="Shop", format="S%%%%%", yearly_reset=False
        )
        numbers = [
            services.document_issue(
                document=factories.document(acme, company=company, lines=[LINE]),
                user=None,
                series=series,
                issue_date=day,
            ).number
            for day in (date(2025, 6, 1), date(2026, 6, 1))
        ]
    assert numbers == ["S00001", "S00002"]


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(acme, alice):
    """A credit note worth more than its invoice is refused after taking a number: the
    rollback returns it, and the next document gets it."""
    company = factories.CompanyFactory(organization=acme)
    invoice = factories.issued(factories.document(acme, company=company, lines=[LINE]))
    too_much = factories.document(
        acme,
        kind=Kind.CREDIT_NOTE,
        company=company,
        source=invoice,
        lines=[{**LINE, "unit_price": "999"}],
    )

    with pytest.raises(ValidationError), scopes_disabled():
        services.document_issue(document=too_much, user=alice)

    with scopes_disabled():
        too_much.refresh_from_db()
        assert too_much.status == Status.DRAFT and too_much.number == ""
    fine = factories.issued(
        factories.document(acme, kind=Kind.CREDIT_NOTE, company=company, source=invoice,
                           lines=[LINE])
    )  # fmt: skip
    assert fine.number.endswith("-0001")


@pytest.mark.django_db
def test_issuing_twice_is_refused(acme):
    company = factories.CompanyFactory(organization=acme)
    draft = factories.document(acme, company=company, lines=[LINE])
    factories.issued(draft)

    with pytest.raises(ValidationError):
        factories.issued(draft)
    with scopes_disabled():
        assert Document.objects.get(pk=draft.pk).number_value == 1


@pytest.mark.django_db
def test_a_document_without_lines_is_not_issued(acme):
    draft = factories.document(acme, company=factories.CompanyFactory(organization=acme))
    with pytest.raises(ValidationError):
        factories.issued(draft)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under concurrency: PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_get_twenty_numbers_without_gap_or_duplicate(acme):
    company = factories.CompanyFactory(organization=acme)
    drafts = [factories.document(acme, company=company, lines=[LINE]) for _ in range(20)]
    with scopes_disabled():
        services.default_series(acme, Kind.INVOICE)
    barrier = threading.Barrier(len(drafts))
    errors = []

    def issue(draft):
        try:
            barrier.wait()
            with scopes_disabled(), transaction.atomic():
                services.document_issue(document=draft, user=None, issue_date=date(2026, 5, 1))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with scopes_disabled():
        values = sorted(Document.objects.values_list("number_value", flat=True))
        numbers = set(Document.objects.values_list("number", flat=True))
    assert values == list(range(1, 21))
    assert len(numbers) == 20


@pytest.mark.django_db
def test_issuing_reads_and_writes_a_bounded_number_of_rows(
    acme, alice, django_assert_max_num_queries
):
    """Issuing 1,000 invoices in a row must stay fast: a handful of queries each."""
    company = factories.CompanyFactory(organization=acme)
    first, second = (factories.document(acme, company=company, lines=[LINE, LINE]) for _ in "ab")
    factories.issued(first, user=alice)  # the series and its counter exist from now on

    with scopes_disabled(), django_assert_max_num_queries(10):
        services.document_issue(document=second, user=alice)
