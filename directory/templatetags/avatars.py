"""Initials avatars for people and companies (issue 18): letters on a colour, no images."""

import zlib

from django import template
from django.utils.html import format_html

register = template.Library()

# As many colour classes as rolo.css defines (.avatar.tone-0 … .avatar.tone-7).
TONES = 8


def initials(name: str, kind: str = "person") -> str:
    """Up to two letters: a person's first and last names, a company's first two words."""
    words = [word for word in (name or "").split() if any(ch.isalnum() for ch in word)]
    if not words:
        return "?"
    chosen = [words[0], words[-1]] if kind == "person" and len(words) > 1 else words[:2]
    letters = [next(ch for ch in word if ch.isalnum()) for word in chosen]
    return "".join(letters).upper()


@register.simple_tag
def avatar(name: str, kind: str = "person", size: str = "") -> str:
    """`{% avatar contact.full_name "person" %}`: a decorative badge; the name is beside it."""
    tone = zlib.crc32((name or "").encode()) % TONES
    shape = "company" if kind == "company" else "person"
    classes = f"avatar avatar-{shape} tone-{tone}" + (f" avatar-{size}" if size else "")
    return format_html(
        '<span class="{}" aria-hidden="true">{}</span>', classes, initials(name, shape)
    )
