"""Every user-controlled input parsed on a request path costs time linear in its length
or is cut to a fixed length first (issue 20; docs/architecture.md, "Bounded work per
request"). Each parser gets a long pathological input at n and 2n characters: linear
work costs about 2× more, capped work about 1×, quadratic work 4×."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attachments.files import content_disposition, content_type_for, safe_name
from directory.pagination import _decode
from directory.search import fold_text, search_terms, trigram_word_similarity
from directory.validators import (
    normalize_fiscal_code,
    normalize_phone,
    normalize_vat,
    phone_search_keys,
)
from organizations.countries import normalize_country
from organizations.mentions import mentioned_emails
from tests.cost import cpu_cost, growth_within, repeated
from transfers.duplication import plain_mentions

LENGTH = 10_000
MAX_GROWTH = 3.0


def refusing(parse):
    """`parse`, with a refusal (ValidationError) counted as an answer like any other."""

    def call(text: str) -> None:
        with contextlib.suppress(ValidationError):
            parse(text)

    return call


PARSERS = {
    # Phone numbers: phonenumbers, after the MAX_PHONE_INPUT cap.
    "phone digits": (refusing(lambda s: normalize_phone(s, "IT")), lambda n: "1" * n),
    "phone brackets": (refusing(lambda s: normalize_phone(s, "IT")), lambda n: "+" + "(" * n),
    "phone extension": (
        refusing(lambda s: normalize_phone(s, "IT")),
        lambda n: "+39 02 1234 ext " + "1" * n,
    ),
    "phone search": (lambda s: phone_search_keys(s, "IT"), lambda n: repeated("1 ", n)),
    # VAT numbers and fiscal codes: python-stdnum, after the MAX_TAX_NUMBER_INPUT cap.
    "VAT with prefix": (refusing(lambda s: normalize_vat(s, "IT")), lambda n: "IT" + "1" * n),
    "VAT in Germany": (refusing(lambda s: normalize_vat(s, "DE")), lambda n: "1" * n),
    "VAT in Spain": (refusing(lambda s: normalize_vat(s, "ES")), lambda n: repeated("A1", n)),
    "fiscal code": (refusing(lambda s: normalize_fiscal_code(s, "IT")), lambda n: "A" * n),
    "country": (refusing(normalize_country), lambda n: "Ä" * n),
    # Mentions: MENTION_RE (a "@" can only start a match after a non-word character).
    "mention, long local part": (
        mentioned_emails,
        lambda n: "@" + "a" * (n // 2) + "@" + repeated("a.", n // 2 - 1),
    ),
    "mention, many starts": (mentioned_emails, lambda n: repeated(" @a.", n)),
    "mention, dashes": (mentioned_emails, lambda n: "@a@" + repeated("a-", n)),
    "mention, at signs": (mentioned_emails, lambda n: repeated(".@", n)),
    "copied mentions": (
        lambda s: plain_mentions(s, {}),
        lambda n: repeated("@bob@example.com ", n),
    ),
    # Search: the words of ?q= (the query itself is cut to 200 characters first).
    "search words": (search_terms, lambda n: repeated("a ", n)),
    "search folding": (fold_text, lambda n: "é" * n),
    # File names of uploads.
    "file name with folders": (safe_name, lambda n: repeated("a/", n) + ".pdf"),
    "file name of dots": (safe_name, lambda n: "." * n),
    "download name": (content_disposition, lambda n: "é" * n),
    "content type": (content_type_for, lambda n: "." * n),
    # Pagination cursors (?after=, ?before=).
    "cursor": (lambda s: _decode(s, []), lambda n: "W" * n),
    "cursor of brackets": (lambda s: _decode(s, []), lambda n: "WwWw" * (n // 4)),
}


@pytest.mark.parametrize("parse, make", PARSERS.values(), ids=PARSERS.keys())
def test_each_parser_costs_time_linear_in_its_input(parse, make):
    assert growth_within(parse, make(LENGTH), make(2 * LENGTH), MAX_GROWTH) <= MAX_GROWTH


def test_word_similarity_on_sqlite_grows_at_most_quadratically():
    """SQLite's stand-in for pg_trgm's word_similarity compares a search word with a
    row's text, which the column lengths bound (about 650 characters). It was cubic:
    doubling the text cost 6× more; quadratic work costs at most 4×."""

    def similarity(text: str) -> float:
        return trigram_word_similarity("abc abd", text)

    single = cpu_cost(similarity, repeated("abc ", 320))
    double = cpu_cost(similarity, repeated("abc ", 640))
    assert double <= 5.0 * single


SEARCHES = [
    "contact_list",
    "contact_autocomplete",
    "company_list",
    "company_autocomplete",
    "member_autocomplete",
    "project_list",
    "ticket_list",
    "project_autocomplete",
    "connection_autocomplete",
    "search",
]
QUERIES = {
    "one long word": lambda n: "a" * n,
    "many words": lambda n: repeated("ro ", n),
    "an address": lambda n: "a" * (n - 12) + "@example.com",
    "digits": lambda n: repeated("1 ", n),
}


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
@pytest.mark.parametrize("name", SEARCHES)
def test_a_long_search_costs_no_more_than_a_shorter_one(client_for, alice, name, query):
    client = client_for(alice)
    url = reverse(name, kwargs={"slug": "acme"})

    def search(q: str) -> None:
        assert client.get(url, {"q": q}).status_code == 200

    assert growth_within(search, query(LENGTH), query(2 * LENGTH), MAX_GROWTH) <= MAX_GROWTH


@pytest.mark.django_db
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_long_cursor_costs_no_more_than_a_shorter_one(client_for, alice, direction):
    client = client_for(alice)
    url = reverse("contact_list", kwargs={"slug": "acme"})

    def page(cursor: str) -> None:
        assert client.get(url, {direction: cursor}).status_code == 200

    assert growth_within(page, "W" * LENGTH, "W" * 2 * LENGTH, MAX_GROWTH) <= MAX_GROWTH
