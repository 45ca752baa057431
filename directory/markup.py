"""Descriptions: Markdown-like text, sanitized, with @mentions of members (PRODUCT §2, §3)."""

import re
import threading

import bleach
import markdown
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from organizations.mentions import MENTION_RE

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a" or name not in ("href", "title"):
        return False
    if name == "href":
        # Only absolute http, https and mailto links. bleach checks protocols too, but lets
        # relative URLs through and mistakes "javascript:1" for a host and port.
        scheme = _SCHEME_RE.match(value)
        return scheme is not None and scheme.group(1).lower() in ALLOWED_PROTOCOLS
    return True


def _set_link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    href = attrs.get((None, "href"), "")
    if href.startswith(("http:", "https:")):
        attrs[(None, "target")] = "_blank"
    return attrs


_local = threading.local()


def _renderers() -> tuple[markdown.Markdown, bleach.Cleaner, bleach.Linker]:
    """This thread's Markdown converter, sanitizer and linkifier, built once.

    Building them took most of a description's rendering time; none of the three may
    be shared between threads (each keeps parser state), so each thread has its own.
    """
    renderers = getattr(_local, "renderers", None)
    if renderers is None:
        renderers = (
            markdown.Markdown(extensions=["nl2br", "sane_lists"]),
            bleach.Cleaner(
                tags=ALLOWED_TAGS,
                attributes=_allowed_attribute,
                protocols=ALLOWED_PROTOCOLS,
                strip=True,
                filters=[],
            ),
            bleach.Linker(callbacks=[_set_link_attributes], skip_tags={"pre", "code"}),
        )
        _local.renderers = renderers
    return renderers


def render_description(text: str, mention_names: dict[str, str]) -> SafeString:
    """Render `text` as sanitized HTML, mentions of members highlighted.

    `mention_names` maps a member's lower-cased email to the name to show; a token
    naming someone else stays plain text. Only allowlisted tags and attributes and
    http/https/mailto links survive, so the result is safe to insert in a page.
    """
    if not text:
        return mark_safe("")
    converter, cleaner, linker = _renderers()
    converter.reset()
    html = converter.convert(text)
    clean = cleaner.clean(html)
    clean = linker.linkify(clean)

    def mention(match: re.Match) -> str:
        email = match.group(1).lower()
        name = mention_names.get(email)
        if name is None:
            return match.group(0)
        return f'<span class="mention" title="{escape(email)}">@{escape(name)}</span>'

    # Sanitized HTML quotes attributes and escapes "<" and ">" inside them, so splitting on
    # tags leaves text nodes only in the even parts: mentions never land in an attribute.
    parts = re.split(r"(<[^>]*>)", clean)
    for index in range(0, len(parts), 2):
        parts[index] = MENTION_RE.sub(mention, parts[index])
    return mark_safe("".join(parts))  # noqa: S308 - built from bleach output and escape()
