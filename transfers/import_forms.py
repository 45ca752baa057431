"""The forms of imports: the upload, the columns' mapping, the way to run it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from transfers.columns import field_choices
from transfers.models import ImportKind, ImportMode


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Import"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma, semicolon or tab separated), Excel (XLSX) or vCard (.vcf)."),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: the field it fills, or none."""

    def __init__(self, *args, headers: list[str], kind: str, initial_mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = field_choices(kind)
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)d") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping[index] if index < len(initial_mapping) else "",
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data[name] or "" for name in self.fields]


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Rows in error"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )
