"""Searches whose words match thousands: bounded work, the best matches, typos found whole.

On SQLite and PostgreSQL alike (the cap is set small so a few rows play thousands).
"""

import pytest
from django.db import connection

from companies.selectors import company_search
from contacts.models import Contact
from contacts.selectors import SORTS, contact_search
from directory.search import name_prefix, name_prefix_order
from organizations.scoping import scope, scopes_disabled
from tests import factories
from tests.directory.search.conftest import contact_ids, url
from transfers.duplication import directory_duplicate

pytestmark = pytest.mark.django_db


def person(org, first, last, *, by, **fields):
    with scopes_disabled():
        return factories.ContactFactory(
            organization=org, first_name=first, last_name=last, created_by=by, **fields
        )


def found(user, org, q) -> list[Contact]:
    with scope(organization=org):
        return list(contact_search(user, org, q=q).order_by(*SORTS["relevance"]))


@pytest.fixture
def espositos(acme, carol):
    """Three people named Esposito, and one found only through her email."""
    people = [person(acme, f"Anna{n}", "Esposito", by=carol) for n in range(3)]
    elsewhere = person(acme, "Carla", "Neri", by=carol)
    with scopes_disabled():
        elsewhere.emails.create(organization=acme, email="c.esposito@example.com")
    return {"named": people, "elsewhere": elsewhere}


def test_a_word_starting_as_many_names_as_the_cap_looks_no_further(acme, bob, espositos, settings):
    settings.SEARCH_CANDIDATES = 3

    shown = found(bob, acme, "esposito")

    # The names fill the cap: the email match, which ranks below them, is not read.
    assert set(shown) == set(espositos["named"])


def test_a_word_starting_fewer_names_than_the_cap_is_looked_for_everywhere(
    acme, bob, espositos, settings
):
    settings.SEARCH_CANDIDATES = 4

    shown = found(bob, acme, "esposito")

    assert set(shown) == {*espositos["named"], espositos["elsewhere"]}
    assert shown[-1] == espositos["elsewhere"]


def test_the_exact_name_is_among_the_capped_prefix_matches(acme, bob, carol, settings):
    settings.SEARCH_CANDIDATES = 2
    for last in ["Rossini", "Rossignoli", "Rossetti", "Rossellini"]:
        person(acme, "Gino", last, by=carol)
    rossi = person(acme, "Gino", "Rossi", by=carol)

    shown = found(bob, acme, "rossi")

    assert shown[0] == rossi
    assert len(shown) == 2


def test_a_one_letter_word_gives_at_most_the_cap_by_name(acme, bob, carol, settings):
    settings.SEARCH_CANDIDATES = 2
    for last in ["Bruno", "Bassi", "Bellini", "Bianchi"]:
        person(acme, "Gino", last, by=carol)

    names = sorted(contact.last_name for contact in found(bob, acme, "b"))

    assert names == ["Bassi", "Bellini"]


def test_a_full_name_with_a_swapped_pair_of_letters_finds_the_person(acme, bob, carol):
    andreas = person(acme, "Andreas", "Esposito Neumann", by=carol)
    person(acme, "Andreas", "Schmidt", by=carol)
    person(acme, "Paola", "Esposito", by=carol)

    assert found(bob, acme, "Andreas Espsoito Neumann") == [andreas]
    assert found(bob, acme, "andreas esposito neumann") == [andreas]


def test_a_name_misspelt_in_its_first_word_is_found_whole(acme, bob, carol):
    marco = person(acme, "Marco", "Rossi", by=carol)
    person(acme, "Luca", "Rossi", by=carol)

    assert found(bob, acme, "mrco rossi") == [marco]


def test_typo_matches_are_not_mixed_into_exact_ones(acme, bob, carol):
    hans = person(acme, "Hans", "Müller", by=carol)
    person(acme, "Hans", "Mullet", by=carol)

    assert found(bob, acme, "hans muller") == [hans]


def test_a_hidden_exact_match_does_not_stop_the_typo_search(acme, alice, bob, carol):
    """Typos are looked for when nothing the reader sees matches: hidden rows change nothing."""
    person(acme, "Andreas", "Esposito", by=alice, visibility="private")
    close = person(acme, "Andreas", "Espositto", by=carol)

    assert found(bob, acme, "andreas esposito") == [close]
    assert {c.last_name for c in found(alice, acme, "andreas esposito")} == {"Esposito"}


def test_a_typo_search_lists_on_the_page_with_a_bounded_number_of_queries(
    client_for, acme, bob, carol, django_assert_max_num_queries
):
    andreas = person(acme, "Andreas", "Esposito Neumann", by=carol)
    client = client_for(bob)
    client.get(url("contact_list"))  # the session's first write

    with django_assert_max_num_queries(10):
        response = client.get(url("contact_list"), {"q": "Andreas Espsoito Neumann"})

    assert contact_ids(response) == [andreas.pk]


def test_a_company_name_of_several_words_is_found_however_many_share_the_first(
    acme, bob, carol, settings
):
    settings.SEARCH_CANDIDATES = 2
    with scopes_disabled():
        for n in range(4):
            factories.CompanyFactory(organization=acme, name=f"Bianchi {n} srl", created_by=carol)
        wanted = factories.CompanyFactory(
            organization=acme, name="Bianchi Costruzioni", created_by=carol
        )

    with scope(organization=acme):
        shown = list(company_search(bob, acme, q="bianchi costruzioni"))

    assert shown == [wanted]


def test_a_misspelt_company_name_is_found_whole(acme, bob, carol):
    with scopes_disabled():
        wanted = factories.CompanyFactory(
            organization=acme, name="Officine Meccaniche Lombarde", created_by=carol
        )
        factories.CompanyFactory(organization=acme, name="Officine Bianchi", created_by=carol)

    with scope(organization=acme):
        shown = list(company_search(bob, acme, q="officine mecanniche"))

    assert shown == [wanted]


def test_copying_all_that_match_a_misspelt_search_copies_what_the_list_shows(acme, alice, carol):
    with scopes_disabled():
        target = factories.OrganizationFactory()
        factories.MembershipFactory(organization=target, user=alice, role="owner")
    andreas = person(acme, "Andreas", "Esposito Neumann", by=carol)
    person(acme, "Andreas", "Schmidt", by=carol)

    report = directory_duplicate(
        source=acme,
        target=target,
        user=alice,
        contact_filter={"q": "Andreas Espsoito Neumann"},
        company_ids=[],
    )

    assert report.contacts_copied == 1
    with scopes_disabled():
        copied = Contact.objects.filter(organization=target).get()
    assert copied.copied_from_id == andreas.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_name_prefix_indexes_keep_names_in_byte_order_then_id(espositos):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('contact_prefix_first_name', 'contact_prefix_last_name', 'company_prefix_name')"
        )
        definitions = dict(cursor.fetchall())

    assert len(definitions) == 3
    for definition in definitions.values():
        assert 'COLLATE "C", id)' in definition


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_the_first_candidates_of_a_prefix_are_read_from_the_index_without_a_sort(
    acme, bob, espositos, settings
):
    with connection.cursor() as cursor:
        # A handful of rows would rather be read whole: ask how the index does it.
        cursor.execute("SET LOCAL enable_seqscan = off")
    with scope(organization=acme):
        rows = Contact.objects.filter(organization=acme)
        part = rows.filter(name_prefix("esposito", "last_name"))
        plan = part.order_by(*name_prefix_order("last_name")).values("pk")[:1000].explain()

    assert "contact_prefix_last_name" in plan
    assert "Sort" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
def test_app_connections_run_without_parallel_query_or_jit(db):
    """Capped candidates are the first rows an index finds: no worker may reorder them."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]

    assert (workers, jit) == ("0", "off")
