"""Posting the merge page as a browser would, with its defaults or chosen values."""

from django.urls import reverse

from merging.forms import MergeForm
from organizations.scoping import scope


def merge_url(kind: str, *records) -> str:
    plural = "contacts" if kind == "contact" else "companies"
    ids = ",".join(str(record.pk) for record in records)
    return reverse("merge_records", kwargs={"slug": "acme", "kind": plural}) + f"?ids={ids}"


def default_data(records, kind: str, user, **overrides) -> dict:
    """What the merge page posts unchanged: its initial choices, plus `overrides`."""
    records = sorted(records, key=lambda record: (record.created_at, record.pk))
    with scope(organization=records[0].organization):
        form = MergeForm(records=records, kind=kind, user=user)
        data = {"ids": ",".join(str(record.pk) for record in records)}
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[name] = value
    data.update(overrides)
    return data
