"""Pages of duplicates and merges, under /o/<slug>/: owners and members only.

A record the reader may not see is never named: the duplicates come from `visible_to`,
a merge of records one of which the reader cannot see is a 404, and a merge is listed
(and can be undone) only for whoever sees its survivor.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from merging import selectors, services
from merging.forms import MergeForm, validate_ids
from merging.models import Merge, MergeKind
from organizations.models import Role
from organizations.permissions import directory_required

PER_PAGE = 25
# The URL's plural for each kind of record.
KINDS = {"contacts": MergeKind.CONTACT, "companies": MergeKind.COMPANY}
# The editable-list fields a merge page shows by name.
LIST_FIELDS = {MergeKind.CONTACT: ("type",), MergeKind.COMPANY: ("type", "sector")}


def _kind(value: str) -> str:
    if value not in KINDS:
        raise Http404
    return KINDS[value]


@directory_required
def duplicate_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Candidate pairs among the records the reader sees, with a score, reason and Merge."""
    plural = request.GET.get("kind") or "contacts"
    kind = _kind(plural)
    model = services.model_of(kind)
    user, organization = request.user, request.organization
    pairs = selectors.duplicate_pairs(model, user, organization)
    page = Paginator(pairs, PER_PAGE).get_page(request.GET.get("page"))
    shown = selectors.attach_records(list(page.object_list), model, user, organization)
    return render(
        request,
        "merging/duplicate_list.html",
        {
            "page": page,
            "pairs": shown,
            "kind": kind,
            "plural": plural,
            "kinds": [("contacts", _("Contacts")), ("companies", _("Companies"))],
            # A reason cut at MAX_PAIRS rows: more pairs may exist than the page lists.
            "capped": len(pairs) >= selectors.MAX_PAIRS,
        },
    )


@directory_required
def merge_records(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Choose, field by field, what the merged record keeps; then merge (POST)."""
    kind = _kind(kind)
    model = services.model_of(kind)
    user, organization = request.user, request.organization
    try:
        ids = validate_ids(request.POST.get("ids") or request.GET.get("ids") or "")
    except ValidationError:
        raise Http404 from None
    records = list(
        model.objects.visible_to(user, organization)
        .filter(pk__in=ids)
        .select_related(*LIST_FIELDS[kind])
        .prefetch_related("emails", "phones", "addresses")
        .order_by("created_at", "pk")
    )
    if len(records) != len(ids):
        # One of them is not visible (or does not exist): the same 404 either way.
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = MergeForm(data, records=records, kind=kind, user=user)
    if form.is_bound and form.is_valid():
        try:
            merge = services.merge_records(
                survivor=form.survivor(),
                losers=form.losers(),
                values=form.values(),
                emails=form.points("emails"),
                phones=form.points("phones"),
                addresses=form.points("addresses"),
                user=user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Merged into %(name)s. You can undo the merge for 30 days.")
                % {"name": merge.label},
            )
            return redirect(f"{kind}_detail", slug=slug, pk=merge.survivor_id)
    return render(
        request,
        "merging/merge_form.html",
        {
            "form": form,
            "records": records,
            "kind": kind,
            "ids": ",".join(str(record.pk) for record in records),
        },
        status=400 if form.is_bound else 200,
    )


@directory_required
def merge_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The merges whose survivor the reader sees, newest first, with Undo where allowed."""
    merges = (
        selectors.visible_merges(request.user, request.organization)
        .select_related("merged_by", "undone_by")
        .defer("moved", "changed", "survivor_row", "survivor_rows")
    )
    page = Paginator(merges, PER_PAGE).get_page(request.GET.get("page"))
    for merge in page:
        merge.may_undo = merge.can_be_undone and _may_undo(request, merge)
    return render(request, "merging/merge_list.html", {"page": page})


def _may_undo(request: HttpRequest, merge: Merge) -> bool:
    return merge.merged_by_id == request.user.pk or request.membership.role == Role.OWNER


@directory_required
def merge_undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo a merge (its author or an owner, who sees the survivor): GET asks, POST does."""
    merge = get_object_or_404(selectors.visible_merges(request.user, request.organization), pk=pk)
    if not _may_undo(request, merge):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "merging/merge_undo.html", {"merge": merge})
    try:
        services.undo_merge(merge, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("merge_list", slug=slug)
    messages.success(
        request,
        _("The merge into %(name)s was undone: the records are back as they were.")
        % {"name": merge.label},
    )
    return redirect(f"{merge.kind}_detail", slug=slug, pk=merge.survivor_id)
