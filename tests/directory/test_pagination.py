"""Keyset pagination walks every row once, forwards and backwards, in any list order."""

import base64

import pytest
from django.db.models import FloatField, Value
from django.db.models.functions import Length
from django.utils import timezone

from contacts.models import Contact
from directory.pagination import keyset_paginate
from tests.factories import ContactFactory

ORDERS = [["last_name", "first_name", "id"], ["-created_at", "-id"], ["-updated_at", "-id"]]


@pytest.fixture
def contacts(acme):
    # Equal last names force the tie-breakers to do their job.
    return [
        ContactFactory(organization=acme, last_name=name, first_name=first)
        for name, first in [("Rossi", "Anna"), ("Rossi", "Anna"), ("Bianchi", "Luca"),
                            ("Verdi", "Elena"), ("Rossi", "Marco"), ("Conti", "Sara"),
                            ("Bianchi", "Aldo")]
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("order", ORDERS)
def test_next_cursors_visit_every_row_once_in_order(contacts, acme, order):
    queryset = Contact.objects.filter(organization=acme)
    expected = list(queryset.order_by(*order).values_list("pk", flat=True))
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_paginate(queryset, order=order, per_page=3, after=cursor)
        seen += [c.pk for c in page.items]
        pages.append(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert len(pages) == 3
    assert pages[0].previous_cursor is None


@pytest.mark.django_db
@pytest.mark.parametrize("order", ORDERS)
def test_previous_cursor_returns_to_the_page_before(contacts, acme, order):
    queryset = Contact.objects.filter(organization=acme)
    first = keyset_paginate(queryset, order=order, per_page=3)
    second = keyset_paginate(queryset, order=order, per_page=3, after=first.next_cursor)
    back = keyset_paginate(queryset, order=order, per_page=3, before=second.previous_cursor)
    assert [c.pk for c in back.items] == [c.pk for c in first.items]
    assert back.previous_cursor is None
    assert back.next_cursor is not None


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJhIiwgMV0", "%%%", ""])
def test_a_forged_cursor_starts_from_the_first_page(contacts, acme, cursor):
    queryset = Contact.objects.filter(organization=acme)
    page = keyset_paginate(queryset, order=ORDERS[0], per_page=3, after=cursor)
    assert len(page.items) == 3


# Every order the contact list offers, both directions (contacts.selectors.SORTS).
ALL_ORDERS = [
    ["last_name", "first_name", "id"],
    ["-last_name", "-first_name", "-id"],
    ["created_at", "id"],
    ["-created_at", "-id"],
    ["updated_at", "id"],
    ["-updated_at", "-id"],
]


def walk(queryset, order, *, per_page=2, between=None) -> list[int]:
    """Follow next cursors to the end; call `between(page_number)` after each page."""
    seen, cursor, number = [], None, 0
    while True:
        page = keyset_paginate(queryset, order=order, per_page=per_page, after=cursor)
        seen += [row.pk for row in page.items]
        number += 1
        if between is not None:
            between(number)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.fixture
def tied(contacts, acme):
    """The seven contacts, four of them sharing one creation and one update instant."""
    instant = timezone.now()
    ids = [c.pk for c in contacts[:4]]
    Contact.objects.filter(organization=acme, pk__in=ids).update(
        created_at=instant, updated_at=instant
    )
    return contacts


@pytest.mark.django_db
@pytest.mark.parametrize("order", ALL_ORDERS, ids=lambda o: ",".join(o))
def test_walking_every_order_shows_each_record_once_even_with_ties(tied, acme, order):
    queryset = Contact.objects.filter(organization=acme)

    seen = walk(queryset, order)

    assert seen == list(queryset.order_by(*order).values_list("pk", flat=True))
    assert len(set(seen)) == len(tied)


@pytest.mark.django_db
@pytest.mark.parametrize("order", ALL_ORDERS, ids=lambda o: ",".join(o))
def test_records_added_while_walking_neither_repeat_nor_hide_the_others(tied, acme, order):
    queryset = Contact.objects.filter(organization=acme)
    before = set(queryset.values_list("pk", flat=True))
    added = []

    def insert(page_number: int) -> None:
        # After the first and the second page, a colleague adds contacts that sort
        # anywhere: first, last and in between.
        if page_number <= 2:
            for name in ("Aaron", "Mancini", "Zappa"):
                added.append(ContactFactory(organization=acme, last_name=name).pk)

    seen = walk(queryset, order, between=insert)

    assert len(seen) == len(set(seen))  # no record twice
    assert before <= set(seen)  # every record that existed before the walk
    assert set(seen) <= before | set(added)


@pytest.mark.django_db
def test_walking_backwards_from_the_last_page_shows_each_record_once(tied, acme):
    queryset = Contact.objects.filter(organization=acme)
    order = ["-updated_at", "-id"]
    pages = [keyset_paginate(queryset, order=order, per_page=2)]
    while pages[-1].next_cursor:
        pages.append(
            keyset_paginate(queryset, order=order, per_page=2, after=pages[-1].next_cursor)
        )
    seen, page = [], pages[-1]
    seen = [row.pk for row in page.items]
    while page.previous_cursor:
        page = keyset_paginate(queryset, order=order, per_page=2, before=page.previous_cursor)
        seen = [row.pk for row in page.items] + seen
    assert seen == list(queryset.order_by(*order).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("order", [["-rank", "-id"], ["rank", "id"]])
def test_an_annotated_order_such_as_a_search_rank_pages_like_a_column(tied, acme, order):
    # Ranks with ties, as a relevance sort gives them.
    queryset = Contact.objects.filter(organization=acme).annotate(
        rank=Length("last_name") * Value(0.5, output_field=FloatField())
    )

    seen = walk(queryset, order)

    assert seen == list(queryset.order_by(*order).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_cursor_with_an_impossible_rank_starts_from_the_first_page(tied, acme, value):
    queryset = Contact.objects.filter(organization=acme).annotate(
        rank=Value(1.0, output_field=FloatField())
    )
    cursor = base64.urlsafe_b64encode(f"[{value}, 1]".encode()).decode()

    page = keyset_paginate(queryset, order=["-rank", "-id"], per_page=3, after=cursor)

    assert page.previous_cursor is None
    assert len(page.items) == 3
