"""The timeline of a contact or company, and the bell's notifications."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.selectors import company_for_user
from contacts.selectors import contact_for_user
from events.models import KIND_GROUPS
from events.services import mark_read
from organizations.permissions import directory_required
from timeline import selectors

NOTIFICATIONS_PER_PAGE = 30


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _timeline(request: HttpRequest, *, contact=None, company=None) -> HttpResponse:
    user, organization = request.user, request.organization
    group = request.GET.get("kind", "")
    group = group if group in KIND_GROUPS else ""
    author_id = _int(request.GET.get("author", ""))
    # A company's timeline holds its persons' events unless the toggle says "persons=0".
    with_persons = company is not None and request.GET.get("persons") != "0"
    events = selectors.record_events(
        user,
        organization,
        contact=contact,
        company=company,
        with_persons=with_persons,
        group=group,
        author_id=author_id,
    )
    page = selectors.page_of(events, request.GET.get("after") or None)
    record = contact or company
    base = f"{request.path}?"
    filters = {
        key: value
        for key, value in {
            "kind": group,
            "author": author_id or "",
            "persons": "0" if company is not None and not with_persons else "",
        }.items()
        if value
    }
    context = {
        "record": record,
        "record_kind": "contact" if contact is not None else "company",
        "page": page,
        "groups": [(key, label) for key, (label, _kinds) in KIND_GROUPS.items()],
        "group": group,
        "author_id": author_id,
        "authors": selectors.authors(organization),
        "with_persons": with_persons,
        "filters": filters,
        "filtered": bool(group or author_id),
        "base": base,
    }
    template = "timeline/_timeline.html" if request.htmx else "timeline/timeline_page.html"
    return TemplateResponse(request, template, context)


@directory_required
def contact_timeline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contact = contact_for_user(request.user, request.organization, pk)
    return _timeline(request, contact=contact)


@directory_required
def company_timeline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = company_for_user(request.user, request.organization, pk)
    return _timeline(request, company=company)


def notification_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The bell's page: my notifications in this organization (every role has one)."""
    user, organization = request.user, request.organization
    page = selectors.page_of_notifications(
        selectors.notifications_for(user, organization),
        request.GET.get("after") or None,
        per_page=NOTIFICATIONS_PER_PAGE,
    )
    return TemplateResponse(request, "timeline/notification_list.html", {"page": page})


def _inside(request: HttpRequest, url: str) -> bool:
    return url.startswith(f"/o/{request.organization.slug}/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_POST
def notification_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (if still visible)."""
    user, organization = request.user, request.organization
    notification = get_object_or_404(selectors.notifications_for(user, organization), pk=pk)
    mark_read(organization=organization, user=user, notification_id=notification.pk)
    if notification.url and _inside(request, notification.url):
        return redirect(notification.url)
    return redirect("notification_list", slug=slug)


@require_POST
def notification_read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark one notification read and stay on the list."""
    user, organization = request.user, request.organization
    notification = get_object_or_404(selectors.notifications_for(user, organization), pk=pk)
    mark_read(organization=organization, user=user, notification_id=notification.pk)
    return redirect("notification_list", slug=slug)


@require_POST
def notification_read_all(request: HttpRequest, slug: str) -> HttpResponse:
    count = mark_read(organization=request.organization, user=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("notification_list", slug=slug)
