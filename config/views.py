"""Top-floor views that gather from every app: the dashboard and the global search."""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import npgettext

from activity.selectors import dashboard_groups
from attachments.selectors import shown_usage
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


# How many recently updated contacts and companies the dashboard lists, together.
RECENT_RECORDS = 6


@dataclass(frozen=True)
class Panel:
    label: str
    url: str
    count: int
    more: bool = False


def _figure_label(kind: str, count: int, more: bool) -> str:
    """ "1 project", "2 projects": the label agrees with its figure (a capped one is plural)."""
    number = 2 if more else count
    labels = {
        "contacts": npgettext("dashboard figure", "Contact", "Contacts", number),
        "companies": npgettext("dashboard figure", "Company", "Companies", number),
        "projects": npgettext("dashboard figure", "Project", "Projects", number),
        "tickets": npgettext("dashboard figure", "Ticket", "Tickets", number),
    }
    return labels[kind]


def _panel(kind: str, queryset, url_name: str, organization) -> Panel:
    count, more = bounded_count(queryset)
    return Panel(
        _figure_label(kind, count, more),
        reverse(url_name, kwargs={"slug": organization.slug}),
        count,
        more,
    )


def _directory_panels(request: HttpRequest) -> list[Panel]:
    """Counts of the contacts and companies the user may see (none for guests)."""
    if not request.membership.sees_directory:
        return []
    user, organization = request.user, request.organization
    return [
        _panel(
            "contacts", Contact.objects.visible_to(user, organization), "contact_list", organization
        ),
        _panel(
            "companies",
            Company.objects.visible_to(user, organization),
            "company_list",
            organization,
        ),
    ]


def _work_panels(request: HttpRequest) -> list[Panel]:
    """Counts of the projects and tickets the user may see (a guest: those of their work)."""
    user, organization = request.user, request.organization
    return [
        _panel("projects", projects_visible_to(user, organization), "project_list", organization),
        _panel("tickets", tickets_visible_to(user, organization), "ticket_list", organization),
    ]


@dataclass(frozen=True)
class RecentRecord:
    kind: str  # "person" or "company", as the avatars name them
    name: str
    url: str
    updated_at: datetime


def _recent_records(request: HttpRequest) -> list[RecentRecord]:
    """The contacts and companies the user may see, most recently updated first.

    Two bounded reads (RECENT_RECORDS of each, through `visible_to`), merged; none for
    a guest, who sees no directory.
    """
    if not request.membership.sees_directory:
        return []
    user, organization = request.user, request.organization
    slug = organization.slug
    recent = [
        RecentRecord(
            "person",
            contact.full_name,
            reverse("contact_detail", kwargs={"slug": slug, "pk": contact.pk}),
            contact.updated_at,
        )
        for contact in Contact.objects.visible_to(user, organization).order_by(
            "-updated_at", "-pk"
        )[:RECENT_RECORDS]
    ] + [
        RecentRecord(
            "company",
            company.name,
            reverse("company_detail", kwargs={"slug": slug, "pk": company.pk}),
            company.updated_at,
        )
        for company in Company.objects.visible_to(user, organization).order_by(
            "-updated_at", "-pk"
        )[:RECENT_RECORDS]
    ]
    recent.sort(key=lambda record: record.updated_at, reverse=True)
    return recent[:RECENT_RECORDS]


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
        "activity_groups": dashboard_groups(request.user, organization, role=membership.role),
        "recent_records": _recent_records(request),
        # The counter read with the request's memberships: no query of its own.
        "usage": shown_usage(organization) if membership.sees_directory else None,
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
