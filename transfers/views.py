"""The browser side of copying (PRODUCT §6): preview, confirm, and the job's page.

On the contact or company list an owner ticks records (or all that match the filter) and
picks a target → `copy_preview` shows what would be copied (a dry run) → confirming posts
to `copy_list`, which records a copy job and runs it (inline when small, in the worker
otherwise) → `copy_job_detail` polls until the report is there. Only owners of the
source reach the preview and the confirmation (403 otherwise); a job is seen by its
requester only (404 for anyone else, like a job that does not exist).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from organizations.models import Organization, Role
from organizations.permissions import owner_required
from transfers.duplication import (
    DuplicationError,
    DuplicationForbidden,
    DuplicationReport,
    directory_duplicate,
    selection_size,
)
from transfers.forms import CopyForm
from transfers.jobs import reap_abandoned
from transfers.models import CopyJob
from transfers.services import copy_job_create
from transfers.templatetags.duplication_tags import copy_target_list

LISTS = {"contacts": "contact_list", "companies": "company_list"}
RECENT_JOBS = 20


def _back(request: HttpRequest, form: CopyForm) -> str:
    """The list the copy started from, with its filter and the user's choices."""
    url = reverse(
        LISTS.get(request.POST.get("kind"), "contact_list"), args=[request.organization.slug]
    )
    if form.is_bound and form.is_valid():
        url += "?" + urlencode(form.list_query())
    return url


def _refused(request: HttpRequest, form: CopyForm) -> HttpResponse:
    """Back to the list, each of the form's errors said (its choices were not valid)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_back(request, CopyForm()))


def _target(request: HttpRequest, form: CopyForm) -> Organization:
    """The chosen target, among the user's copy targets; 403 for any other slug."""
    for organization in copy_target_list(request):
        if organization.slug == form.cleaned_data["target"]:
            return organization
    raise PermissionDenied


def _selection(form: CopyForm) -> dict:
    ids, filters = form.chosen_ids, form.filters
    if form.cleaned_data["kind"] == "contacts":
        return {"contact_ids": ids, "contact_filter": None if ids else filters, "company_ids": []}
    return {"contact_ids": [], "company_ids": ids, "company_filter": None if ids else filters}


@owner_required
@require_POST
def copy_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Show what the copy would do (a dry run), with the form to confirm or change it."""
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    target = _target(request, form)
    try:
        report = directory_duplicate(
            source=request.organization,
            target=target,
            user=request.user,
            with_attachments=form.cleaned_data["with_attachments"],
            skip_existing=form.cleaned_data["skip_existing"],
            dry_run=True,
            **_selection(form),
        )
    except DuplicationForbidden as error:
        raise PermissionDenied(str(error)) from error
    except DuplicationError as error:
        messages.error(request, str(error))
        return redirect(_back(request, form))
    return render(
        request,
        "transfers/copy_preview.html",
        {
            "form": form,
            "target": target,
            "report": report,
            "back_url": _back(request, form),
            "targets": copy_target_list(request),
        },
    )


@owner_required
def copy_list(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the user's recent copies from here. POST: confirm a previewed copy and start it."""
    if request.method != "POST":
        jobs = CopyJob.objects.filter(
            organization=request.organization, requested_by=request.user
        ).select_related("target")[:RECENT_JOBS]
        jobs = [reap_abandoned(job) for job in jobs]
        return render(request, "transfers/copy_list.html", {"jobs": jobs})
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    target = _target(request, form)
    selection = _selection(form)
    try:
        # Refuse invisible ids now, and size the copy: small ones run in this request.
        records = selection_size(source=request.organization, user=request.user, **selection)
        job = copy_job_create(
            source=request.organization,
            target=target,
            user=request.user,
            kind=form.cleaned_data["kind"],
            ids=form.chosen_ids,
            filters=form.filters,
            with_attachments=form.cleaned_data["with_attachments"],
            skip_existing=form.cleaned_data["skip_existing"],
            records=records,
        )
    except DuplicationForbidden as error:
        raise PermissionDenied(str(error)) from error
    except DuplicationError as error:
        messages.error(request, str(error))
        return redirect(_back(request, form))
    return redirect("copy_job_detail", slug=slug, pk=job.pk)


@require_GET
def copy_job_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The job's progress, then its report; htmx polls the same URL for the fragment."""
    if request.membership.role != Role.OWNER:
        raise Http404
    job = get_object_or_404(
        CopyJob.objects.filter(
            organization=request.organization, requested_by=request.user
        ).select_related("target"),
        pk=pk,
    )
    job = reap_abandoned(job)
    template = "transfers/copy_job_detail.html"
    if request.htmx and request.htmx.target == "copy-job":
        template = "transfers/_copy_job.html"
    report = DuplicationReport.from_json(job.report) if job.report else None
    return render(request, template, {"job": job, "report": report})
