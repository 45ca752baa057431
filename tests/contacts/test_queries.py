"""The directory pages run a fixed number of queries, whatever the number of rows.

Each page is loaded with 5 rows and with 30 (a quarter of them private, some mentioning
the reader): the counts must be equal, and within a fixed bound.
"""

import pytest
from django.urls import reverse

from organizations.scoping import scopes_disabled
from tests import factories

# What a page costs: session, user and the memberships (the current one and the switcher's)
# are common to every page under /o/<slug>/; the session is written only when it changes.
# Lists and detail pages stay within ten queries (issue 6), whatever the rows.
LIST_QUERIES = 10
DETAIL_QUERIES = 10
# The edit pages render the detail formsets (a query per kind).
EDIT_QUERIES = 12
SMALL_QUERIES = 10


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


def directory(acme, carol, bob, rows: int) -> dict:
    """A company with `rows` persons and a contact with `rows` companies, all detailed."""
    with scopes_disabled():
        company = factories.CompanyFactory(organization=acme, name="Hub company", created_by=carol)
        contact = factories.ContactFactory(organization=acme, last_name="Hub", created_by=carol)
        for record in (company, contact):
            for position in range(3):
                record.emails.create(
                    organization=acme, email=f"hub{position}@example.com", position=position
                )
                record.phones.create(
                    organization=acme, number=f"+39021234567{position}", position=position
                )
                record.addresses.create(organization=acme, city="Milano", position=position)
        kind = factories.RecordTypeFactory(organization=acme, name="Client")
        for index in range(rows):
            private = index % 4 == 0
            person = factories.ContactFactory(
                organization=acme,
                type=kind,
                created_by=carol,
                visibility="private" if private else "public",
            )
            person.emails.create(organization=acme, email=f"person{index}@example.com")
            person.phones.create(organization=acme, number="+390212345678")
            factories.AffiliationFactory(contact=person, company=company, is_primary=True)
            other = factories.CompanyFactory(
                organization=acme,
                type=kind,
                created_by=carol,
                visibility="private" if private else "public",
            )
            other.emails.create(organization=acme, email=f"company{index}@example.com")
            factories.AffiliationFactory(contact=contact, company=other)
            if index % 8 == 0:
                factories.mention(person, bob)
                factories.mention(other, bob)
    return {"company": company, "contact": contact}


PAGES = [
    ("contact list", LIST_QUERIES, lambda d: (url("contact_list"), {})),
    ("contact search", LIST_QUERIES, lambda d: (url("contact_list"), {"q": "example 0212"})),
    (
        "contact list by company",
        LIST_QUERIES,
        lambda d: (url("contact_list"), {"company": d["company"].pk}),
    ),
    *[
        (
            f"contact list by {sort}",
            LIST_QUERIES,
            lambda d, s=sort: (url("contact_list"), {"sort": s}),
        )
        for sort in ["-name", "created", "-created", "updated", "-updated"]
    ],
    *[
        (
            f"company list by {sort}",
            LIST_QUERIES,
            lambda d, s=sort: (url("company_list"), {"sort": s}),
        )
        for sort in ["-name", "created", "-created", "updated", "-updated"]
    ],
    ("company list", LIST_QUERIES, lambda d: (url("company_list"), {})),
    ("company search", LIST_QUERIES, lambda d: (url("company_list"), {"q": "example"})),
    ("contact detail", DETAIL_QUERIES, lambda d: (d["contact"].get_absolute_url(), {})),
    ("company detail", DETAIL_QUERIES, lambda d: (d["company"].get_absolute_url(), {})),
    ("contact edit", EDIT_QUERIES, lambda d: (url("contact_edit", pk=d["contact"].pk), {})),
    ("company edit", EDIT_QUERIES, lambda d: (url("company_edit", pk=d["company"].pk), {})),
    # A search that finds something at both sizes: one finding nothing skips the page's
    # query (its id list is empty), which is one query fewer, not a different page.
    ("contact picker", SMALL_QUERIES, lambda d: (url("contact_autocomplete"), {"q": "hub"})),
    ("company picker", SMALL_QUERIES, lambda d: (url("company_autocomplete"), {"q": "hub"})),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "bound", "target"), PAGES, ids=[p[0] for p in PAGES])
def test_a_page_runs_the_same_queries_for_5_rows_as_for_30(
    client_for, django_assert_max_num_queries, acme, bob, carol, page, bound, target
):
    counts = {}
    # The second round adds 30 rows to the first 5: lists then hold more than a page.
    for rows in (5, 30):
        data = directory(acme, carol, bob, rows)
        client = client_for(bob)
        path, params = target(data)
        client.get(path, params)  # warm the session and caches
        with django_assert_max_num_queries(bound) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        counts[rows] = len(captured)

    assert counts[5] == counts[30], counts
