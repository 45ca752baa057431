"""The "Copy to…" action on the contact and company lists: who sees it, and where to."""

from django import template

from organizations.models import Organization, Role

register = template.Library()


def copy_target_list(request) -> list[Organization]:
    """The other organizations the viewer may copy this one's records into (PRODUCT §6).

    Empty unless the viewer owns this organization; otherwise those where they are owner
    or member. No query: the middleware read the memberships.
    """
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.OWNER:
        return []
    if not hasattr(request, "_copy_targets"):
        # The middleware read every membership of the user with the current one.
        request._copy_targets = [
            m.organization
            for m in request.my_memberships
            if m.role in (Role.OWNER, Role.MEMBER)
            and m.organization_id != membership.organization_id
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
