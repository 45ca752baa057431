"""Demo files and cloud links for `seed_demo`: a few small text files and a Drive link."""

from django.core.files.base import ContentFile

from attachments.models import Attachment
from attachments.services import attachment_link_create, attachments_upload
from companies.models import Company
from contacts.models import Contact
from organizations.models import Organization, User

FILES = [
    # record kind, record name, file name, uploader, content
    (
        "contact",
        "Giulia Rossi",
        "meeting-notes-2026-03.txt",
        "alice",
        "Kick-off with Giulia Rossi\n\n- Monitoring of 14 plants, phase 1 in Q2\n"
        "- Weekly report every Monday\n- Next call: procurement with Marco Bianchi\n",
    ),
    (
        "company",
        "Enel Green Power",
        "price-list.csv",
        "bob",
        "item,unit,price_eur\nmonitoring licence,plant/year,1200\n"
        "on-site audit,day,850\nremote support,hour,95\n",
    ),
    (
        "company",
        "Nordwind Logistik",
        "shipping-terms.txt",
        "bob",
        "Nordwind Logistik — shipping terms\n\nDDP to the EU warehouses, 5 working days.\n",
    ),
]
LINKS = [
    # record kind, record name, title, url, who added it
    (
        "company",
        "Enel Green Power",
        "Framework contract (signed)",
        "https://drive.google.com/file/d/1rOlOdEmOfRaMeWoRkCoNtRaCt/view",
        "alice",
    ),
    (
        "contact",
        "Luca Ferrari",
        "Demo slides",
        "https://www.dropbox.com/scl/fi/rolo-demo/slides.pdf",
        "alice",
    ),
]


def _record(organization: Organization, kind: str, name: str) -> Contact | Company | None:
    if kind == "contact":
        first, last = name.split(" ", 1)
        return Contact.objects.filter(
            organization=organization, first_name=first, last_name=last
        ).first()
    return Company.objects.filter(organization=organization, name=name).first()


def _has(record: Contact | Company, kind: str, name: str) -> bool:
    return Attachment.objects.filter(
        organization_id=record.organization_id, name=name, **{kind: record}
    ).exists()


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    """Attach the demo files and links to Acme's demo records, once."""
    people = {email.split("@")[0]: user for email, user in users.items()}
    for kind, record_name, file_name, uploader, content in FILES:
        record = _record(organization, kind, record_name)
        if record is None or _has(record, kind, file_name):
            continue
        attachments_upload(
            organization=organization,
            record=record,
            uploaded_by=people.get(uploader),
            files=[ContentFile(content.encode(), name=file_name)],
        )
    for kind, record_name, title, url, who in LINKS:
        record = _record(organization, kind, record_name)
        if record is None or _has(record, kind, title):
            continue
        attachment_link_create(
            organization=organization, record=record, added_by=people.get(who), url=url, title=title
        )
