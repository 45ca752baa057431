"""Descriptions: CommonMark text, sanitized, with @mentions of members (PRODUCT §2, §3).

A description is rendered once, when it is saved (`render_description`), and the
sanitized HTML is stored beside it; a page view only highlights the mentions in that
HTML (`highlight_mentions`), from the organization's current members. Every step is
linear in the length of the text: markdown-it-py's CommonMark parser (no backtracking,
nesting capped by `maxNesting`), one regular-expression pass for bare web addresses and
bleach's sanitizer on the parser's well-formed output. Python-Markdown and bleach's
linkifier, used before, took quadratic time on runs of "[", "(" or "a-" (8,000 "["
took 10 s).
"""

import re
import threading

import bleach
from bleach.linkifier import TLDS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from organizations.mentions import MENTION_RE

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"
_SCHEME_RE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
# A bare web address: "http(s)://…" up to a space, or a host name whose last label is a
# top-level domain ("www.example.com", "example.it/path"). Linear by construction: the
# look-behind keeps a match from starting inside a word, an address or another URL, the
# labels cannot overlap (a label has no ".") and nothing after them can fail, so every
# character is looked at a bounded number of times. linkify-it-py and bleach's linkifier
# both took quadratic time on inputs such as "a.com/(" or "(" repeated.
_URL_RE = re.compile(
    r"""(?<![\w.@/:+\-])
    (?: https?://[^\s<>"`]+
      | [a-z0-9\-]+(?:\.[a-z0-9\-]+)+ (?::[0-9]{1,5})? (?:[/?\#][^\s<>"`]*)? )""",
    re.IGNORECASE | re.VERBOSE,
)
_TLDS = frozenset(TLDS)
# Left off the end of an address: sentence punctuation, and a ")" with no "(" before it.
_TRAILING = ".,:;!?'\"*_~"
# Sanitized HTML quotes attributes and escapes "<" and ">" inside them, so splitting on
# tags leaves text nodes only in the even parts: mentions never land in an attribute.
_TAG_RE = re.compile(r"(<[^>]*>)")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "href":
        # Only absolute http, https and mailto links. bleach checks protocols too, but lets
        # relative URLs through and mistakes "javascript:1" for a host and port.
        scheme = _SCHEME_RE.match(value)
        return scheme is not None and scheme.group(1).lower() in ALLOWED_PROTOCOLS
    if name == "rel":
        return value == LINK_REL
    if name == "target":
        return value == "_blank"
    return name == "title"


def _link_open(renderer, tokens, idx, options, env) -> str:
    """Render a link that opens web pages in a new tab and passes no referrer or rank."""
    token = tokens[idx]
    token.attrSet("rel", LINK_REL)
    if str(token.attrGet("href") or "").lower().startswith(("http:", "https:")):
        token.attrSet("target", "_blank")
    return renderer.renderToken(tokens, idx, options, env)


def _bare_address(url: str) -> str:
    """Return `url` without the punctuation that ends the sentence around it ("" if none)."""
    opened, closed = url.count("("), url.count(")")
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and closed > opened:
            url, closed = url[:-1], closed - 1
        else:
            break
    if "://" in url:
        return url if len(url) > url.index("://") + 3 else ""
    host = url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].split(":", 1)[0]
    return url if host.rsplit(".", 1)[-1].lower() in _TLDS else ""


def _linkify(state: StateCore) -> None:
    """Turn bare web addresses in text (not in code or links) into links, in one pass.

    Each inline block's children are rebuilt once, rather than spliced link by link as
    markdown-it's own linkify rule does (quadratic in the number of links).
    """
    md = state.md
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link or "." not in token.content:
                children.append(token)
                continue
            text, last = token.content, 0
            for match in _URL_RE.finditer(text):
                url = _bare_address(match.group())
                href = md.normalizeLink(url if "://" in url else f"http://{url}") if url else ""
                if not url or not md.validateLink(href):
                    continue
                start = match.start()
                if start > last:
                    children.append(_text(text[last:start], token.level))
                link_open = Token("link_open", "a", 1, level=token.level, markup="linkify")
                link_open.attrs = {"href": href}
                link_open.info = "auto"
                children.append(link_open)
                children.append(_text(md.normalizeLinkText(url), token.level + 1))
                children.append(Token("link_close", "a", -1, level=token.level, markup="linkify"))
                last = start + len(url)
            if last == 0:
                children.append(token)
            elif last < len(text):
                children.append(_text(text[last:], token.level))
        block.children = children


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


_local = threading.local()


def _renderers() -> tuple[MarkdownIt, bleach.Cleaner]:
    """This thread's parser and sanitizer, built once.

    bleach's parser keeps state between calls, so each thread has its own; the
    Markdown parser is built alongside it, once per thread too.
    """
    renderers = getattr(_local, "renderers", None)
    if renderers is None:
        # html=False: a "<" the user typed is text, never markup; the sanitizer below
        # is a second line of defence, not the first. breaks=True keeps each line break.
        # markdown-it's own linkify option stays off: it is quadratic (see _linkify).
        parser = MarkdownIt("commonmark", {"html": False, "breaks": True})
        parser.core.ruler.push("bare_addresses", _linkify)
        parser.add_render_rule("link_open", _link_open)
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allowed_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            filters=[],
        )
        renderers = _local.renderers = (parser, cleaner)
    return renderers


def render_description(text: str) -> str:
    """Render `text` as sanitized HTML, to store beside it; mentions stay plain text.

    Only allowlisted tags and attributes and absolute http/https/mailto links survive,
    so the result is safe to insert in a page. Mentions are highlighted when the page
    is shown (`highlight_mentions`), from the members of that moment.
    """
    if not text:
        return ""
    parser, cleaner = _renderers()
    return cleaner.clean(parser.render(text)).strip()


def highlight_mentions(html: str, mention_names: dict[str, str]) -> SafeString:
    """Mark the mentions of members in the text of sanitized `html` from `render_description`.

    `mention_names` maps a member's lower-cased email to the name to show; a token
    naming someone else stays plain text. One pass over the HTML, linear in its length.
    """
    if not html or not mention_names or "@" not in html:
        return mark_safe(html)  # noqa: S308 - sanitized by render_description

    def mention(match: re.Match) -> str:
        email = match.group(1).lower()
        name = mention_names.get(email)
        if name is None:
            return match.group(0)
        return f'<span class="mention" title="{escape(email)}">@{escape(name)}</span>'

    parts = _TAG_RE.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = MENTION_RE.sub(mention, parts[index])
    return mark_safe("".join(parts))  # noqa: S308 - sanitized HTML and escape()
