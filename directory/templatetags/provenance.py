"""Where a copied contact or company came from (PRODUCT §6), for its detail page."""

from django import template

from organizations.models import Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def copied_from(context: template.Context, record) -> dict | None:
    """The source organization and date of a copy, if the viewer also belongs to the source.

    Nothing (and no query) for a record that is not a copy; one query for a copy. Someone
    who does not belong to the source learns nothing of it, not even its name.
    """
    source_id = record.copied_from_organization_id
    request = context.get("request")
    if source_id is None or request is None:
        return None
    membership = (
        Membership.objects.filter(user=request.user, organization_id=source_id)
        .select_related("organization")
        .first()
    )
    if membership is None:
        return None
    return {"organization": membership.organization, "at": record.copied_at}
