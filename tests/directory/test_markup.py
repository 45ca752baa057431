"""Descriptions render the same however many were rendered before, in any thread."""

import threading

from directory.markup import highlight_mentions, render_description


def test_a_link_reference_of_one_description_does_not_leak_into_the_next():
    # The parser is reused: a reference defined by one text must be forgotten.
    first = render_description("[site]\n\n[site]: https://a.example")
    second = render_description("[site]")

    assert 'href="https://a.example"' in first
    assert second == "<p>[site]</p>"


def test_a_description_renders_the_same_in_another_thread_and_when_empty():
    text = "**Bold** <script>x</script> http://example.com @bob@example.com"
    names = {"bob@example.com": "Bob <b>"}
    here = highlight_mentions(render_description(text), names)
    there = []
    thread = threading.Thread(
        target=lambda: there.append(highlight_mentions(render_description(text), names))
    )
    thread.start()
    thread.join()

    assert there == [here]
    assert "<script>" not in here and "@Bob &lt;b&gt;" in here
    assert render_description("") == "" and highlight_mentions("", names) == ""
