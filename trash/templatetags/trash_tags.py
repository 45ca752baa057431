"""The Undo button of a delete's flash message."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("trash/_undo.html", takes_context=True)
def undo_button(context, message):
    """A POST form restoring the batch named in the message's `undo-<pk>` tag, if any."""
    batch_pk = next(
        (
            tag.removeprefix("undo-")
            for tag in (message.extra_tags or "").split()
            if tag.startswith("undo-") and tag.removeprefix("undo-").isdigit()
        ),
        None,
    )
    organization = context.get("organization")
    if batch_pk is None or organization is None:
        return {"url": None}
    return {
        "url": reverse("trash_restore", kwargs={"slug": organization.slug, "pk": int(batch_pk)}),
        "csrf_token": context.get("csrf_token"),
    }
