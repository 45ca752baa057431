"""Template context for every page: the current organization, role and switcher."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from organizations.middleware import my_memberships
from organizations.models import Membership


@dataclass(frozen=True)
class SwitcherEntry:
    """One organization in the switcher menu: its dashboard, name and the user's role."""

    url: str
    name: str
    role: str
    current: bool


# Stands for an organization's slug while the dashboard URL is reversed once for the menu.
_SLUG_PLACEHOLDER = "organization-slug-placeholder"


def switcher_entries(memberships: list[Membership], current_id: int | None) -> list[SwitcherEntry]:
    """The switcher's entries for `memberships`, `current_id` being the page's organization.

    Someone may belong to a hundred organizations, and the menu is on every page: the
    dashboard URL is reversed once and each role's label translated once, not per entry.
    """
    head, _found, tail = reverse("dashboard", kwargs={"slug": _SLUG_PLACEHOLDER}).rpartition(
        _SLUG_PLACEHOLDER
    )
    labels: dict[str, str] = {}
    entries = []
    for membership in memberships:
        if membership.role not in labels:
            labels[membership.role] = membership.get_role_display()
        organization = membership.organization
        entries.append(
            SwitcherEntry(
                url=f"{head}{organization.slug}{tail}",
                name=organization.name,
                role=labels[membership.role],
                current=membership.organization_id == current_id,
            )
        )
    return entries


def tenancy(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def switcher() -> list[Membership]:
        # Tenant pages already hold the list (the middleware read it with the
        # membership); other pages read it only if they show the switcher.
        if hasattr(request, "my_memberships"):
            return request.my_memberships
        if user is None or not user.is_authenticated:
            return []
        return my_memberships(user)

    organization = getattr(request, "organization", None)
    return {
        "organization": organization,
        "membership": membership,
        "role": membership.role if membership else None,
        "my_memberships": SimpleLazyObject(switcher),
        "switcher": SimpleLazyObject(
            lambda: switcher_entries(switcher(), organization.pk if organization else None)
        ),
    }
