"""Template filters of documents: money in the reader's language, kind and status labels."""

from django import template
from django.utils.translation import get_language, to_locale

from sales import money as money_module
from sales.models import Kind, Status

register = template.Library()

KIND_LABELS = dict(Kind.choices)
STATUS_LABELS = dict(Status.choices)


@register.filter
def money(value, currency: str) -> str:
    """`{{ amount|money:document.currency }}`: 1.234,50 € in Italian, €1,234.50 in English."""
    if value in (None, ""):
        return ""
    try:
        return money_module.money(value, currency, to_locale(get_language() or "en"))
    except (ValueError, TypeError, ArithmeticError):
        return f"{value} {currency}"


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def percent(value) -> str:
    """A rate without trailing zeros: 22.000 → 22, 4.500 → 4.5."""
    if value in (None, ""):
        return ""
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
