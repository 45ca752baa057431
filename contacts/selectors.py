"""Reads of contacts: always through `Contact.objects.visible_to(user, organization)`."""

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company
from contacts.models import Contact, ContactEmail, ContactPhone
from organizations.detail_rows import attach_detail_rows, with_detail_rows
from organizations.models import Organization, User
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
    "-name": ["-last_name", "-first_name", "-id"],
    "created": ["created_at", "id"],
    "updated": ["updated_at", "id"],
    "name": ["last_name", "first_name", "id"],
    "-created": ["-created_at", "-id"],
    "-updated": ["-updated_at", "-id"],
    # Only with a search (`search_rank` is annotated by contact_search); one direction,
    # so the keyset cursor is a single row comparison.
    "relevance": ["-search_rank", "-id"],
}

# The columns one trigram index reads as one text (contacts/migrations/0004); a
# company's are the same as in companies/migrations/0004.
SEARCH_DOCUMENT = ["first_name", "last_name", "role", "vat_number", "fiscal_code", "pec"]
COMPANY_SEARCH_DOCUMENT = ["name", "vat_number", "pec"]


def visible_affiliations(user: User, organization: Organization, **filters) -> QuerySet:
    """Affiliations whose company `user` may see (a private company never leaks)."""
    return (
        Affiliation.objects.filter(
            organization=organization,
            company__in=Company.objects.visible_to(user, organization).values("pk"),
            **filters,
        )
        .select_related("company")
        .order_by("-is_primary", "company__name")
    )


def contact_search(
    user: User,
    organization: Organization,
    *,
    q: str = "",
    type_id: int | None = None,
    visibility: str = "",
    company_id: int | None = None,
    every_match: bool = False,
) -> QuerySet:
    """Visible contacts matching the list's search and filters.

    With a search, each word must match and every contact carries its `search_rank`
    (relevance: exact name, then name prefix, then closeness of the name). Each way of
    matching the first word gives at most `SEARCH_CANDIDATES` rows (see `search_capped`),
    unless `every_match` asks for all of them (work on every match, not a page).
    """
    contacts = Contact.objects.visible_to(user, organization)
    terms = search_terms(q)
    if terms:
        # A phone number is typed with spaces ("02 9988 7766"): the whole query may
        # match a phone even when its pieces, taken as separate terms, match nothing.
        # "every term matches, or the whole is a phone" is written as "every term
        # matches or is that phone": one id list per term, no OR of two IN lists
        # (which PostgreSQL answers by scanning the table).
        whole = phone_rows(ContactPhone, q, organization) if terms[1:] else None
        # The first word fetches the rows: each of its ways of matching gives at most
        # SEARCH_CANDIDATES of them (name prefixes first, shortest names first), so a
        # word matching tens of thousands costs what a rarer one does. The other words
        # only filter those candidates. A full name ("marco rosi") is also looked up
        # whole, so it is found however many share its first name.
        first = _term_parts(terms[0], user, organization, also=whole, cap=not every_match)
        if terms[1:]:
            phrase = text_condition(" ".join(terms), document=SEARCH_DOCUMENT)
            # Found whole, a record must still match the first word itself.
            word = text_condition(
                terms[0], document=SEARCH_DOCUMENT, prefix=["first_name", "last_name"]
            )
            if phrase is not None and word is not None:
                own = Contact.objects.filter(phrase, word, organization=organization)
                first.append((own, "pk", NEWEST))
        capped = [
            candidates(rows, organization, owner=owner, order=order, capped=not every_match)
            for rows, owner, order in first
        ]
        others = [
            _union(
                [
                    rows.values(owner)
                    for rows, owner, _order in _term_parts(
                        term, user, organization, also=whole, cap=False
                    )
                ]
            )
            for term in terms[1:]
        ]
        contacts = contacts.filter(in_every([_union(capped), *others])).annotate(
            search_rank=_search_rank(q),
        )
    if type_id:
        contacts = contacts.filter(type_id=type_id)
    if visibility:
        contacts = contacts.filter(visibility=visibility)
    if company_id:
        contacts = contacts.filter(
            Exists(
                visible_affiliations(
                    user, organization, contact=OuterRef("pk"), company_id=company_id
                )
            )
        )
    return contacts


def _union(parts: list[QuerySet]) -> QuerySet:
    """One id list of all `parts` (one-column querysets), without duplicates."""
    ids = [part.order_by() for part in parts]
    return ids[0].union(*ids[1:])


def _term_parts(
    term: str, user: User, organization: Organization, *, also: QuerySet | None, cap: bool
) -> list[tuple[QuerySet, str, list]]:
    # The ways `term` matches, as (rows, the contact id column, candidate order): each
    # answered from an index on PostgreSQL (btree prefix, trigram GIN:
    # contacts/migrations/0004) and joined by UNION, instead of ORed EXISTS that force
    # a scan. An email address is looked up in the emails only.
    parts = [] if also is None else [(also, "contact_id", NEWEST)]
    if not is_email(term) and not is_short_term(term):
        # The most relevant rows: a name starting with the term (btree prefix indexes).
        for field in ["last_name", "first_name"]:
            rows = Contact.objects.filter(name_prefix(term, field), organization=organization)
            parts.append((rows, "pk", name_prefix_order(field)))
    email = email_condition(term)
    if email is not None:
        rows = ContactEmail.objects.filter(email, organization=organization)
        parts.append((rows, "contact_id", NEWEST))
    own = None
    if not is_email(term):
        own = text_condition(term, document=SEARCH_DOCUMENT, prefix=["first_name", "last_name"])
    if own is not None:
        parts.append((Contact.objects.filter(own, organization=organization), "pk", NEWEST))
    companies = _matching_companies(term, user, organization)
    if companies is not None:
        # A contact is found by the name of a company the reader may see; for the
        # first word the companies are capped too, newest first.
        companies = companies.order_by(*NEWEST).values("pk")
        if cap:
            companies = companies[: settings.SEARCH_CANDIDATES]
        rows = Affiliation.objects.filter(organization=organization, company__in=companies)
        parts.append((rows, "contact_id", NEWEST))
    phones = phone_rows(ContactPhone, term, organization)
    if phones is not None:
        parts.append((phones, "contact_id", NEWEST))
    return parts


def _matching_companies(term: str, user: User, organization: Organization) -> QuerySet | None:
    """The companies `user` may see whose name (VAT, PEC) matches `term`; None if none can."""
    if is_email(term):
        return None
    condition = text_condition(term, document=COMPANY_SEARCH_DOCUMENT, prefix=["name"])
    if condition is None:
        return None
    return Company.objects.visible_to(user, organization).filter(condition)


def _search_rank(q: str):
    """Relevance of a contact for `q`, judged on its name in either order."""
    first_last = Concat("first_name", Value(" "), "last_name", output_field=CharField())
    last_first = Concat("last_name", Value(" "), "first_name", output_field=CharField())
    return name_rank([first_last, last_first, F("last_name")], [first_last, last_first], q)


def with_list_details(contacts: QuerySet, user: User, organization: Organization) -> QuerySet:
    """Prefetch what a list row shows, in a fixed number of queries."""
    return contacts.select_related("type").prefetch_related(
        "emails",
        "phones",
        Prefetch(
            "affiliations",
            queryset=visible_affiliations(user, organization, is_primary=True),
            to_attr="visible_primary",
        ),
    )


def contact_for_user(user: User, organization: Organization, pk: int) -> Contact:
    """Return the contact if `user` may see it; 404 otherwise, exactly like a missing one."""
    queryset = Contact.objects.visible_to(user, organization).select_related("type", "created_by")
    return get_object_or_404(queryset, pk=pk)


def contact_detail(user: User, organization: Organization, pk: int) -> Contact:
    """The contact with everything its page shows, read through visible querysets.

    Two queries: the contact with its type, creator, organization and detail rows,
    then its visible companies.
    """
    queryset = with_detail_rows(
        Contact.objects.visible_to(user, organization)
        .select_related("type", "created_by", "organization")
        .prefetch_related(
            Prefetch(
                "affiliations",
                queryset=visible_affiliations(user, organization),
                to_attr="visible_affiliations",
            ),
        )
    )
    return attach_detail_rows(get_object_or_404(queryset, pk=pk))
