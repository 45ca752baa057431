"""The form renderer: Django's templates, each field group wrapped in one element.

No Django default shows through (issue 18): labels carry no colon, and an empty choice
reads as words ("(none)", or the field's own, such as "(no type)") instead of "---------".
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = "---------"


class RoloBoundField(BoundField):
    """A bound field whose label has no suffix and whose empty choice has a name."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = _("(none)")
        elif isinstance(field, forms.ChoiceField) and isinstance(field.choices, list):
            # A model field's blank choice; a callable's choices (the countries) are
            # left unread, and name their own blank.
            field.choices = [
                (value, _("(none)") if value == "" and label == DJANGO_EMPTY_LABEL else label)
                for value, label in field.choices
            ]

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return super().label_tag(contents, attrs, "" if label_suffix is None else label_suffix, tag)


class RoloFormRenderer(TemplatesSetting):
    """Wrap `{{ field.as_field_group }}` in `<div class="field">` so grids lay out fields."""

    field_template_name = "forms/field.html"
    bound_field_class = RoloBoundField
