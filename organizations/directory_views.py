"""View helpers shared by the contact and company pages: rights, list params, saving."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from organizations.directory import DirectoryRecord
from organizations.directory_forms import detail_formsets
from organizations.directory_services import mention_names
from organizations.markup import highlight_mentions, mentioned_emails, render_description
from organizations.models import Role
from organizations.visibility import Visibility

PER_PAGE = 25
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


def search_text(request: HttpRequest, *, limit: int = 200) -> str:
    """The ?q= search text, trimmed to `limit` characters.

    NUL characters are dropped: PostgreSQL refuses them in text parameters, and no
    name or address contains one.
    """
    return request.GET.get("q", "").replace("\x00", "").strip()[:limit]


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
