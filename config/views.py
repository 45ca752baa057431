"""Top-floor views that gather from every app: the organization dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.models import Invitation, Membership, Role


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's front page: who is here and what there is to see."""
    organization = request.organization
    membership = request.membership
    members = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__email")
    )
    context = {
        "members": members,
        "pending_invitations": (
            Invitation.objects.filter(organization=organization).pending().count()
            if membership.is_owner
            else None
        ),
        "is_guest": membership.role == Role.GUEST,
    }
    return render(request, "dashboard.html", context)
