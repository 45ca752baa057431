"""The "Copy to…" action on the contact and company lists: who sees it, and where to."""

from django import template

from organizations.models import Membership, Organization, Role

register = template.Library()


def copy_target_list(request) -> list[Organization]:
    """The other organizations the viewer may copy this one's records into (PRODUCT §6).

    Empty unless the viewer owns this organization; otherwise those where they are owner
    or member. One query per request, however many rows ask.
    """
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


@register.simple_tag(takes_context=True)
def copy_targets(context: template.Context) -> list[Organization]:
    """The organizations the viewer may copy this one's records into (none: no action)."""
    return copy_target_list(context.get("request"))


@register.simple_tag(takes_context=True)
def copy_choices(context: template.Context) -> dict:
    """The copy choices a "Back" from the preview brings to the list (ticked ids, options)."""
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "_copy_choices"):
        get = request.GET
        request._copy_choices = {
            "ids": {int(pk) for pk in get.getlist("copy") if pk.isdigit()},
            "target": get.get("copy_target", ""),
            "all": get.get("copy_all") == "1",
            "attachments": get.get("copy_attachments") == "1",
            "skip_existing": get.get("copy_duplicates") != "1",
            "open": "copy_target" in get,
        }
    return request._copy_choices
