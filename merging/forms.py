"""The merge form: which record survives, a value per field, the contact points to keep."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import MAX_DETAILS, DirectoryRecord
from merging.models import MAX_RECORDS
from organizations.mentions import mentioned_emails
from organizations.models import User
from organizations.visibility import Visibility

# The fields a merge chooses between, per kind, in the order of the page.
FIELDS = {
    "contact": [
        "first_name",
        "last_name",
        "role",
        "type",
        "description",
        "pec",
        "vat_number",
        "fiscal_code",
        "tax_country",
    ],
    "company": ["name", "type", "sector", "description", "pec", "vat_number", "tax_country"],
}
POINT_KINDS = {
    "emails": ("email",),
    "phones": ("number",),
    "addresses": ("street", "postal_code", "city", "region", "country"),
}

POINT_LABELS = {"emails": _("Emails"), "phones": _("Phones"), "addresses": _("Addresses")}


def _shown(record: DirectoryRecord, name: str) -> str:
    field = record._meta.get_field(name)
    if field.is_relation:
        related = getattr(record, name)
        return str(related) if related is not None else ""
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    return str(getattr(record, name) or "")


def _stored(record: DirectoryRecord, name: str):
    return getattr(record, record._meta.get_field(name).attname)


class MergeForm(forms.Form):
    """Built from the records (oldest first): a radio per field whose values differ."""

    def __init__(self, data=None, *, records: list[DirectoryRecord], kind: str, user: User):
        super().__init__(data)
        self.records = records
        self.kind = kind
        self.user = user
        default = records[0]
        self.fields["survivor"] = forms.TypedChoiceField(
            label=_("Keep the page and history of"),
            choices=[(record.pk, str(record)) for record in records],
            coerce=int,
            widget=forms.RadioSelect,
            initial=default.pk,
        )
        self.rows = []
        self.same = []
        for name in FIELDS[kind]:
            field = records[0]._meta.get_field(name)
            shown = [_shown(record, name) for record in records]
            if len({_stored(record, name) for record in records}) == 1:
                self.same.append((field.verbose_name, shown[0]))
                continue
            first_filled = next((i for i, value in enumerate(shown) if value), 0)
            self.fields[f"field_{name}"] = forms.TypedChoiceField(
                label=field.verbose_name,
                choices=[(str(i), value or "—") for i, value in enumerate(shown)],
                coerce=int,
                widget=forms.RadioSelect,
                initial=str(first_filled),
            )
            self.rows.append(name)
        self.point_options = {}
        for related_name, columns in POINT_KINDS.items():
            options, seen = [], set()
            for record in records:
                for row in getattr(record, related_name).all():
                    key = tuple(str(getattr(row, column)).casefold() for column in columns)
                    if key in seen:
                        continue
                    seen.add(key)
                    values = {"label": row.label, **{c: getattr(row, c) for c in columns}}
                    options.append((f"{record.pk}-{row.pk}", str(row), values))
            self.point_options[related_name] = options
            self.fields[related_name] = forms.MultipleChoiceField(
                label=POINT_LABELS[related_name],
                choices=[(key, label) for key, label, _values in options],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[key for key, _label, _values in options[:MAX_DETAILS]],
            )
        strictest = (
            Visibility.PRIVATE
            if any(record.visibility == Visibility.PRIVATE for record in records)
            else Visibility.PUBLIC
        )
        self.strictest = strictest
        self.fields["visibility"] = forms.ChoiceField(
            label=_("Visibility of the merged record"),
            choices=Visibility.choices,
            widget=forms.RadioSelect,
            initial=strictest,
            help_text=_(
                "The most restrictive one of the records; only the creator of the record "
                "you keep may choose otherwise."
            ),
        )

    @property
    def field_rows(self):
        return [self[f"field_{name}"] for name in self.rows]

    @property
    def point_fields(self):
        return [self[name] for name in POINT_KINDS]

    def clean(self):
        cleaned = super().clean()
        for related_name in POINT_KINDS:
            chosen = cleaned.get(related_name) or []
            if len(chosen) > MAX_DETAILS:
                self.add_error(
                    related_name,
                    _("Keep at most %(max)d; you ticked %(count)d.")
                    % {"max": MAX_DETAILS, "count": len(chosen)},
                )
        survivor = self.survivor()
        visibility = cleaned.get("visibility")
        if survivor is None or not visibility or survivor.created_by_id == self.user.pk:
            return cleaned
        if visibility != self.strictest:
            self.add_error(
                "visibility",
                _("Only the creator of the record you keep may make it less private."),
            )
        elif visibility == Visibility.PRIVATE and not self.errors:
            # A private record is seen by its creator and the members its description
            # mentions: the merger must stay one of them.
            description = self.values()["description"]
            if self.user.email.lower() not in mentioned_emails(description):
                self.add_error(
                    "survivor",
                    _(
                        "You would no longer see the merged record: it will be private. "
                        "Keep a record you created, or a description that mentions you."
                    ),
                )
        return cleaned

    def survivor(self) -> DirectoryRecord | None:
        pk = self.cleaned_data.get("survivor")
        return next((record for record in self.records if record.pk == pk), None)

    def losers(self) -> list[DirectoryRecord]:
        survivor = self.survivor()
        return [record for record in self.records if record is not survivor]

    def values(self) -> dict:
        """The survivor's new field values, by attname (foreign keys as ids)."""
        survivor = self.survivor()
        values = {}
        for name in FIELDS[self.kind]:
            attname = survivor._meta.get_field(name).attname
            if name in self.rows:
                values[attname] = _stored(self.records[self.cleaned_data[f"field_{name}"]], name)
            else:
                values[attname] = _stored(survivor, name)
        values["visibility"] = self.cleaned_data["visibility"]
        return values

    def points(self, related_name: str) -> list[dict]:
        chosen = set(self.cleaned_data.get(related_name) or [])
        return [values for key, _label, values in self.point_options[related_name] if key in chosen]


def validate_ids(raw: str) -> list[int]:
    """The record ids of `?ids=1,2`: 2 to MAX_RECORDS distinct numbers, else ValidationError."""
    parts = [part for part in raw.replace(" ", "").split(",") if part]
    if not all(part.isdigit() for part in parts):
        raise ValidationError("bad ids")
    ids = list(dict.fromkeys(int(part) for part in parts))
    if not 2 <= len(ids) <= MAX_RECORDS:
        raise ValidationError("bad count")
    return ids
