"""The "Copy to…" action of the contact and company lists (PRODUCT §6)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from connections.duplication import DuplicationError, DuplicationForbidden, directory_duplicate
from connections.forms import DuplicateForm
from organizations.models import Organization
from organizations.permissions import owner_required

LISTS = {"contacts": "contact_list", "companies": "company_list"}


@owner_required
@require_POST
def directory_duplicate_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Copy the ticked records (or every visible one of the list's kind) into another org.

    Owners of this organization only (403 for others); a target where the user is not
    owner or member is 403 too, like one that does not exist. Reports with a message and
    goes back to the list.
    """
    form = DuplicateForm(request.POST)
    kind = request.POST.get("kind")
    back = redirect(LISTS.get(kind, "contact_list"), slug=slug)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    target = Organization.objects.filter(slug=data["target"]).first()
    if target is None:
        raise PermissionDenied
    chosen = data["ids"] or None
    contact_ids, company_ids = (chosen, []) if data["kind"] == "contacts" else ([], chosen)
    try:
        report = directory_duplicate(
            source=request.organization,
            target=target,
            user=request.user,
            contact_ids=contact_ids,
            company_ids=company_ids,
            with_attachments=data["with_attachments"],
            skip_existing=data["skip_existing"],
        )
    except DuplicationForbidden as error:
        raise PermissionDenied(str(error)) from error
    except DuplicationError as error:
        messages.error(request, str(error))
        return back
    lines = report.summary_lines()
    messages.success(request, " ".join(line.strip() for line in lines[:5]))
    if report.skipped:
        messages.info(
            request, _("Skipped: %(lines)s") % {"lines": "; ".join(s.name for s in report.skipped)}
        )
    return back
