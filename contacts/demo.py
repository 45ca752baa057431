"""Demo contacts and companies for `seed_demo`: realistic, some private, some mentioning."""

from companies.models import Company
from companies.services import company_create
from contacts.models import Contact
from contacts.services import CompanyChoice, contact_create
from organizations.models import Organization, RecordType, Sector, User
from organizations.visibility import Visibility

COMPANIES = [
    # name, type, sector, vat, email, phone, city, creator, visibility, description
    (
        "Enel Green Power",
        "Client",
        "Energy",
        "IT00743110157",
        "info@enelgp.example",
        "+39 06 8305 1",
        "Roma",
        "alice",
        "public",
        "Framework contract for plant monitoring. Account owner: @bob@example.com.",
    ),
    (
        "Nordwind Logistik",
        "Supplier",
        "Logistics",
        "DE136695976",
        "kontakt@nordwind.example",
        "+49 30 1234567",
        "Berlin",
        "bob",
        "public",
        "Ships our hardware to the EU warehouses.",
    ),
    (
        "Pharmalab",
        "Lead",
        "Pharmaceutical",
        "",
        "hello@pharmalab.example",
        "+39 02 4567 8900",
        "Milano",
        "alice",
        "public",
        "Met at the Milano fair; interested in the ICT audit.",
    ),
    (
        "Studio Verdi",
        "Partner",
        "Consulting",
        "",
        "studio@verdi.example",
        "+39 011 765 4321",
        "Torino",
        "carol",
        "public",
        "Our accounting partner.",
    ),
    (
        "Quantum Ventures",
        "Lead",
        "Finance",
        "",
        "deals@quantum.example",
        "+44 20 7946 0018",
        "London",
        "alice",
        "private",
        "Confidential: acquisition talks. Keep @carol@example.com in the loop.",
    ),
]
CONTACTS = [
    # first, last, role, type, company, email, phone, creator, visibility, description
    ("Giulia", "Rossi", "Chief Executive Officer", "Client", "Enel Green Power", "giulia.rossi@enelgp.example", "+39 333 123 4567", "alice", "public", ""),
    ("Marco", "Bianchi", "Procurement Manager", "Client", "Enel Green Power", "marco.bianchi@enelgp.example", "+39 347 555 0101", "bob", "public", "Prefers calls in the morning."),
    ("Anna", "Schmidt", "Operations Lead", "Supplier", "Nordwind Logistik", "a.schmidt@nordwind.example", "+49 151 2345 6789", "bob", "public", ""),
    ("Luca", "Ferrari", "Marketing Manager", "Lead", "Pharmalab", "luca.ferrari@pharmalab.example", "+39 320 987 6543", "alice", "public", "Follow up after the demo, @bob@example.com."),
    ("Elena", "Verdi", "Partner", "Partner", "Studio Verdi", "elena@verdi.example", "+39 011 765 4322", "carol", "public", ""),
    ("James", "Whitfield", "Managing Director", "Lead", "Quantum Ventures", "j.whitfield@quantum.example", "+44 7911 123456", "alice", "private", "Only @carol@example.com and I know about this."),
    ("Sara", "Conti", "Freelance designer", "Collaborator", "", "sara@conti.example", "+39 340 111 2222", "bob", "private", "Bob's private note: rates negotiated for 2027."),
]  # fmt: skip


def _by_name(model, organization: Organization, name: str):
    return model.objects.filter(organization=organization, name=name).first()


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    """Create the demo directory in `organization` once (only the "acme" demo has one)."""
    if organization.slug != "acme":
        seed_other(organization=organization, users=users)
        return
    people = {email.split("@")[0]: user for email, user in users.items()}
    for name, type_, sector, vat, email, phone, city, creator, visibility, text in COMPANIES:
        if Company.objects.filter(organization=organization, name=name).exists():
            continue
        company_create(
            organization=organization,
            created_by=people[creator],
            fields={
                "name": name,
                "type": _by_name(RecordType, organization, type_),
                "sector": _by_name(Sector, organization, sector),
                "vat_number": vat,
                "visibility": Visibility(visibility),
                "description": text,
            },
            emails=[{"label": "work", "email": email}],
            phones=[{"label": "work", "number": phone}],
            addresses=[{"label": "headquarters", "city": city}],
        )
    for first, last, role, type_, company, email, phone, creator, visibility, text in CONTACTS:
        if Contact.objects.filter(
            organization=organization, first_name=first, last_name=last
        ).exists():
            continue
        company_row = Company.objects.filter(organization=organization, name=company).first()
        contact_create(
            organization=organization,
            created_by=people[creator],
            fields={
                "first_name": first,
                "last_name": last,
                "role": role,
                "type": _by_name(RecordType, organization, type_),
                "visibility": Visibility(visibility),
                "description": text,
            },
            emails=[{"label": "work", "email": email}],
            phones=[{"label": "mobile", "number": phone}],
            company=CompanyChoice(company=company_row) if company_row else None,
        )


def seed_other(*, organization: Organization, users: dict[str, User]) -> None:
    """The other demo organization gets a record of its own, to show isolation."""
    mallory = users.get("mallory@example.com")
    if mallory is None or Company.objects.filter(organization=organization).exists():
        return
    company_create(
        organization=organization,
        created_by=mallory,
        fields={"name": "Globex Subsidiary", "description": "Only Globex can see this."},
    )
