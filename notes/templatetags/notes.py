"""{% load notes %}: the Notes section of record pages, and a note's text with its mentions."""

from django import template
from django.utils.safestring import SafeString

from directory.markup import highlight_mentions
from notes.sections import notes_section_context
from notes.services import record_url

register = template.Library()


@register.inclusion_tag("notes/_section.html", takes_context=True)
def notes_section(context, record) -> dict:
    """`{% notes_section contact %}`: the pinned and latest notes of the page's record.

    `record` must be the page's record, which came from its door. One query.
    """
    request = context["request"]
    section = notes_section_context(request, record)
    section.update(
        request=request, organization=request.organization, csrf_token=context.get("csrf_token")
    )
    return section


@register.filter
def note_html(note) -> SafeString:
    """The note's stored sanitized HTML, its mentions marked with the names saved with it."""
    return highlight_mentions(note.body_html, note.mention_names or {})


@register.filter
def record_path(record) -> str:
    """The path of a contact's, company's or project's page."""
    return record_url(record)
