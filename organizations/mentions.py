"""Mentions: who a record's description names, resolved to this organization's readers."""

import re

from organizations.models import Membership, Organization, Role

# A mention is "@" followed by the member's email address; the autocomplete inserts
# exactly this token, and people can type it by hand.
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})")


def mentioned_emails(text: str) -> set[str]:
    """Return the lower-cased email addresses mentioned in `text`."""
    return {match.lower().rstrip(".") for match in MENTION_RE.findall(text or "")}


def mention_readers(organization: Organization, emails: set[str]):
    """Return the owners and members of `organization` whose address is in `emails`."""
    if not emails:
        return []
    # Addresses are stored lower-cased (UserManager), so an exact match is enough.
    return [
        membership.user
        for membership in Membership.objects.filter(
            organization=organization,
            role__in=[Role.OWNER, Role.MEMBER],
            user__email__in=sorted(emails),
        ).select_related("user")
    ]


def sync_mentions(record) -> set[int]:
    """Store who the description mentions; only this organization's owners and members count.

    Returns the ids of the users mentioned now who were not before (to be notified).
    """
    mention_model = record.mention_model()
    users = mention_readers(record.organization, mentioned_emails(record.description))
    target = {"organization": record.organization, mention_model.target_field: record}
    existing = set(mention_model.objects.filter(**target).values_list("user_id", flat=True))
    wanted = {user.pk for user in users}
    mention_model.objects.filter(**target).exclude(user_id__in=wanted).delete()
    mention_model.objects.bulk_create(
        mention_model(user_id=user_id, **target) for user_id in wanted - existing
    )
    return wanted - existing


def mention_names(organization: Organization) -> dict[str, str]:
    """Map each owner's and member's email address to the name shown for a mention."""
    return {
        membership.user.email.lower(): membership.user.display_name
        for membership in Membership.objects.filter(
            organization=organization, role__in=[Role.OWNER, Role.MEMBER]
        ).select_related("user")
    }
