"""Restoring a previous value: the same validation and service as the record's form."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from companies import services as company_services
from companies.forms import CompanyForm
from companies.models import Company
from contacts import services as contact_services
from contacts.forms import ContactForm
from contacts.models import Contact
from directory.models import DirectoryRecord
from history.models import Action, Change
from history.selectors import DETAIL_KINDS, RESTORABLE_FIELDS
from history.triggers import WATCHED
from organizations.models import User

_DETAIL_FIELDS = {watched.name: watched.fields for watched in WATCHED}


@transaction.atomic
def change_restore(*, change: Change, record: DirectoryRecord, user: User) -> None:
    """Set the field `change` changed on `record` back to its old value.

    A record field goes through the record's form (its validation and normalization)
    and service (`contact_update`, `company_update`: mentions, audience, timeline); a
    contact point through the service's detail rows. Raise ValidationError, with
    nothing saved, when the value is refused; the restore is recorded in history like
    any change.
    """
    kind = record._meta.model_name
    if change.action != Action.UPDATE:
        raise ValidationError(_("Only a changed value can be restored."))
    if change.model == kind and change.field in RESTORABLE_FIELDS[kind]:
        _restore_field(change, record, user)
    elif change.model in DETAIL_KINDS and getattr(change, f"{kind}_id") == record.pk:
        _restore_detail(change, record, user)
    else:
        raise ValidationError(_("This change cannot be restored."))


def _restore_field(change: Change, record: DirectoryRecord, user: User) -> None:
    name = change.field
    if name == "visibility" and record.created_by_id != user.pk:
        raise ValidationError(_("Only the creator can change the visibility."))
    data = {"tax_country": record.tax_country, name: change.old_value or ""}
    form_class = ContactForm if isinstance(record, Contact) else CompanyForm
    form = form_class(data, instance=record, organization=record.organization, user=user)
    for field in list(form.fields):
        if field not in data:
            del form.fields[field]
    if not form.is_valid():
        raise ValidationError(
            [message for messages in form.errors.values() for message in messages]
        )
    fields = {field: form.cleaned_data[field] for field in data}
    if isinstance(record, Company):
        company_services.company_update(company=record, user=user, fields=fields)
    else:
        contact_services.contact_update(contact=record, user=user, fields=fields)


def _restore_detail(change: Change, record: DirectoryRecord, user: User) -> None:
    related_name = DETAIL_KINDS[change.model]
    fields = _DETAIL_FIELDS[change.model]
    rows = list(getattr(record, related_name).order_by("position"))
    if not any(row.pk == change.row_id for row in rows):
        raise ValidationError(_("That entry no longer exists; add it again from the edit page."))
    values = [
        {
            field: (change.old_value or "")
            if row.pk == change.row_id and field == change.field
            else getattr(row, field)
            for field in fields
        }
        for row in rows
    ]
    details = {related_name: values}
    if isinstance(record, Company):
        company_services.company_update(company=record, user=user, fields={}, **details)
    else:
        contact_services.contact_update(contact=record, user=user, fields={}, **details)
