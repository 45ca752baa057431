"""Template context for every page: the current organization, role and switcher."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organizations.middleware import my_memberships
from organizations.models import Membership


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

    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "role": membership.role if membership else None,
        "my_memberships": SimpleLazyObject(switcher),
    }
