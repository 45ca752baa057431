"""Template context for every page: the current organization, role and switcher."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organizations.models import Membership


def tenancy(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def my_memberships() -> list[Membership]:
        if user is None or not user.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=user)
            .select_related("organization")
            .order_by("organization__name")
        )

    return {
        "organization": getattr(request, "organization", None),
        "membership": membership,
        "role": membership.role if membership else None,
        "my_memberships": SimpleLazyObject(my_memberships),
    }
