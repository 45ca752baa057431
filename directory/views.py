"""View helpers shared by the contact and company pages: rights, list params, saving, deleting."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.duplicates import Match, Wanted, changed_values, find_duplicates
from directory.forms import detail_formsets
from directory.markup import highlight_mentions, render_description
from directory.models import DirectoryRecord
from directory.pagination import bounded_count, keyset_paginate
from directory.search import search_capped
from directory.services import mention_names
from organizations.deletion import (
    delete_consequences,
    delete_refusals,
    delete_to_trash,
    undo_tag,
)
from organizations.http import search_text
from organizations.mentions import mentioned_emails
from organizations.models import Organization, RecordType, Role, User
from organizations.permissions import directory_required
from organizations.visibility import Visibility

PER_PAGE = 25
# The name of the "Save anyway" button of a form that found possible duplicates.
CONFIRM_DUPLICATES = "confirm_duplicates"
# The sort a directory list offers first: by relevance when searching, else by name.
RELEVANCE = "relevance"


# Stands for the primary key while a row link is reversed once for a whole page.
_PK_PLACEHOLDER = 918273645546372819


def pk_url(name: str, slug: str, *, key: str = "pk", **kwargs) -> Callable[[int], str]:
    """`reverse(name, kwargs={"slug": slug, **kwargs, key: pk})` for many pks, reversed once.

    A list page links every row several times; reversing each link cost more than
    the rest of the row. The URL is reversed with a placeholder for the `key` argument
    (the last one of the path), which each row's integer key then replaces.
    """
    url = reverse(name, kwargs={"slug": slug, **kwargs, key: _PK_PLACEHOLDER})
    head, found, tail = url.rpartition(str(_PK_PLACEHOLDER))
    if not found:
        raise ValueError(f"{name} does not end on its primary key: {url}")
    return lambda pk: f"{head}{int(pk)}{tail}"


def attach_row_links(request: HttpRequest, records: list[DirectoryRecord], kind: str) -> None:
    """Give each record of a list page its row's links and whether the reader may delete it.

    `kind` is "contact" or "company": `detail_url`, `row_url` and `delete_url` come from
    the `<kind>_detail`, `<kind>_row` and `<kind>_delete` URLs, each reversed once.
    """
    slug = request.organization.slug
    detail_url = pk_url(f"{kind}_detail", slug)
    row_url = pk_url(f"{kind}_row", slug)
    delete_url = pk_url(f"{kind}_delete", slug)
    for record in records:
        record.detail_url = detail_url(record.pk)
        record.row_url = row_url(record.pk)
        record.delete_url = delete_url(record.pk)
        record.may_delete = can_delete(request, record)


def can_delete(request: HttpRequest, record: DirectoryRecord) -> bool:
    """Its creator or an owner (who sees it) may delete a record (PRODUCT §3 rule 6)."""
    return record.created_by_id == request.user.pk or request.membership.role == Role.OWNER


def can_change_visibility(request: HttpRequest, record: DirectoryRecord) -> bool:
    return record.created_by_id == request.user.pk


def require_delete_right(request: HttpRequest, record: DirectoryRecord) -> None:
    if not can_delete(request, record):
        raise PermissionDenied


def refuse_foreign_visibility_change(request: HttpRequest, record: DirectoryRecord) -> None:
    """Answer 403 when someone other than the creator tries to change the visibility."""
    wanted = request.POST.get("visibility")
    if (
        wanted is not None
        and wanted != record.visibility
        and not can_change_visibility(request, record)
    ):
        raise PermissionDenied


@dataclass
class ListParams:
    q: str
    sort: str
    after: str | None
    before: str | None
    filters: dict

    def order(self, sorts: dict) -> list[str]:
        """The list's ordering: "relevance" (best match) means by name without a search."""
        if self.sort == RELEVANCE and not self.q:
            return sorts["name"]
        return sorts[self.sort]

    def querystring(self, **overrides) -> str:
        """The list's query string with `overrides`, for sort and page links."""
        query = QueryDict(mutable=True)
        values = {"q": self.q, "sort": self.sort, **self.filters, **overrides}
        for key, value in values.items():
            if value not in (None, ""):
                query[key] = value
        return query.urlencode()


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: the list's query string sorted by it, and its state."""

    query: str
    direction: str  # "ascending", "descending", or "" when the list is sorted otherwise


def sort_links(params: ListParams, columns: dict[str, str]) -> dict[str, SortLink]:
    """The header link of each column in `columns` (column -> the sort of its first click).

    A column's first click sorts it in its natural direction (names A to Z, dates newest
    first); clicking the column the list is sorted by reverses it. The search and
    filters are kept, the cursor is not: a new order starts from its first page.
    """
    current = "name" if params.sort == RELEVANCE and not params.q else params.sort
    links = {}
    for column, first in columns.items():
        if current.lstrip("-") == column:
            descending = current.startswith("-")
            flipped = column if descending else f"-{column}"
            links[column] = SortLink(
                params.querystring(sort=flipped), "descending" if descending else "ascending"
            )
        else:
            links[column] = SortLink(params.querystring(sort=first), "")
    return links


def list_params(request: HttpRequest, *, sorts: dict, filter_names: list[str]) -> ListParams:
    """Read search, sort, cursor and filters from the query string, ignoring bad values."""
    sort = request.GET.get("sort", "")
    if sort not in sorts:
        sort = RELEVANCE if RELEVANCE in sorts else "name"
    filters = {}
    for name in filter_names:
        value = request.GET.get(name, "").strip()
        if name == "visibility":
            filters[name] = value if value in Visibility.values else ""
        else:
            filters[name] = int(value) if value.isdigit() else None
    return ListParams(
        q=search_text(request),
        sort=sort,
        after=request.GET.get("after") or None,
        before=request.GET.get("before") or None,
        filters=filters,
    )


def bound_formsets(request: HttpRequest, record: DirectoryRecord | None):
    """The detail formsets; a kind missing from the POST is left as it is."""
    data = request.POST if request.method == "POST" else None
    formsets = detail_formsets(data, organization=request.organization, instance=record)
    if data is not None:
        formsets = {
            name: formset
            for name, formset in formsets.items()
            if f"{formset.prefix}-TOTAL_FORMS" in data
        }
    return formsets


def all_formsets(request: HttpRequest, record: DirectoryRecord | None, submitted: dict):
    """Formsets to show on the page: the submitted ones (with errors), fresh ones otherwise."""
    fresh = detail_formsets(None, organization=request.organization, instance=record)
    return {name: submitted.get(name, formset) for name, formset in fresh.items()}


def apply_service_errors(error: ValidationError, form, formsets: dict) -> None:
    """Show a service's ValidationError next to the field (or detail block) it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field in formsets:
            formsets[field]._non_form_errors = formsets[field].error_class(
                [message for e in errors for message in e.messages]
            )
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


def list_page(
    request: HttpRequest,
    model: type[DirectoryRecord],
    params: ListParams,
    records: QuerySet,
    *,
    sorts: dict,
    with_details: Callable[[QuerySet], QuerySet],
    rows: Callable[[HttpRequest, list], object],
    **context,
) -> HttpResponse:
    """Render a contact or company list page (or its results, for htmx) of `records`.

    `records` is the visible, filtered, searched queryset; it is counted up to the
    bound, and one keyset page of it is read `with_details` and given its links by
    `rows`. `context` adds what only that list shows (its filters' choices).
    """
    app, kind = _names(model)
    total, more = bounded_count(records)
    page = keyset_paginate(
        with_details(records),
        order=params.order(sorts),
        per_page=PER_PAGE,
        after=params.after,
        before=params.before,
    )
    rows(request, page.items)
    capped = search_capped(params.q, total)
    context = {
        "page": page,
        "params": params,
        "total": total,
        # A capped search counts only its candidates: more may match.
        "total_more": more or capped,
        "search_capped": capped,
        "types": RecordType.objects.filter(organization=request.organization),
        "visibilities": Visibility.choices,
        "sorts": [
            (RELEVANCE, _("Best match")),
            ("name", _("Name")),
            ("-created", _("Newest")),
            ("-updated", _("Recently updated")),
            ("-name", _("Name, Z to A")),
            ("created", _("Oldest")),
            ("updated", _("Least recently updated")),
        ],
        "sort_links": sort_links(
            params, {"name": "name", "created": "-created", "updated": "-updated"}
        ),
        **context,
    }
    template = f"{app}/{kind}_list.html"
    if request.htmx and request.htmx.target == f"{kind}-results":
        template = f"{app}/_{kind}_results.html"
    return render(request, template, context)


def _names(model: type[DirectoryRecord]) -> tuple[str, str]:
    """The app and model names that name a record's templates and URLs ("contacts", "contact")."""
    return model._meta.app_label, model._meta.model_name


def save_record(
    request: HttpRequest,
    model: type[DirectoryRecord],
    record: DirectoryRecord | None,
    *,
    form,
    create: Callable[..., DirectoryRecord],
    update: Callable[..., object],
    messages_for: tuple[str, str],
    duplicates: Callable[[dict], list[Match]] | None = None,
) -> HttpResponse:
    """Create or edit a contact or company: its form and detail rows, then the service.

    `create(**details)` returns the new record and `update(**details)` saves `record`;
    both raise ValidationError for what only the service can check, which is shown next
    to the field it names. `messages_for` is the (created, saved) message, each with a
    `%(name)s`. A valid form redirects to the record's page; an invalid one is shown
    again with what the user typed (400), from `<app>/<model>_form.html`. Only the
    creator may change an existing record's visibility (403 for anyone else).

    `duplicates(details)` returns the visible records the valid input looks like
    (`directory.duplicates`): when there are any, nothing is saved and the form comes
    back naming them, until it is sent again with "Save anyway" (CONFIRM_DUPLICATES).
    """
    app, kind = _names(model)
    matches: list[Match] = []
    if record is not None and form.is_bound:
        refuse_foreign_visibility_change(request, record)
    submitted = bound_formsets(request, record)
    if form.is_bound and form.is_valid() and all(f.is_valid() for f in submitted.values()):
        details = {name: formset.rows() for name, formset in submitted.items()}
        if duplicates is not None and not request.POST.get(CONFIRM_DUPLICATES):
            matches = duplicates(details)
            detail_url = pk_url(f"{kind}_detail", request.organization.slug)
            for match in matches:
                match.url = detail_url(match.record.pk)
        if not matches:
            try:
                if record is None:
                    record = create(**details)
                    message = messages_for[0]
                else:
                    update(**details)
                    message = messages_for[1]
            except ValidationError as error:
                apply_service_errors(error, form, submitted)
            else:
                messages.success(request, message % {"name": record})
                return redirect(f"{kind}_detail", slug=request.organization.slug, pk=record.pk)
    return render(
        request,
        f"{app}/{kind}_form.html",
        {
            "form": form,
            "formsets": all_formsets(request, record, submitted),
            kind: record,
            "duplicates": matches,
            "confirm_duplicates": CONFIRM_DUPLICATES,
        },
        status=400 if form.is_bound and not matches else 200,
    )


def record_duplicates(
    request: HttpRequest,
    model: type[DirectoryRecord],
    record: DirectoryRecord | None,
    form,
    *,
    name_fields: tuple[str, ...] = (),
    company_id: Callable[[], int | None] = lambda: None,
) -> Callable[[dict], list[Match]]:
    """The `duplicates` check of `save_record` for a contact or company form.

    It reads the valid form (`name_fields` make the name compared, `company_id()` the
    company it is compared at) and the detail rows; on an edit only the values the edit
    changes are looked for, and the record itself is never its own duplicate.
    """

    def find(details: dict) -> list[Match]:
        data = form.cleaned_data
        wanted = Wanted(
            emails=tuple(row["email"] for row in details.get("emails") or []),
            phones=tuple(row["number"] for row in details.get("phones") or []),
            vat=data.get("vat_number") or "",
            name=" ".join(data.get(name) or "" for name in name_fields),
            company_id=company_id() if name_fields else None,
        )
        if record is not None:
            wanted = changed_values(record, wanted, name_fields=name_fields)
        return find_duplicates(
            model,
            request.user,
            request.organization,
            wanted,
            exclude_pk=record.pk if record is not None else None,
        )

    return find


def delete_view(
    *,
    find: Callable[[User, Organization, int], DirectoryRecord],
    delete: Callable[[DirectoryRecord], object],
    deleted_message: str,
) -> Callable[..., HttpResponse]:
    """The delete view of contacts or companies: GET confirms, POST deletes.

    GET lists what the delete takes along; POST moves it all to the trash (when the trash
    app is installed) and the flash message offers to undo it. A record an app refuses to
    see deleted (`delete_refusals`: a party of issued documents) is not: the page says
    why, a POST is answered 409 (from a list row: the row stays, the reason is flashed).

    `find(user, organization, pk)` reads the record through `visible_to` (404 when it
    is not visible); only its creator or an owner may delete it (403 for anyone else).
    """

    @directory_required
    def view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        record = find(request.user, request.organization, pk)
        app, kind = _names(type(record))
        require_delete_right(request, record)
        refusals = delete_refusals(record, user=request.user)
        if request.method == "POST" and refusals and request.htmx:
            for line in refusals:
                messages.error(request, line)
            response = render(request, "_messages.html", {"oob": True}, status=200)
            response["HX-Reswap"] = "none"
            return response
        if request.method != "POST" or refusals:
            consequences = [] if refusals else delete_consequences(record, user=request.user)
            return render(
                request,
                f"{app}/{kind}_confirm_delete.html",
                {kind: record, "consequences": consequences, "refusals": refusals},
                status=409 if request.method == "POST" else 200,
            )
        name = str(record)
        batch = delete_to_trash(record, user=request.user, delete=lambda: delete(record))
        messages.success(request, deleted_message % {"name": name}, extra_tags=undo_tag(batch))
        if request.htmx:
            # The list removes the row in place (nothing else is swapped in); the flash
            # message, with its Undo, replaces the page's messages out of band.
            return render(request, "_messages.html", {"oob": True})
        return redirect(f"{kind}_list", slug=slug)

    return view


def edit_row(
    request: HttpRequest,
    record: DirectoryRecord,
    *,
    form,
    fields: tuple[str, ...],
    update: Callable[[], object],
    shown: Callable[[], list[DirectoryRecord]],
) -> HttpResponse:
    """One list row, read-only (GET) or as an in-place quick-edit form (?edit=1, POST).

    The form keeps only `fields`; a valid POST calls `update()` (which reads the form)
    and answers the row as `shown()` returns it, read again through `visible_to`.
    """
    app, kind = _names(type(record))
    if request.method == "POST" or request.GET.get("edit"):
        if request.method == "POST":
            refuse_foreign_visibility_change(request, record)
        for name in list(form.fields):
            if name not in fields:
                del form.fields[name]
        if request.method == "POST" and form.is_valid():
            update()
        else:
            return render(
                request,
                f"{app}/_{kind}_row_form.html",
                {"form": form, kind: record},
                status=400 if request.method == "POST" else 200,
            )
    return render(request, f"{app}/_{kind}_rows.html", {"rows": shown()})


def rendered_description(record: DirectoryRecord):
    """The description's stored HTML, with the mentions of current members marked."""
    html = record.description_html
    if record.description and not html:
        # Only a row written around save() (raw SQL) lacks its HTML; `render_descriptions`
        # fills it for good, this keeps its page right until then.
        html = render_description(record.description)
    # The members' names are read only for a description that mentions someone.
    names = mention_names(record.organization) if mentioned_emails(record.description) else {}
    return highlight_mentions(html, names)
