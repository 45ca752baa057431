"""Files of contacts and companies (upload, link, download, delete) and the storage page.

Every attachment view first resolves the record through `visible_to` (404 when the user
cannot see it, 403 for guests), then the attachment within that record (404 for the id
of another record or organization).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from attachments import selectors, services
from attachments.files import attachment_storage, content_disposition, signed_download_url
from attachments.forms import LinkForm, PlanForm, UploadForm
from attachments.models import Attachment, AttachmentKind
from attachments.panels import files_panel
from companies.models import Company
from contacts.models import Contact
from organizations.deletion import delete_to_trash, storage_held, undo_tag
from organizations.permissions import directory_required

LARGEST_FILES = 10


@directory_required
@require_POST
def attachment_upload(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    """Upload one or more files to a record; all of them, or none with the reason."""
    record = selectors.record_for_user(request.user, request.organization, kind, pk)
    form = UploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            uploaded = services.attachments_upload(
                organization=request.organization,
                record=record,
                uploaded_by=request.user,
                files=form.cleaned_data["files"],
            )
        except services.QuotaExceeded as error:
            form.add_error("files", error.message)
        except services.StorageUnavailable:
            form.add_error(
                "files",
                _("The files could not be stored just now; nothing was uploaded. Try again."),
            )
            status = 503
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(
                request,
                ngettext("%(count)d file uploaded.", "%(count)d files uploaded.", len(uploaded))
                % {"count": len(uploaded)},
            )
            return redirect(_section_url(record, kind, slug))
    panel = files_panel(record, request.membership, upload_form=form)
    return render(request, "attachments/files_form.html", {"panel": panel}, status=status)


@directory_required
@require_POST
def attachment_link(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    """Attach a cloud link (https, with a title) to a record."""
    record = selectors.record_for_user(request.user, request.organization, kind, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            link = services.attachment_link_create(
                organization=request.organization,
                record=record,
                added_by=request.user,
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("title" if field == "name" else field, errors)
        else:
            messages.success(request, _("Link “%(title)s” added.") % {"title": link.name})
            return redirect(_section_url(record, kind, slug))
    panel = files_panel(record, request.membership, link_form=form)
    return render(request, "attachments/files_form.html", {"panel": panel}, status=400)


@directory_required
@require_safe
def attachment_download(
    request: HttpRequest, slug: str, pk: int, attachment_pk: int, kind: str
) -> HttpResponse:
    """Send a file as a download (a signed S3 link, or streamed); open a cloud link."""
    record = selectors.record_for_user(request.user, request.organization, kind, pk)
    attachment = selectors.attachment_for_record(record, attachment_pk)
    if attachment.is_link:
        return HttpResponseRedirect(attachment.url)
    return _download_response(attachment)


@directory_required
@require_POST
def attachment_delete(
    request: HttpRequest, slug: str, pk: int, attachment_pk: int, kind: str
) -> HttpResponse:
    """Delete a file or link of a record the user sees; a file's space is freed.

    Only its uploader, the record's creator and owners may: anyone else who sees it gets 403.
    """
    record = selectors.record_for_user(request.user, request.organization, kind, pk)
    attachment = selectors.attachment_for_record(record, attachment_pk)
    if not selectors.may_delete(request.membership, record, attachment):
        raise PermissionDenied
    batch = delete_to_trash(
        attachment,
        user=request.user,
        delete=lambda: services.attachment_delete(attachment=attachment, user=request.user),
    )
    messages.success(
        request, _("“%(name)s” deleted.") % {"name": attachment.name}, extra_tags=undo_tag(batch)
    )
    return redirect(_section_url(record, kind, slug))


@directory_required
def storage(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's storage: the usage bar and largest files; owners change the plan."""
    organization = request.organization
    is_owner = request.membership.is_owner
    if request.method == "POST" and not is_owner:
        raise PermissionDenied
    form = PlanForm(
        request.POST if request.method == "POST" else None, initial={"plan": organization.plan}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_plan_change(
                organization=organization, plan=form.cleaned_data["plan"]
            )
        except ValidationError as error:
            form.add_error("plan", error.message_dict["plan"])
        else:
            messages.success(
                request,
                _("The plan is now %(plan)s.") % {"plan": organization.get_plan_display()},
            )
            return redirect("storage", slug=slug)
    context = {
        "usage": selectors.storage_usage(organization),
        "largest": _largest_visible_files(request),
        "plan_form": form if is_owner else None,
        # What other apps keep stored and counted (the trash's files until purged).
        "held": storage_held(organization),
    }
    return render(
        request, "attachments/storage.html", context, status=400 if form.is_bound else 200
    )


def _section_url(record, kind: str, slug: str) -> str:
    return reverse(f"{kind}_detail", kwargs={"slug": slug, "pk": record.pk}) + "#files"


def _download_response(attachment: Attachment) -> HttpResponse:
    """Redirect to a short-lived signed URL on S3; stream the file from local storage.

    Either way the browser gets `Content-Disposition: attachment` with the exact name and
    a content type from the safe list, never something it would render as a page.
    """
    content_type = attachment.content_type or "application/octet-stream"
    signed = signed_download_url(
        attachment.storage_key, name=attachment.name, content_type=content_type
    )
    if signed is not None:
        response: HttpResponse = HttpResponseRedirect(signed)
    else:
        try:
            file = attachment_storage().open(attachment.storage_key, "rb")
        except FileNotFoundError as error:
            raise Http404("The stored file is missing.") from error
        response = FileResponse(file, content_type=content_type)
        response["Content-Disposition"] = content_disposition(attachment.name)
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _largest_visible_files(request: HttpRequest) -> list[Attachment]:
    """The biggest files of records the user may see, to show where the space goes."""
    user, organization = request.user, request.organization
    visible_record = Q(contact__in=Contact.objects.visible_to(user, organization).values("pk")) | Q(
        company__in=Company.objects.visible_to(user, organization).values("pk")
    )
    return list(
        Attachment.objects.filter(
            visible_record, organization=organization, kind=AttachmentKind.FILE
        )
        .select_related("contact", "company")
        .order_by("-size", "-id")[:LARGEST_FILES]
    )
