"""Reads of contacts: always through `Contact.objects.visible_to(user, organization)`."""

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company
from contacts.models import Contact, ContactEmail, ContactPhone
from directory.detail_rows import (
    attach_detail_rows,
    attach_first_email_and_phone,
    with_detail_rows,
)
from directory.search import (
    FIRST_FOUND,
    InIds,
    Way,
    candidates,
    email_condition,
    first_word_ids,
    is_email,
    is_short_term,
    name_prefix,
    name_prefix_order,
    name_rank,
    narrowed,
    phone_rows,
    search_terms,
    text_condition,
    union,
    whole_query,
)
from organizations.models import Organization, User

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
    unless `every_match` asks for all of them (work on every match, not a page). For a
    page the matching ids are read at once, in one query (`narrowed`).
    """
    contacts = Contact.objects.visible_to(user, organization)
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
    terms = search_terms(q)
    if not terms:
        return contacts
    capped = not every_match
    # The first word fetches the candidates, from indexes (`_ways`); each other word
    # then tests those rows one by one (`_matches`), which costs the same however many
    # contacts the word would find in the whole organization.
    first = first_word_ids(
        Contact, _ways(terms[0], user, organization, capped=capped), organization, capped=capped
    )
    others = [_matches(term, user, organization) for term in terms[1:]]
    strict = Contact.objects.filter(InIds(F("pk"), first.query), *others, organization=organization)
    found = [strict.values("pk")]
    fallback = None
    if terms[1:]:
        # A full name ("marco rossi", "rossi marco") is found however many share its
        # first word: both names' prefix indexes, read together.
        names = _full_names(terms[0], terms[1], organization).filter(*others[1:])
        found.append(candidates(names, organization, owner="pk", capped=capped))
        whole, fallback = whole_query(
            q,
            organization,
            model=Contact,
            phone_model=ContactPhone,
            owner="contact_id",
            document=SEARCH_DOCUMENT,
            capped=capped,
        )
        found += whole
    contacts = narrowed(contacts, found=union(found), fallback=fallback, every_match=every_match)
    return contacts.annotate(search_rank=_search_rank(q))


def _ways(term: str, user: User, organization: Organization, *, capped: bool) -> list[Way]:
    # The ways `term` finds contacts, each answered from an index on PostgreSQL (btree
    # prefix, trigram GIN: contacts/migrations/0004 and 0005) and joined by UNION,
    # instead of ORed EXISTS that force a scan. An email address is looked up in the
    # emails only.
    ways = []
    if not is_email(term):
        # The most relevant: a name starting with the term.
        for name in ["last_name", "first_name"]:
            rows = Contact.objects.filter(name_prefix(term, name), organization=organization)
            ways.append(Way(rows, order=name_prefix_order(name), prefix=True))
    email = email_condition(term)
    if email is not None:
        rows = ContactEmail.objects.filter(email, organization=organization)
        ways.append(Way(rows, owner="contact_id"))
    if not is_email(term) and not is_short_term(term):
        # Anywhere in the name, role, tax numbers, PEC, or misspelt.
        own = text_condition(term, document=SEARCH_DOCUMENT)
        ways.append(Way(Contact.objects.filter(own, organization=organization)))
    companies = _matching_companies(term, user, organization)
    if companies is not None:
        # A contact is found by the name of a company the reader may see; the
        # companies are capped too.
        companies = companies.order_by(*FIRST_FOUND).values("pk")
        if capped:
            companies = companies[: settings.SEARCH_CANDIDATES]
        rows = Affiliation.objects.filter(organization=organization, company__in=companies)
        ways.append(Way(rows, owner="contact_id"))
    phones = phone_rows(ContactPhone, term, organization)
    if phones is not None:
        ways.append(Way(phones, owner="contact_id"))
    return ways


def _matches(term: str, user: User, organization: Organization) -> Q:
    """Whether a contact matches `term`, tested on its own row: the ways of `_ways`.

    Spelt right: measuring every candidate's closeness to a misspelt word costs more
    than the rest together, and a query with a typo is looked for whole anyway when
    nothing matches it word by word (see `contact_search`).
    """
    of_contact = {"organization": organization, "contact": OuterRef("pk")}
    emails = Q(Exists(ContactEmail.objects.filter(email_condition(term), **of_contact)))
    if is_email(term):
        return emails
    condition = text_condition(
        term, document=SEARCH_DOCUMENT, prefix=["first_name", "last_name"], typos=False
    )
    condition |= emails
    companies = _matching_companies(term, user, organization, typos=False)
    if companies is not None:
        in_company = Exists(companies.filter(pk=OuterRef("company_id")))
        condition |= Q(Exists(Affiliation.objects.filter(in_company, **of_contact)))
    phones = phone_rows(ContactPhone, term, organization)
    if phones is not None:
        condition |= Q(Exists(phones.filter(contact=OuterRef("pk"))))
    return condition


def _full_names(first: str, second: str, organization: Organization) -> QuerySet:
    """Contacts whose first and last names start with `first` and `second`, either way."""
    names = (name_prefix(first, "first_name") & name_prefix(second, "last_name")) | (
        name_prefix(first, "last_name") & name_prefix(second, "first_name")
    )
    return Contact.objects.filter(names, organization=organization)


def _matching_companies(
    term: str, user: User, organization: Organization, *, typos: bool = True
) -> QuerySet | None:
    """The companies `user` may see whose name (VAT, PEC) matches `term`; None if none can."""
    if is_email(term):
        return None
    condition = text_condition(term, document=COMPANY_SEARCH_DOCUMENT, prefix=["name"], typos=typos)
    if condition is None:
        return None
    return Company.objects.visible_to(user, organization).filter(condition)


def _search_rank(q: str):
    """Relevance of a contact for `q`, judged on its name in either order."""
    first_last = Concat("first_name", Value(" "), "last_name", output_field=CharField())
    last_first = Concat("last_name", Value(" "), "first_name", output_field=CharField())
    return name_rank([first_last, last_first, F("last_name")], [first_last, last_first], q)


def with_list_details(contacts: QuerySet) -> QuerySet:
    """What a list row reads with the contact itself (the rest: `attach_list_details`)."""
    # A row never shows the rendered description: leave it in the database.
    return contacts.select_related("type").defer("description_html")


def attach_list_details(
    contacts: list[Contact], user: User, organization: Organization
) -> list[Contact]:
    """Give each contact of a list page what its row shows besides its own columns.

    `first_email`, `first_phone` (formatted) and `primary_companies` (the visible primary
    company as (id, name), or nothing): three queries for the page, read as plain values.
    Django's prefetching would build a model and a filtered queryset per contact and row,
    which cost more than the queries themselves.
    """
    ids = [contact.pk for contact in contacts]
    if not ids:
        return contacts
    attach_first_email_and_phone(
        contacts,
        organization,
        email_model=ContactEmail,
        phone_model=ContactPhone,
        owner="contact_id",
    )
    companies: dict[int, list[tuple[int, str]]] = {}
    for contact_id, company_id, name in visible_affiliations(
        user, organization, is_primary=True, contact_id__in=ids
    ).values_list("contact_id", "company_id", "company__name"):
        companies.setdefault(contact_id, []).append((company_id, name))
    for contact in contacts:
        contact.primary_companies = companies.get(contact.pk, [])
    return contacts


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
