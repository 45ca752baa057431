"""Reads of companies: always through `Company.objects.visible_to(user, organization)`."""

from django.apps import apps
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company, CompanyEmail, CompanyPhone
from organizations.models import Organization, User
from organizations.search import phone_condition, phone_owner_ids

SORTS = {
    "name": ["name", "id"],
    "-created": ["-created_at", "-id"],
    "-updated": ["-updated_at", "-id"],
}


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
) -> QuerySet:
    """Visible companies matching the list's search and filters."""
    companies = Company.objects.visible_to(user, organization)
    if q.split():
        condition = Q()
        for term in q.split():
            condition &= _term_condition(term, organization)
        # A phone number is typed with spaces ("06 1122 3344"): the whole query may
        # match a phone even when its pieces, taken as separate terms, match nothing.
        companies = companies.filter(
            condition | phone_condition(CompanyPhone, "company", q, organization)
        )
    if type_id:
        companies = companies.filter(type_id=type_id)
    if sector_id:
        companies = companies.filter(sector_id=sector_id)
    if visibility:
        companies = companies.filter(visibility=visibility)
    return companies


def _term_condition(term: str, organization: Organization) -> Q:
    # One UNION of id lists, each answered from a trigram index on PostgreSQL
    # (companies/migrations/0002), instead of ORed EXISTS that force a scan.
    own_fields = (
        Company.objects.filter(organization=organization)
        .filter(Q(name__icontains=term) | Q(vat_number__icontains=term) | Q(pec__icontains=term))
        .order_by()
        .values("pk")
    )
    emails = (
        CompanyEmail.objects.filter(organization=organization, email__icontains=term)
        .order_by()
        .values("company_id")
    )
    ids = own_fields.union(emails)
    phones = phone_owner_ids(CompanyPhone, "company", term, organization)
    if phones is not None:
        ids = ids.union(phones)
    return Q(pk__in=ids)


def with_list_details(companies: QuerySet) -> QuerySet:
    """Prefetch what a list row shows, in a fixed number of queries."""
    return companies.select_related("type", "sector").prefetch_related("emails", "phones")


def company_for_user(user: User, organization: Organization, pk: int) -> Company:
    """Return the company if `user` may see it; 404 otherwise, exactly like a missing one."""
    queryset = Company.objects.visible_to(user, organization).select_related("created_by")
    return get_object_or_404(queryset, pk=pk)


def company_detail(user: User, organization: Organization, pk: int) -> Company:
    """The company with everything its page shows, prefetched through visible querysets."""
    queryset = (
        Company.objects.visible_to(user, organization)
        .select_related("type", "sector", "created_by", "organization")
        .prefetch_related(
            "emails",
            "phones",
            "addresses",
            Prefetch(
                "affiliations",
                queryset=visible_persons(user, organization),
                to_attr="visible_persons",
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)
