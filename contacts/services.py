"""Writes on contacts: the record, its details, mentions and primary company."""

from dataclasses import dataclass

from django.db import transaction

from companies.models import Affiliation, Company
from companies.services import company_create
from contacts.models import Contact
from directory import journal
from directory.services import (
    check_audience,
    check_tenant_links,
    normalize_tax_numbers,
    replace_details,
)
from organizations.models import Organization, User


@dataclass(frozen=True)
class CompanyChoice:
    """The primary company chosen in the contact form: an existing one, or a new name.

    `company` must come from `Company.objects.visible_to(...)`; `clear` removes the
    primary company (when the editor can see it).
    """

    company: Company | None = None
    new_name: str = ""
    clear: bool = False


@transaction.atomic
def contact_create(
    *,
    organization: Organization,
    created_by: User,
    fields: dict,
    emails: list[dict] | None = None,
    phones: list[dict] | None = None,
    addresses: list[dict] | None = None,
    company: CompanyChoice | None = None,
) -> Contact:
    """Create a contact with its details, mentions and primary company, all or nothing.

    A new company name creates that company in the same transaction.
    """
    contact = Contact(organization=organization, created_by=created_by, **fields)
    check_tenant_links(contact)
    normalize_tax_numbers(contact, organization)
    contact.full_clean(exclude=["organization", "created_by"])
    contact.save()
    replace_details(contact, emails=emails or [], phones=phones or [], addresses=addresses or [])
    if company is not None:
        _set_primary_company(contact, company, user=created_by)
    journal.record_saved(contact, user=created_by, before=None)
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    user: User,
    fields: dict,
    emails: list[dict] | None = None,
    phones: list[dict] | None = None,
    addresses: list[dict] | None = None,
    company: CompanyChoice | None = None,
) -> Contact:
    """Update a contact; a changed description re-resolves who is mentioned.

    On a private contact only its creator may mention someone new (`check_audience`).
    """
    before = journal.stored_snapshot(contact)
    for name, value in fields.items():
        setattr(contact, name, value)
    check_audience(contact, editor=user)
    check_tenant_links(contact)
    normalize_tax_numbers(contact, contact.organization)
    contact.full_clean(exclude=["organization", "created_by"])
    contact.save()
    replace_details(contact, emails=emails, phones=phones, addresses=addresses)
    if company is not None:
        _set_primary_company(contact, company, user=user)
    journal.record_saved(contact, user=user, before=before)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact; its affiliations, details and mentions go with it."""
    contact.delete()


def _set_primary_company(contact: Contact, choice: CompanyChoice, *, user: User) -> None:
    organization = contact.organization
    visible = Company.objects.visible_to(user, organization)
    current = (
        Affiliation.objects.filter(organization=organization, contact=contact, is_primary=True)
        .select_related("company")
        .first()
    )
    target = choice.company
    if target is None and choice.new_name:
        # A company typed into a private contact's form stays as private as the contact.
        target = company_create(
            organization=organization,
            created_by=user,
            fields={"name": choice.new_name, "visibility": contact.visibility},
        )
    if target is None:
        # Clearing only ever removes a link the editor can see; a private company
        # they cannot see stays linked, untouched and unrevealed.
        if choice.clear and current and visible.filter(pk=current.company_id).exists():
            current.delete()
        return
    if current is not None:
        if current.company_id == target.pk:
            return
        current.is_primary = False
        current.save(update_fields=["is_primary"])
    affiliation, created = Affiliation.objects.get_or_create(
        organization=organization,
        contact=contact,
        company=target,
        defaults={"role": contact.role, "is_primary": True},
    )
    if not created:
        affiliation.is_primary = True
        affiliation.save(update_fields=["is_primary"])
