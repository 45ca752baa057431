"""What a search finds, on SQLite and PostgreSQL alike: accents, case, typos, prefixes."""

import pytest
from django.db import connection

from tests.directory.search.conftest import company_ids, contact_ids, url

pytestmark = pytest.mark.django_db


def contacts(client, q: str) -> list[int]:
    return contact_ids(client.get(url("contact_list"), {"q": q}))


def companies(client, q: str) -> list[int]:
    return company_ids(client.get(url("company_list"), {"q": q}))


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("jose", "jose"),
        ("JOSÉ", "jose"),
        ("garcia", "jose"),
        ("MULLER", "hans"),
        ("müller", "hans"),
        ("Muller Hans", "hans"),
        ("lovelace", "ada"),
        ("LoVeLaCe", "ada"),
    ],
)
def test_names_match_whatever_the_accents_and_case(client_for, bob, directory, q, who):
    assert contacts(client_for(bob), q) == [directory[who].pk]


@pytest.mark.parametrize(("q", "who"), [("love", "ada"), ("lov", "ada"), ("garc", "jose")])
def test_a_name_is_found_by_its_first_letters_as_they_are_typed(client_for, bob, directory, q, who):
    assert contacts(client_for(bob), q) == [directory[who].pk]


@pytest.mark.parametrize(("q", "who"), [("Marco Rosi", "marco"), ("Lovelave", "ada")])
def test_a_small_typo_still_finds_the_person(client_for, bob, directory, q, who):
    assert directory[who].pk in contacts(client_for(bob), q)


def test_a_typo_does_not_match_everyone(client_for, bob, directory):
    assert contacts(client_for(bob), "Marco Rosi") == [directory["marco"].pk]


@pytest.mark.parametrize("q", ["+39 02 1234 5678", "0212345678", "02 1234 5678", "390212345678"])
def test_a_phone_is_found_by_its_digits_with_or_without_country_code(client_for, bob, directory, q):
    assert contacts(client_for(bob), q) == [directory["marco"].pk]


@pytest.mark.parametrize("q", ["+39 06 1122 3344", "0611223344", "06 1122 3344"])
def test_a_company_phone_is_found_by_its_digits(client_for, bob, directory, q):
    assert companies(client_for(bob), q) == [directory["initech"].pk]


@pytest.mark.parametrize("q", ["IT00743110157", "it00743110157", "00743110157"])
def test_a_vat_number_is_found_with_or_without_its_country_prefix(client_for, bob, directory, q):
    assert contacts(client_for(bob), q) == [directory["ada"].pk]


@pytest.mark.parametrize("q", ["IT01234567897", "01234567897"])
def test_a_company_is_found_by_its_vat_number(client_for, bob, directory, q):
    assert companies(client_for(bob), q) == [directory["initech"].pk]


@pytest.mark.parametrize("q", ["ada@analytical.example", "ADA@analytical", "ada@", "analytical"])
def test_an_email_is_found_whole_or_in_part(client_for, bob, directory, q):
    assert contacts(client_for(bob), q) == [directory["ada"].pk]


def test_a_company_email_is_found(client_for, bob, directory):
    assert companies(client_for(bob), "info@initech") == [directory["initech"].pk]


@pytest.mark.parametrize("q", ["initech", "INITECH societa", "societa"])
def test_a_contact_is_found_by_the_name_of_its_company(client_for, bob, directory, q):
    assert contacts(client_for(bob), q) == [directory["jose"].pk]


@pytest.mark.parametrize("q", ["initech", "Società", "societa", "INIT"])
def test_a_company_is_found_by_its_name_whatever_the_accents(client_for, bob, directory, q):
    assert companies(client_for(bob), q) == [directory["initech"].pk]


@pytest.mark.parametrize(("q", "who"), [("executive", "jose"), ("sales manager", "marco")])
def test_a_contact_is_found_by_role(client_for, bob, directory, q, who):
    assert contacts(client_for(bob), q) == [directory[who].pk]


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("h", ["hans"]),
        ("mü", ["hans"]),
        ("MU", ["hans"]),
        ("g", ["rossini", "jose"]),
        ("ad", ["ada"]),
    ],
)
def test_one_and_two_letter_terms_match_the_start_of_names(client_for, bob, directory, q, who):
    assert sorted(contacts(client_for(bob), q)) == sorted(directory[name].pk for name in who)


def test_one_and_two_letter_terms_do_not_match_inside_words(client_for, bob, directory):
    # "ss" is inside Rossi and Rossini; a short term only matches where a word starts.
    assert contacts(client_for(bob), "ss") == []


@pytest.mark.parametrize(("q", "who"), [("g", "globex"), ("IN", "initech")])
def test_one_and_two_letter_terms_match_the_start_of_company_names(
    client_for, bob, directory, q, who
):
    assert companies(client_for(bob), q) == [directory[who].pk]


def test_the_exact_name_comes_before_longer_names_that_start_with_it(client_for, bob, directory):
    client = client_for(bob)

    assert contacts(client, "rossi") == [directory["marco"].pk, directory["rossini"].pk]
    # "rossini" is also close enough to Rossi to pass for a typo of it, but after it.
    assert contacts(client, "rossini") == [directory["rossini"].pk, directory["marco"].pk]


def test_a_full_name_in_either_order_comes_first(client_for, bob, directory):
    client = client_for(bob)

    assert contacts(client, "marco rossi")[0] == directory["marco"].pk
    assert contacts(client, "rossi marco")[0] == directory["marco"].pk


def test_a_chosen_sort_wins_over_relevance(client_for, bob, directory):
    # By name, Rossi Marco sorts before Rossini Gioachino; by relevance too — so
    # compare with the newest first, which puts Rossini (created later) on top.
    response = client_for(bob).get(url("contact_list"), {"q": "ross", "sort": "-created"})

    assert contact_ids(response) == [directory["rossini"].pk, directory["marco"].pk]


@pytest.mark.parametrize("q", ["---", "&", "%", "_", "..."])
def test_punctuation_is_searched_as_text_not_as_a_pattern(client_for, bob, directory, q):
    response = client_for(bob).get(url("contact_list"), {"q": q})

    assert response.status_code == 200
    assert contact_ids(response) == []


def test_every_word_must_match(client_for, bob, directory):
    assert contacts(client_for(bob), "hans rossi") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_postgresql_has_the_search_indexes(directory):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search%%'"
            " OR indexname LIKE '%%prefix%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "contact_search_document",
        "contactemail_search_email",
        "contact_prefix_last_name",
        "company_search_document",
        "company_prefix_name",
    } <= names
