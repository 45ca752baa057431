"""A description renders in time linear in its length, whatever it contains (issue 20).

Python-Markdown took 10 s for 8,000 "[" and bleach's linkifier 1.3 s for 10,000 "(":
quadratic work that any member could start on every page view. Each input below is
rendered at n and 2n characters, and at 2n compared with plain prose of the same length.
Linear work doubles (about 2×) and stays within a constant factor of prose; quadratic
work quadruples and is hundreds of times prose's cost, so both bounds fail on the old
renderer (checked when this test was written: "[" grew 3.9× and cost 400× prose).
"""

import pytest

from directory.markup import highlight_mentions, render_description
from tests.cost import cpu_cost, growth_within, repeated

# Long enough for quadratic work to show (the old renderer took 2.7 s for 4,000 "["),
# short enough for the suite; the bounds hold at any length for linear work.
LENGTH = 4_000
PROSE = "Met Anna at the fair in Milano; she wants a quote for 300 units by May.\n"
# Doubling the input may cost at most this many times more: linear work measures about
# 2, quadratic 4; the margin absorbs a loaded machine.
MAX_GROWTH = 3.0
# Per character, at most this many times the cost of prose (measured: 25 at most).
MAX_TIMES_PROSE = 60


def _nested_list(length: int) -> str:
    block = "".join("  " * depth + "- item\n" for depth in range(40))
    return repeated(block, length)


PATHOLOGICAL = {
    "brackets": lambda n: "[" * n,
    "stars": lambda n: "*" * n,
    "underscores": lambda n: "_" * n,
    "angle brackets": lambda n: "<" * n,
    "backticks": lambda n: "`" * n,
    "backtick words": lambda n: repeated("`a", n),
    "link ends": lambda n: repeated("](", n),
    "unclosed links": lambda n: repeated("[a](", n),
    "link chain": lambda n: repeated("[a](http://x)", n),
    "images": lambda n: repeated("![", n),
    "nested images": lambda n: repeated("[![", n),
    "reference links": lambda n: repeated("[a]", n),
    "quote nesting": lambda n: repeated("> ", n),
    "list nesting": lambda n: repeated("- ", n),
    "indented lists": _nested_list,
    "mixed emphasis": lambda n: repeated("*_", n),
    "emphasis runs": lambda n: repeated("**a_ ", n),
    "entities": lambda n: repeated("&amp;", n),
    "broken entities": lambda n: repeated("&#", n),
    "escapes": lambda n: "\\" * n,
    "line breaks": lambda n: repeated("a\n", n),
    "setext headings": lambda n: repeated("a\n=\n", n),
    "fences": lambda n: repeated("```\n", n),
    "one long word": lambda n: "a" * n,
    "hyphenated word": lambda n: repeated("a-", n),
    "dotted word": lambda n: repeated("a.", n),
    "open parentheses after an address": lambda n: "example.com/" + "(" * n,
    "addresses with parentheses": lambda n: repeated("a.com/(", n),
    "addresses with brackets": lambda n: repeated("a.com/[", n),
    "addresses on lines": lambda n: repeated("a.co\n", n),
    "schemes in brackets": lambda n: repeated("[http://[[[", n),
    "many addresses": lambda n: repeated("http://a.com ", n),
    "many bare domains": lambda n: repeated("www.a.com, ", n),
    "mentions": lambda n: repeated("@bob@example.com ", n),
    "half mentions": lambda n: "@" + "a" * (n // 2) + "@" + repeated("a.", n // 2 - 1),
}


@pytest.fixture(scope="module")
def prose_cost() -> float:
    return cpu_cost(render_description, repeated(PROSE, 2 * LENGTH))


@pytest.mark.parametrize("make", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_rendering_is_linear_in_the_length_and_close_to_prose(make, prose_cost):
    growth = growth_within(render_description, make(LENGTH), make(2 * LENGTH), MAX_GROWTH)
    double = cpu_cost(render_description, make(2 * LENGTH))

    assert growth <= MAX_GROWTH
    assert double <= MAX_TIMES_PROSE * prose_cost


@pytest.mark.parametrize(
    "make",
    [
        lambda n: repeated("@bob@example.com ", n),
        lambda n: repeated("@a@", n),
        lambda n: "@" + "a" * (n // 2) + "@" + repeated("a.", n // 2 - 1),
        lambda n: repeated("<b>@", n),
    ],
    ids=["mentions", "at signs", "half mention", "tags"],
)
def test_marking_mentions_in_stored_html_grows_linearly(make):
    names = {"bob@example.com": "Bob"}

    def mark(text: str) -> object:
        return highlight_mentions(render_description(text), names)

    assert growth_within(mark, make(LENGTH), make(2 * LENGTH), MAX_GROWTH) <= MAX_GROWTH
