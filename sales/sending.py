"""Emailing a document: who is offered, who is preselected, and the worker's delivery.

The people offered are those of the party the sender may see: a company's contact persons
(its affiliations, the primary ones first) or the contact itself, each with every email
address they have and their PEC. Each person's preference for the document's category
(`RecipientPreference`: not, To or CC) preselects them; when nobody is set, the first
person is preselected in To and the form says why. Whoever the sender ticks or types
receives the email, whatever their preference.

`send_request` records a send; the worker delivers it (`sales.tasks.send_document`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from companies.models import Affiliation
from contacts.models import Contact, ContactEmail
from organizations.models import User
from sales.models import (
    KIND_CATEGORY,
    Category,
    Delivery,
    Document,
    DocumentSend,
    RecipientPreference,
    SendRecipient,
)


@dataclass
class Option:
    key: str
    contact: Contact
    address: str
    label: str


@dataclass
class Offer:
    """The send form's choices and what it preselects."""

    options: list[Option] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    warning: str = ""


def persons(user: User, document: Document) -> list[Contact]:
    """The people of the party the sender may see, primary contact persons first."""
    organization = document.organization
    visible = Contact.objects.visible_to(user, organization)
    if not document.company_id:
        return list(visible.filter(pk=document.contact_id))
    affiliations = (
        Affiliation.objects.filter(
            organization=organization,
            company_id=document.company_id,
            contact__in=visible.values("pk"),
        )
        .select_related("contact")
        .order_by("-is_primary", "pk")
    )
    return [affiliation.contact for affiliation in affiliations]


def offer(user: User, document: Document) -> Offer:
    """Every address of the party's people, and the To / CC their preferences preselect."""
    people = persons(user, document)
    emails: dict[int, list[str]] = {}
    for row in ContactEmail.objects.filter(
        organization=document.organization, contact__in=[p.pk for p in people]
    ).order_by("contact_id", "position"):
        emails.setdefault(row.contact_id, []).append(row.email)
    result = Offer()
    first: dict[int, str] = {}
    for person in people:
        for address in emails.get(person.pk, []):
            result.options.append(
                Option(f"{person.pk}:{address}", person, address, f"{person.full_name} <{address}>")
            )
            first.setdefault(person.pk, f"{person.pk}:{address}")
        if person.pec:
            label = _("%(name)s <%(address)s> (PEC)") % {
                "name": person.full_name,
                "address": person.pec,
            }
            result.options.append(Option(f"{person.pk}:{person.pec}", person, person.pec, label))
            first.setdefault(person.pk, f"{person.pk}:{person.pec}")
    category = KIND_CATEGORY.get(document.kind)
    if document.company_id and category:
        modes = dict(
            RecipientPreference.objects.filter(
                organization=document.organization,
                company_id=document.company_id,
                category=category,
                contact__in=[p.pk for p in people],
            ).values_list("contact_id", "mode")
        )
    else:
        modes = {person.pk: Delivery.TO for person in people}  # a contact is its own party
    for person in people:
        if person.pk in first and modes.get(person.pk) == Delivery.TO:
            result.to.append(first[person.pk])
        elif person.pk in first and modes.get(person.pk) == Delivery.CC:
            result.cc.append(first[person.pk])
    if not result.to and result.cc:
        result.to.append(result.cc.pop(0))
    if not result.to and first:
        primary = next(person for person in people if person.pk in first)
        result.to.append(first[primary.pk])
        result.warning = _(
            "Nobody is set to receive “%(category)s” from this company: %(name)s, its first "
            "contact person, is preselected."
        ) % {"category": Category(category).label if category else "", "name": primary.full_name}
    return result


def preferences(company, people: list[Contact]) -> dict[int, dict[str, str]]:
    """Each person's mode per category (missing: not)."""
    found: dict[int, dict[str, str]] = {person.pk: {} for person in people}
    for contact_id, category, mode in RecipientPreference.objects.filter(
        organization=company.organization, company=company, contact__in=[p.pk for p in people]
    ).values_list("contact_id", "category", "mode"):
        found[contact_id][category] = mode
    return found


@transaction.atomic
def preferences_save(company, choices: dict[tuple[int, str], str]) -> None:
    """Write the modes of `choices` ((contact id, category) → mode) for `company`."""
    for (contact_id, category), mode in choices.items():
        RecipientPreference.objects.update_or_create(
            organization=company.organization,
            company=company,
            contact_id=contact_id,
            category=category,
            defaults={"mode": mode},
        )


def send_copies(company, contact: Contact) -> None:
    """ "Send copies of messages": CC for every category, in one click."""
    preferences_save(company, {(contact.pk, category): Delivery.CC for category in Category.values})


@transaction.atomic
def send_request(
    *, document: Document, user: User, recipients: list[tuple[str, str, int | None]],
    subject: str, body: str,
) -> DocumentSend:  # fmt: skip
    """Record a send (recipients as (role, address, contact id)) and hand it to the worker
    once the transaction commits."""
    from sales.tasks import send_document

    if document.kind not in KIND_CATEGORY:
        raise ValidationError(_("This type of document is not sent."))
    send = DocumentSend.objects.create(
        organization=document.organization, document=document, sent_by=user,
        subject=subject, body=body,
    )  # fmt: skip
    SendRecipient.objects.bulk_create(
        SendRecipient(organization=document.organization, send=send, role=role, address=address,
                      contact_id=contact_id)
        for role, address, contact_id in recipients
    )  # fmt: skip
    transaction.on_commit(lambda: send_document.enqueue(send.pk))
    return send
