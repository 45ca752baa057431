"""Forms of the Files section: several files at once, a cloud link, the organization's plan."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from attachments.files import decimal_size
from attachments.models import https_only
from attachments.services import check_file_size
from organizations.models import Plan


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that accepts several files; cleans to a list, empty and oversized refused."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_empty_file", True)  # refused below, with the file's name
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if limit and len(files) > limit:
            raise ValidationError(
                _("Upload at most %(limit)s files at once.") % {"limit": limit}, code="too_many"
            )
        errors: list[ValidationError] = []
        cleaned = []
        for file in files:
            try:
                file = super().clean(file, initial)
                check_file_size(file)
            except ValidationError as error:
                errors.append(error)
            else:
                cleaned.append(file)
        if errors:
            raise ValidationError(errors)
        return cleaned


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Add files"),
        error_messages={"required": _("Choose at least one file to upload.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_upload_%s")
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Several at once if you like: up to %(max)s each, at most %(count)s files."
        ) % {
            "max": decimal_size(settings.ATTACHMENT_MAX_FILE_SIZE),
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        }


class HttpsURLField(forms.URLField):
    """A URL field that takes only https links (a bare host gets https:// put in front)."""

    default_validators = [https_only]
    default_error_messages = {"invalid": https_only.message}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class LinkForm(forms.Form):
    url = HttpsURLField(
        label=_("Link"),
        max_length=2000,
        help_text=_("A file in Google Drive, Dropbox, OneDrive or anywhere else on https."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices, widget=forms.RadioSelect)
