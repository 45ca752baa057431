"""The "Projects, tasks and tickets" section of a contact or company page."""

from django import template

from connections import selectors

register = template.Library()


@register.inclusion_tag("connections/_record_connections.html", takes_context=True)
def record_connections(context: template.Context, record) -> dict:
    """Render what is connected to `record` (a contact or company) and its client projects.

    Reads only through the selectors, as the page's viewer: two queries whatever the
    number of connections and projects. Guests never reach these pages; if one did,
    the section would stay empty.
    """
    request = context["request"]
    user, organization = request.user, request.organization
    kind = record._meta.model_name
    membership = getattr(request, "membership", None)
    if membership is None or not membership.sees_directory:
        return {"shown": False}
    return {
        "shown": True,
        "record": record,
        "kind": kind,
        "organization": organization,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "connections": selectors.record_connections(user, organization, **{kind: record}),
        "portfolio": selectors.client_portfolio(user, organization, **{kind: record}),
    }
