"""The note form: Markdown text with @mentions, private or shared, optional files."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from attachments.forms import MultipleFileField


class OptionalFilesField(MultipleFileField):
    """Attachments' several-files field, which may be left empty."""

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return super().clean(files, initial) if files else []


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        # The service checks emptiness and length with the same messages; the form
        # strips nothing so the text comes back exactly as typed.
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-mentions": "true"}),
    )
    is_private = forms.BooleanField(
        label=_("Private: only me and the members I mention"), required=False
    )
    files = OptionalFilesField(label=_("Files"), required=False)

    def __init__(self, *args, with_files: bool = True, with_privacy: bool = True, **kwargs):
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "Markdown is supported, up to %(limit)s characters. Type @ to mention a member "
            "(or @ followed by their email)."
        ) % {"limit": number_format(settings.DESCRIPTION_MAX_LENGTH, force_grouping=True)}
        if not with_files:
            del self.fields["files"]
        if not with_privacy:
            del self.fields["is_private"]
