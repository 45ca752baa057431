"""Search pieces shared by the contact and company lists."""

from django.db.models import Model, Q, QuerySet

from organizations.models import Organization
from organizations.validators import phone_search_keys


def phone_owner_ids(
    phone_model: type[Model], owner_field: str, text: str, organization: Organization
) -> QuerySet | None:
    """Ids of the records with a phone matching `text`; None when `text` is no phone."""
    keys = phone_search_keys(text, organization.default_country)
    if not keys:
        return None
    numbers = Q()
    for key in keys:
        numbers |= Q(number__contains=key)
    return (
        phone_model.objects.filter(numbers, organization=organization)
        .order_by()
        .values(f"{owner_field}_id")
    )


def phone_condition(
    phone_model: type[Model], owner_field: str, text: str, organization: Organization
) -> Q:
    """Records with a phone matching `text`, when it looks like a phone number."""
    phones = phone_owner_ids(phone_model, owner_field, text, organization)
    return Q(pk__in=[]) if phones is None else Q(pk__in=phones)
