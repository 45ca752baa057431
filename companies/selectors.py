"""Reads of companies: always through `Company.objects.visible_to(user, organization)`."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company, CompanyEmail, CompanyPhone
from organizations.detail_rows import attach_detail_rows, with_detail_rows
from organizations.models import Organization, User
from organizations.pagination import BoundedCount
from organizations.search import (
    NEWEST,
    candidates,
    email_condition,
    in_every,
    is_email,
    is_short_term,
    name_prefix,
    name_prefix_order,
    name_rank,
    phone_rows,
    search_terms,
    text_condition,
)

SORTS = {
    # Every order in both directions, each ending on the unique id for the keyset cursor
    # and served by an (organization, ..., id) index read forwards or backwards.
    "-name": ["-name", "-id"],
    "created": ["created_at", "id"],
    "updated": ["updated_at", "id"],
    "name": ["name", "id"],
    "-created": ["-created_at", "-id"],
    "-updated": ["-updated_at", "-id"],
    # Only with a search (`search_rank` is annotated by company_search); one direction,
    # so the keyset cursor is a single row comparison.
    "relevance": ["-search_rank", "-id"],
}

# The columns one trigram index reads as one text (companies/migrations/0004).
SEARCH_DOCUMENT = ["name", "vat_number", "pec"]


# A company page lists this many persons; the count stops at PERSONS_COUNTED ("1,000+").
PERSONS_SHOWN = 20
PERSONS_COUNTED = 1_000


def visible_persons(user: User, organization: Organization, **filters) -> QuerySet:
    """Affiliations whose contact `user` may see (a private contact never leaks)."""
    # Contacts sit on the same floor; the model is looked up, not imported, to keep
    # companies free of a dependency on contacts.
    contact_model = apps.get_model("contacts", "Contact")
    return (
        Affiliation.objects.filter(
            organization=organization,
            contact__in=contact_model.objects.visible_to(user, organization).values("pk"),
            **filters,
        )
        .select_related("contact")
        .order_by("-is_primary", "contact__last_name", "contact__first_name")
    )


def company_search(
    user: User,
    organization: Organization,
    *,
    q: str = "",
    type_id: int | None = None,
    sector_id: int | None = None,
    visibility: str = "",
    every_match: bool = False,
) -> QuerySet:
    """Visible companies matching the list's search and filters.

    With a search, each word must match and every company carries its `search_rank`
    (relevance: exact name, then name prefix, then closeness of the name). The first
    word gives at most `SEARCH_CANDIDATES` rows per way of matching, unless
    `every_match` asks for all of them (work on every match, not a page).
    """
    companies = Company.objects.visible_to(user, organization)
    terms = search_terms(q)
    if terms:
        # A phone number is typed with spaces ("06 1122 3344"): the whole query may
        # match a phone even when its pieces, taken as separate terms, match nothing.
        # "every term matches, or the whole is a phone" is written as "every term
        # matches or is that phone": one id list per term, no OR of two IN lists
        # (which PostgreSQL answers by scanning the table).
        whole = phone_rows(CompanyPhone, q, organization) if terms[1:] else None
        # The first word fetches the rows, at most SEARCH_CANDIDATES per way of
        # matching (see contact_search); the other words filter those candidates.
        first = _term_parts(terms[0], organization, also=whole)
        if terms[1:]:
            phrase = text_condition(" ".join(terms), document=SEARCH_DOCUMENT)
            # Found whole, a record must still match the first word itself.
            word = text_condition(terms[0], document=SEARCH_DOCUMENT, prefix=["name"])
            if phrase is not None and word is not None:
                own = Company.objects.filter(phrase, word, organization=organization)
                first.append((own, "pk", NEWEST))
        capped = [
            candidates(rows, organization, owner=owner, order=order, capped=not every_match)
            for rows, owner, order in first
        ]
        others = [
            _union(
                [
                    rows.values(owner)
                    for rows, owner, _order in _term_parts(term, organization, also=whole)
                ]
            )
            for term in terms[1:]
        ]
        companies = companies.filter(in_every([_union(capped), *others])).annotate(
            search_rank=name_rank([F("name")], [F("name")], q),
        )
    if type_id:
        companies = companies.filter(type_id=type_id)
    if sector_id:
        companies = companies.filter(sector_id=sector_id)
    if visibility:
        companies = companies.filter(visibility=visibility)
    return companies


def _union(parts: list[QuerySet]) -> QuerySet:
    """One id list of all `parts` (one-column querysets), without duplicates."""
    ids = [part.order_by() for part in parts]
    return ids[0].union(*ids[1:])


def _term_parts(
    term: str, organization: Organization, *, also: QuerySet | None
) -> list[tuple[QuerySet, str, list]]:
    # The ways `term` matches, as (rows, the company id column, candidate order): each
    # answered from an index on PostgreSQL (btree prefix, trigram GIN:
    # companies/migrations/0004) and joined by UNION, instead of ORed EXISTS that
    # force a scan. An email address is looked up in the emails only.
    parts = [] if also is None else [(also, "company_id", NEWEST)]
    if not is_email(term) and not is_short_term(term):
        # The most relevant rows: a name starting with the term (btree prefix index).
        rows = Company.objects.filter(name_prefix(term, "name"), organization=organization)
        parts.append((rows, "pk", name_prefix_order("name")))
    email = email_condition(term)
    if email is not None:
        rows = CompanyEmail.objects.filter(email, organization=organization)
        parts.append((rows, "company_id", NEWEST))
    if not is_email(term):
        own = text_condition(term, document=SEARCH_DOCUMENT, prefix=["name"])
        if own is not None:
            rows = Company.objects.filter(own, organization=organization)
            parts.append((rows, "pk", NEWEST))
    phones = phone_rows(CompanyPhone, term, organization)
    if phones is not None:
        parts.append((phones, "company_id", NEWEST))
    return parts


def with_list_details(companies: QuerySet) -> QuerySet:
    """Prefetch what a list row shows, in a fixed number of queries."""
    return companies.select_related("type", "sector").prefetch_related("emails", "phones")


def company_for_user(user: User, organization: Organization, pk: int) -> Company:
    """Return the company if `user` may see it; 404 otherwise, exactly like a missing one."""
    queryset = Company.objects.visible_to(user, organization).select_related("created_by")
    return get_object_or_404(queryset, pk=pk)


def company_detail(user: User, organization: Organization, pk: int) -> Company:
    """The company with everything its page shows but its persons (see `company_persons`).

    One query: the company with its type, sector, creator, organization and detail rows.
    """
    queryset = with_detail_rows(
        Company.objects.visible_to(user, organization).select_related(
            "type", "sector", "created_by", "organization"
        )
    )
    return attach_detail_rows(get_object_or_404(queryset, pk=pk))


@dataclass(frozen=True)
class Persons:
    """The first persons of a company, and how many it has in all (up to a bound)."""

    shown: list[Affiliation]
    total: int
    more: bool

    @property
    def hidden(self) -> bool:
        return self.more or self.total > len(self.shown)


def company_persons(
    user: User, organization: Organization, company: Company, *, limit: int = PERSONS_SHOWN
) -> Persons:
    """The first `limit` visible persons of `company` (primary first), and a bounded count.

    One query whatever the number of persons (the count rides on the rows): a company
    with thousands of them shows the first few and links to the contact list
    filtered by the company.
    """
    persons = visible_persons(user, organization, company=company)
    counted = persons.select_related(None).order_by().values("pk")[: PERSONS_COUNTED + 1]
    shown = list(persons.annotate(counted=BoundedCount(counted))[:limit])
    # No row shown means no visible person at all.
    count = shown[0].counted if shown else 0
    return Persons(shown=shown, total=min(count, PERSONS_COUNTED), more=count > PERSONS_COUNTED)
