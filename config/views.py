"""Top-floor views that gather from every app: the dashboard and the global search."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from activity.selectors import dashboard_groups
from companies import selectors as company_selectors
from companies.models import Company
from connections.selectors import projects_visible_to, tickets_visible_to
from contacts import selectors as contact_selectors
from contacts.models import Contact
from directory.pagination import bounded_count
from directory.views import RELEVANCE
from organizations.http import search_text
from organizations.models import Invitation, Membership, Role
from organizations.permissions import directory_required

# How many of each kind the search dropdown shows; the full page shows more.
DROPDOWN_RESULTS = 8
PAGE_RESULTS = 25


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
        "activity_groups": dashboard_groups(request.user, organization),
    }
    return render(request, "dashboard.html", context)


@directory_required
def search(request: HttpRequest, slug: str) -> HttpResponse:
    """Contacts and companies matching ?q=, best first: a dropdown for htmx, else a page."""
    user, organization = request.user, request.organization
    q = search_text(request)
    limit = DROPDOWN_RESULTS if request.htmx else PAGE_RESULTS
    contacts, companies = [], []
    if q:
        contacts = list(
            contact_selectors.contact_search(user, organization, q=q).order_by(
                *contact_selectors.SORTS[RELEVANCE]
            )[:limit]
        )
        companies = list(
            company_selectors.company_search(user, organization, q=q).order_by(
                *company_selectors.SORTS[RELEVANCE]
            )[:limit]
        )
    context = {
        "q": q,
        "contacts": contacts,
        "companies": companies,
    }
    template = "_search_results.html" if request.htmx else "search.html"
    return render(request, template, context)
