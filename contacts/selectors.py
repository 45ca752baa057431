"""Reads of contacts: always through `Contact.objects.visible_to(user, organization)`."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Affiliation, Company
from contacts.models import Contact, ContactEmail, ContactPhone
from organizations.models import Organization, User
from organizations.search import phone_condition, phone_owner_ids

SORTS = {
    "name": ["last_name", "first_name", "id"],
    "-created": ["-created_at", "-id"],
    "-updated": ["-updated_at", "-id"],
}


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
) -> QuerySet:
    """Visible contacts matching the list's search and filters."""
    contacts = Contact.objects.visible_to(user, organization)
    if q.split():
        condition = Q()
        for term in q.split():
            condition &= _term_condition(term, user, organization)
        # A phone number is typed with spaces ("02 9988 7766"): the whole query may
        # match a phone even when its pieces, taken as separate terms, match nothing.
        contacts = contacts.filter(
            condition | phone_condition(ContactPhone, "contact", q, organization)
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


def _term_condition(term: str, user: User, organization: Organization) -> Q:
    # One UNION of id lists, each answered from a trigram index on PostgreSQL
    # (contacts/migrations/0002), instead of ORed EXISTS that force a scan.
    own_fields = (
        Contact.objects.filter(organization=organization)
        .filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(role__icontains=term)
            | Q(vat_number__icontains=term)
            | Q(fiscal_code__icontains=term)
            | Q(pec__icontains=term)
        )
        .order_by()
        .values("pk")
    )
    emails = (
        ContactEmail.objects.filter(organization=organization, email__icontains=term)
        .order_by()
        .values("contact_id")
    )
    companies = (
        visible_affiliations(user, organization, company__name__icontains=term)
        .select_related(None)
        .order_by()
        .values("contact_id")
    )
    ids = own_fields.union(emails, companies)
    phones = phone_owner_ids(ContactPhone, "contact", term, organization)
    if phones is not None:
        ids = ids.union(phones)
    return Q(pk__in=ids)


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
    """The contact with everything its page shows, prefetched through visible querysets."""
    queryset = (
        Contact.objects.visible_to(user, organization)
        .select_related("type", "created_by", "organization")
        .prefetch_related(
            "emails",
            "phones",
            "addresses",
            Prefetch(
                "affiliations",
                queryset=visible_affiliations(user, organization),
                to_attr="visible_affiliations",
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)
