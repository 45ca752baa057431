"""The trash page, Restore (also the flash message's Undo) and Delete permanently."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.permissions import directory_required, owner_required
from trash import services
from trash.models import TrashBatch
from trash.selectors import trash_bytes

PER_PAGE = 50


def _batch(request: HttpRequest, pk: int) -> TrashBatch:
    """A batch the reader may see; any other is the same 404 as a missing one."""
    visible = TrashBatch.objects.visible_to(request.user, request.organization)
    return get_object_or_404(visible.defer("snapshot", "updates"), pk=pk)


@directory_required
def trash_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The batches the reader may see, newest first, with when each leaves for good."""
    organization = request.organization
    batches = (
        TrashBatch.objects.visible_to(request.user, organization)
        .select_related("deleted_by")
        .defer("snapshot", "updates")
    )
    page = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
    retention = timedelta(days=organization.trash_retention_days)
    for batch in page:
        batch.purged_on = batch.deleted_at + retention
    return render(
        request,
        "trash/trash_list.html",
        {"page": page, "held_bytes": trash_bytes(organization)},
    )


def _restored_url(request: HttpRequest, root) -> str:
    """The page of what came back (a file: its record's Files section)."""
    slug = request.organization.slug
    kind = type(root)._meta.label_lower
    if kind == "connections.task":
        return reverse(
            "task_detail", kwargs={"slug": slug, "project_pk": root.project_id, "pk": root.pk}
        )
    if kind in ("attachments.attachment", "notes.note"):
        for name in ("contact", "company", "project"):
            pk = getattr(root, f"{name}_id", None)
            if pk:
                anchor = "#files" if kind == "attachments.attachment" else f"#note-{root.pk}"
                return reverse(f"{name}_detail", kwargs={"slug": slug, "pk": pk}) + anchor
    name = type(root)._meta.model_name
    return reverse(f"{name}_detail", kwargs={"slug": slug, "pk": root.pk})


@directory_required
@require_POST
def trash_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Bring a batch back whole (the Undo of a delete's flash message posts here too)."""
    batch = _batch(request, pk)
    try:
        result = services.restore(batch)
    except TrashBatch.DoesNotExist:
        # Restored or purged by another request while this one waited for its lock.
        raise Http404 from None
    for problem in result.problems:
        messages.warning(request, problem)
    if result.root is None:
        return redirect("trash_list", slug=slug)
    messages.success(request, _("%(name)s restored.") % {"name": batch.label})
    target = request.POST.get("next") or ""
    if target.startswith(f"/o/{slug}/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(_restored_url(request, result.root))


@owner_required
def trash_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Delete a batch for good, after a confirmation page: owners only."""
    batch = _batch(request, pk)
    if request.method != "POST":
        return render(request, "trash/trash_confirm_delete.html", {"batch": batch})
    services.purge(batch)
    messages.success(request, _("%(name)s deleted permanently.") % {"name": batch.label})
    return redirect("trash_list", slug=slug)
