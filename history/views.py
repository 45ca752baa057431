"""A record's History page, and restoring a previous value from it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.selectors import company_for_user
from connections.selectors import project_for_user
from contacts.selectors import contact_for_user
from history import selectors, services
from organizations.permissions import directory_required


def _before(request: HttpRequest) -> int | None:
    value = (request.GET.get("before") or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _history(request: HttpRequest, record, kind: str, *, can_restore: bool) -> HttpResponse:
    user, organization = request.user, request.organization
    changes = selectors.record_changes(user, organization, **{kind: record})
    page = selectors.page_of(
        changes,
        before=_before(request),
        user=user,
        organization=organization,
        record_kind=kind,
        can_restore=can_restore,
    )
    return TemplateResponse(
        request,
        "history/record_history.html",
        {
            "record": record,
            "record_kind": kind,
            "record_url": reverse(f"{kind}_detail", args=[organization.slug, record.pk]),
            "page": page,
        },
    )


@directory_required
def contact_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contact = contact_for_user(request.user, request.organization, pk)
    return _history(request, contact, "contact", can_restore=True)


@directory_required
def company_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    company = company_for_user(request.user, request.organization, pk)
    return _history(request, company, "company", can_restore=True)


@directory_required
def project_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for_user(request.user, request.organization, pk)
    return _history(request, project, "project", can_restore=False)


def _restore(request: HttpRequest, record, kind: str, change_pk: int) -> HttpResponse:
    changes = selectors.record_changes(request.user, request.organization, **{kind: record})
    change = selectors.change_for_record(changes, change_pk)
    if change is None:
        raise Http404
    try:
        services.change_restore(change=change, record=record, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The previous value is back."))
    return redirect(f"{kind}_history", slug=request.organization.slug, pk=record.pk)


@require_POST
@directory_required
def contact_restore(request: HttpRequest, slug: str, pk: int, change_pk: int) -> HttpResponse:
    contact = contact_for_user(request.user, request.organization, pk)
    return _restore(request, contact, "contact", change_pk)


@require_POST
@directory_required
def company_restore(request: HttpRequest, slug: str, pk: int, change_pk: int) -> HttpResponse:
    company = company_for_user(request.user, request.organization, pk)
    return _restore(request, company, "company", change_pk)
