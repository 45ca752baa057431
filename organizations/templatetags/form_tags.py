"""The error summary at the top of a form (issue 18): every error, linked to its field."""

from dataclasses import dataclass

from django import template
from django.forms import BaseFormSet, Form
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    message: str
    label: str = ""
    anchor: str = ""


def _field_errors(form: Form, row: int | None = None) -> list[SummaryError]:
    found = []
    for field in form:
        if not field.errors:
            continue
        label = str(field.label or field.name)
        if row is not None:
            label = _("%(label)s (row %(row)s)") % {"label": label, "row": row}
        # A hidden field has nothing to focus: its message is listed without a link.
        anchor = "" if field.is_hidden else field.id_for_label
        found.extend(SummaryError(str(error), label, anchor) for error in field.errors)
    return found


def summary_errors(form: Form | None, formsets=None) -> list[SummaryError]:
    """The errors of `form` and of its `formsets` (a dict or list), in page order."""
    found: list[SummaryError] = []
    if form is not None:
        found.extend(SummaryError(str(error)) for error in form.non_field_errors())
        found.extend(_field_errors(form))
    values = formsets.values() if isinstance(formsets, dict) else formsets or []
    for formset in values:
        if not isinstance(formset, BaseFormSet) or not formset.is_bound:
            continue
        found.extend(SummaryError(str(error)) for error in formset.non_form_errors())
        for index, row_form in enumerate(formset.forms, start=1):
            found.extend(_field_errors(row_form, index))
    return found


@register.inclusion_tag("_error_summary.html")
def error_summary(form=None, formsets=None) -> dict:
    """`{% error_summary form formsets %}`: nothing when the form has no error."""
    return {"errors": summary_errors(form, formsets)}
