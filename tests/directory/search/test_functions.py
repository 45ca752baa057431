"""The SQLite stand-ins for unaccent and pg_trgm behave like PostgreSQL's own."""

import pytest
from django.db import connection

from directory.search import fold_text, trigram_similarity, trigram_word_similarity

PAIRS = [
    ("rossi", "rossi"),
    ("rosi", "rossi"),
    ("marco rosi", "marco rossi"),
    ("word", "two words"),
    ("rossini", "rossi"),
    ("abc", "xyz"),
    ("muller", "hans muller buyer"),
    ("rosi", "marco rossi sales"),
    ("lovelave", "ada lovelace analyst"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("José", "jose"),
        ("MÜLLER", "muller"),
        ("Société Générale", "societe generale"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Søren", "soren"),
        ("", ""),
        (None, None),
    ],
)
def test_folding_lowers_and_strips_accents(text, expected):
    assert fold_text(text) == expected


def test_similarity_counts_shared_trigrams():
    assert trigram_similarity("rossi", "rossi") == 1
    assert trigram_similarity("abc", "xyz") == 0
    assert trigram_similarity("rosi", "rossi") == pytest.approx(4 / 7)
    assert trigram_similarity(None, "rossi") == 0


def test_word_similarity_finds_the_best_stretch():
    assert trigram_word_similarity("word", "two words") == pytest.approx(0.8)
    assert trigram_word_similarity("rosi", "marco rossi sales") == pytest.approx(0.6)
    assert trigram_word_similarity("zzz", "marco rossi") == 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with pg_trgm")
@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_the_python_trigrams_agree_with_pg_trgm(a, b):
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s), word_similarity(%s, %s)", [a, b, a, b])
        similarity, word_similarity = cursor.fetchone()

    assert trigram_similarity(a, b) == pytest.approx(similarity, abs=1e-6)
    assert trigram_word_similarity(a, b) == pytest.approx(word_similarity, abs=1e-6)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with unaccent")
@pytest.mark.parametrize("text", ["José", "MÜLLER", "Société Générale", "Łódź", "Søren"])
def test_the_python_folding_agrees_with_unaccent(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolo_unaccent(lower(%s))", [text])
        assert cursor.fetchone()[0] == fold_text(text)
