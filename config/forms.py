"""The form renderer: Django's templates, each field group wrapped in one element."""

from django.forms.renderers import TemplatesSetting


class RoloFormRenderer(TemplatesSetting):
    """Wrap `{{ field.as_field_group }}` in `<div class="field">` so grids lay out fields."""

    field_template_name = "forms/field.html"
