"""The "Copy to…" action on the contact and company lists: who sees it, and where to."""

from django import template

from organizations.models import Membership, Organization, Role

register = template.Library()


@register.simple_tag(takes_context=True)
def copy_targets(context: template.Context) -> list[Organization]:
    """The other organizations the viewer may copy this one's records into (PRODUCT §6).

    Empty unless the viewer owns this organization; otherwise those where they are owner
    or member. One query per request, however many rows ask.
    """
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.OWNER:
        return []
    if not hasattr(request, "_copy_targets"):
        request._copy_targets = [
            m.organization
            for m in Membership.objects.filter(
                user=request.user, role__in=[Role.OWNER, Role.MEMBER]
            )
            .exclude(organization=request.organization)
            .select_related("organization")
            .order_by("organization__name")
        ]
    return request._copy_targets
