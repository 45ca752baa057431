"""Keyset pagination walks every row once, forwards and backwards, in any list order."""

import pytest

from contacts.models import Contact
from organizations.pagination import keyset_paginate
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
