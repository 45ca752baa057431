"""Reads of companies: always through `Company.objects.visible_to(user, organization)`."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company, CompanyEmail, CompanyPhone
from directory.detail_rows import (
    attach_detail_rows,
    attach_first_email_and_phone,
    with_detail_rows,
)
from directory.pagination import BoundedCount
from directory.search import (
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
    `every_match` asks for all of them (work on every match, not a page); the other
    words test those rows (see `contact_search`).
    """
    companies = Company.objects.visible_to(user, organization)
    if type_id:
        companies = companies.filter(type_id=type_id)
    if sector_id:
        companies = companies.filter(sector_id=sector_id)
    if visibility:
        companies = companies.filter(visibility=visibility)
    terms = search_terms(q)
    if not terms:
        return companies
    capped = not every_match
    first = first_word_ids(Company, _ways(terms[0], organization), organization, capped=capped)
    others = [_matches(term, organization) for term in terms[1:]]
    strict = Company.objects.filter(InIds(F("pk"), first.query), *others, organization=organization)
    found = [strict.values("pk")]
    fallback = None
    if terms[1:]:
        # A name of several words ("bianchi costruzioni") from the name's prefix index,
        # however many companies share its first word.
        names = Company.objects.filter(
            name_prefix(" ".join(terms), "name"), organization=organization
        )
        order = name_prefix_order("name")
        found.append(candidates(names, organization, owner="pk", order=order, capped=capped))
        whole, fallback = whole_query(
            q,
            organization,
            model=Company,
            phone_model=CompanyPhone,
            owner="company_id",
            document=SEARCH_DOCUMENT,
            capped=capped,
        )
        found += whole
    companies = narrowed(companies, found=union(found), fallback=fallback, every_match=every_match)
    return companies.annotate(search_rank=name_rank([F("name")], [F("name")], q))


def _ways(term: str, organization: Organization) -> list[Way]:
    # The ways `term` finds companies, each answered from an index on PostgreSQL
    # (btree prefix, trigram GIN: companies/migrations/0004 and 0005) and joined by
    # UNION, instead of ORed EXISTS that force a scan. An email address is looked up
    # in the emails only.
    ways = []
    if not is_email(term):
        # The most relevant: a name starting with the term.
        rows = Company.objects.filter(name_prefix(term, "name"), organization=organization)
        ways.append(Way(rows, order=name_prefix_order("name"), prefix=True))
    email = email_condition(term)
    if email is not None:
        rows = CompanyEmail.objects.filter(email, organization=organization)
        ways.append(Way(rows, owner="company_id"))
    if not is_email(term) and not is_short_term(term):
        # Anywhere in the name, VAT number or PEC, or misspelt.
        own = text_condition(term, document=SEARCH_DOCUMENT)
        ways.append(Way(Company.objects.filter(own, organization=organization)))
    phones = phone_rows(CompanyPhone, term, organization)
    if phones is not None:
        ways.append(Way(phones, owner="company_id"))
    return ways


def _matches(term: str, organization: Organization) -> Q:
    """Whether a company matches `term`, tested on its own row: the ways of `_ways`,
    spelt right (see `contacts.selectors._matches`)."""
    of_company = {"organization": organization, "company": OuterRef("pk")}
    emails = Q(Exists(CompanyEmail.objects.filter(email_condition(term), **of_company)))
    if is_email(term):
        return emails
    own = text_condition(term, document=SEARCH_DOCUMENT, prefix=["name"], typos=False)
    condition = own | emails
    phones = phone_rows(CompanyPhone, term, organization)
    if phones is not None:
        condition |= Q(Exists(phones.filter(company=OuterRef("pk"))))
    return condition


def with_list_details(companies: QuerySet) -> QuerySet:
    """What a list row reads with the company itself (the rest: `attach_list_details`)."""
    # A row never shows the rendered description: leave it in the database.
    return companies.select_related("type", "sector").defer("description_html")


def attach_list_details(companies: list[Company], organization: Organization) -> list[Company]:
    """Give each company of a list page its `first_email` and `first_phone` (formatted)."""
    attach_first_email_and_phone(
        companies,
        organization,
        email_model=CompanyEmail,
        phone_model=CompanyPhone,
        owner="company_id",
    )
    return companies


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


@dataclass
class Person:
    """A contact person as a company page lists them (the view adds the links)."""

    affiliation_id: int
    contact_id: int
    first_name: str
    last_name: str
    role: str
    is_primary: bool
    contact_url: str = ""
    remove_url: str = ""


@dataclass(frozen=True)
class Persons:
    """The first persons of a company, and how many it has in all (up to a bound)."""

    shown: list[Person]
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
    filtered by the company. The rows are read as values: the page shows six of them.
    """
    persons = visible_persons(user, organization, company=company)
    counted = persons.select_related(None).order_by().values("pk")[: PERSONS_COUNTED + 1]
    rows = list(
        persons.annotate(counted=BoundedCount(counted)).values_list(
            "pk",
            "contact_id",
            "contact__first_name",
            "contact__last_name",
            "role",
            "is_primary",
            "counted",
        )[:limit]
    )
    # No row shown means no visible person at all.
    count = rows[0][-1] if rows else 0
    return Persons(
        shown=[Person(*row[:-1]) for row in rows],
        total=min(count, PERSONS_COUNTED),
        more=count > PERSONS_COUNTED,
    )
