"""Top-floor views that gather from every app: the organization dashboard."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from companies.models import Company
from connections.selectors import projects_visible_to, tickets_visible_to
from contacts.models import Contact
from organizations.models import Invitation, Membership, Role
from organizations.pagination import bounded_count


@dataclass(frozen=True)
class Panel:
    label: str
    url: str
    count: int
    more: bool = False


def _directory_panels(request: HttpRequest) -> list[Panel]:
    """Counts of the contacts and companies the user may see (none for guests)."""
    if not request.membership.sees_directory:
        return []
    user, organization = request.user, request.organization
    panels = []
    for model, label, url_name in [
        (Contact, _("Contacts"), "contact_list"),
        (Company, _("Companies"), "company_list"),
    ]:
        count, more = bounded_count(model.objects.visible_to(user, organization))
        panels.append(
            Panel(label, reverse(url_name, kwargs={"slug": organization.slug}), count, more)
        )
    return panels


def _work_panels(request: HttpRequest) -> list[Panel]:
    """Counts of the projects and tickets the user may see (a guest: those of their work)."""
    user, organization = request.user, request.organization
    panels = []
    for queryset, label, url_name in [
        (projects_visible_to(user, organization), _("Projects"), "project_list"),
        (tickets_visible_to(user, organization), _("Tickets"), "ticket_list"),
    ]:
        count, more = bounded_count(queryset)
        panels.append(
            Panel(label, reverse(url_name, kwargs={"slug": organization.slug}), count, more)
        )
    return panels


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
        "dashboard_panels": _directory_panels(request) + _work_panels(request),
    }
    return render(request, "dashboard.html", context)
