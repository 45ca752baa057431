"""Writes on companies and their contact persons."""

from django.db import transaction

from companies.models import Affiliation, Company
from directory import journal
from directory.services import (
    check_audience,
    check_tenant_links,
    normalize_tax_numbers,
    replace_details,
)
from organizations.models import Organization, User


@transaction.atomic
def company_create(
    *,
    organization: Organization,
    created_by: User,
    fields: dict,
    emails: list[dict] | None = None,
    phones: list[dict] | None = None,
    addresses: list[dict] | None = None,
) -> Company:
    """Create a company with its details and mentions, all or nothing."""
    company = Company(organization=organization, created_by=created_by, **fields)
    check_tenant_links(company)
    normalize_tax_numbers(company, organization)
    company.full_clean(exclude=["organization", "created_by"])
    company.save()
    replace_details(company, emails=emails or [], phones=phones or [], addresses=addresses or [])
    journal.record_saved(company, user=created_by, before=None)
    return company


@transaction.atomic
def company_update(
    *,
    company: Company,
    user: User,
    fields: dict,
    emails: list[dict] | None = None,
    phones: list[dict] | None = None,
    addresses: list[dict] | None = None,
) -> Company:
    """Update a company's fields and details; a changed description re-resolves mentions.

    On a private company only its creator may mention someone new (`check_audience`).
    """
    before = journal.stored_snapshot(company)
    for name, value in fields.items():
        setattr(company, name, value)
    check_audience(company, editor=user)
    check_tenant_links(company)
    normalize_tax_numbers(company, company.organization)
    company.full_clean(exclude=["organization", "created_by"])
    company.save()
    replace_details(company, emails=emails, phones=phones, addresses=addresses)
    journal.record_saved(company, user=user, before=before)
    return company


@transaction.atomic
def company_delete(*, company: Company) -> None:
    """Delete a company; its affiliations, details and mentions go with it."""
    company.delete()


def affiliation_add(*, company: Company, contact, role: str = "") -> Affiliation:
    """Link `contact` to `company` as a contact person (or update their role there)."""
    affiliation, created = Affiliation.objects.get_or_create(
        organization=company.organization,
        company=company,
        contact=contact,
        defaults={"role": role},
    )
    if not created and role and affiliation.role != role:
        affiliation.role = role
        affiliation.save(update_fields=["role"])
    return affiliation


def affiliation_remove(*, affiliation: Affiliation) -> None:
    affiliation.delete()
