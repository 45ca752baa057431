"""{% load attachments %}: the Files section of record pages, usage bars, decimal sizes."""

from django import template

from attachments import files, panels, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def files_panel(context, record) -> panels.FilesPanel:
    """`{% files_panel contact as panel %}`: the record's attachments, usage and forms.

    `record` must be the record of the page, which came from `visible_to`.
    """
    return panels.files_panel(record, context["request"].membership)


@register.simple_tag(takes_context=True)
def storage_usage(context) -> selectors.Usage:
    """`{% storage_usage as usage %}`: the current organization's usage against its quota."""
    return selectors.shown_usage(context["request"].organization)


@register.filter
def decimal_size(size: int | None) -> str:
    """`{{ bytes|decimal_size }}`: 12.3 MB, in decimal units like the plans."""
    return files.decimal_size(size or 0)
