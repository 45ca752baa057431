"""The lists' "Copy to organization…" form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.forms import TickedIdsField


class RecordIdsField(TickedIdsField):
    """The ids of the contacts or companies ticked in a list (none: every visible one)."""

    default_error_messages = {"invalid": _("Select records from the list.")}


class CopyForm(forms.Form):
    """The lists' "Copy to organization…" action: what, where, how (PRODUCT §6).

    Either ticked `ids`, or `all_matching` with the list's filter (q, type, visibility,
    company, sector) as it was on the page. The browser skips existing records by default.
    """

    kind = forms.ChoiceField(choices=[("contacts", _("Contacts")), ("companies", _("Companies"))])
    target = forms.SlugField(label=_("Copy to"), max_length=60)
    ids = RecordIdsField(required=False)
    all_matching = forms.BooleanField(label=_("All that match the current filter"), required=False)
    q = forms.CharField(required=False, max_length=200)
    type = forms.IntegerField(required=False, min_value=1)
    visibility = forms.ChoiceField(
        required=False, choices=[("", ""), ("public", "public"), ("private", "private")]
    )
    company = forms.IntegerField(required=False, min_value=1)
    sector = forms.IntegerField(required=False, min_value=1)
    with_attachments = forms.BooleanField(label=_("With attachments"), required=False)
    skip_existing = forms.BooleanField(label=_("Skip existing"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_matching") and not cleaned.get("ids"):
            raise ValidationError(
                _("Tick the records to copy, or choose all that match the current filter.")
            )
        return cleaned

    @property
    def chosen_ids(self) -> list[int] | None:
        """The ticked ids, or None for "all that match the filter"."""
        data = self.cleaned_data
        return None if data["all_matching"] else sorted(set(data["ids"]))

    @property
    def filters(self) -> dict:
        """The list filter, named as the copy's selectors name it (only what is set)."""
        data = self.cleaned_data
        names = {"q": "q", "type": "type_id", "visibility": "visibility"}
        if data["kind"] == "contacts":
            names["company"] = "company_id"
        else:
            names["sector"] = "sector_id"
        return {name: data[field] for field, name in names.items() if data.get(field)}

    def list_query(self) -> list[tuple[str, str]]:
        """The list's query string that brings the user back with their choices kept."""
        data = self.cleaned_data
        query = [
            (name, str(data[name]))
            for name in ("q", "type", "visibility", "company", "sector")
            if data.get(name)
        ]
        query += [("copy", str(pk)) for pk in data["ids"]]
        query += [("copy_target", data["target"])]
        if data["all_matching"]:
            query.append(("copy_all", "1"))
        if data["with_attachments"]:
            query.append(("copy_attachments", "1"))
        if not data["skip_existing"]:
            query.append(("copy_duplicates", "1"))
        return query
