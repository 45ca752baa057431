"""Demo opportunities for `seed_demo`: a few on Acme's companies and contacts.

Runs after activity.demo (opportunities comes later in INSTALLED_APPS), inside the
organization's scope. Idempotent: an opportunity that exists by title is left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from companies.models import Company
from contacts.models import Contact
from opportunities.models import Opportunity, Stage, default_currency
from opportunities.services import opportunity_create, pipeline_seed
from organizations.models import Organization, User

OPPORTUNITIES = [
    # title, value, stage position, days to close, owner, company, contact
    ("Plant sensors rollout", "48000", 2, 30, "bob", None, ("Giulia", "Rossi")),
    ("Nordwind fleet audit", "12500", 1, 45, "alice", "Nordwind Logistik", None),
    ("ICT audit follow-up", "8000", 3, 15, "alice", None, ("Luca", "Ferrari")),
]  # fmt: skip


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    pipeline = pipeline_seed(organization=organization)
    if organization.slug != "acme":
        return
    people = {email.split("@")[0]: user for email, user in users.items()}
    stages = list(Stage.objects.filter(organization=organization, pipeline=pipeline))
    today = timezone.localdate()
    for title, value, position, days, owner, company, contact in OPPORTUNITIES:
        if Opportunity.objects.filter(organization=organization, title=title).exists():
            continue
        company_row = (
            Company.objects.filter(organization=organization, name=company).first()
            if company
            else None
        )
        contact_row = (
            Contact.objects.filter(
                organization=organization, first_name=contact[0], last_name=contact[1]
            ).first()
            if contact
            else None
        )
        if company_row is None and contact_row is None:
            continue
        opportunity_create(
            opportunity=Opportunity(
                organization=organization,
                title=title,
                value=Decimal(value),
                currency=default_currency(organization),
                stage=stages[min(position, len(stages) - 1)],
                expected_close=today + timedelta(days=days),
                owner=people.get(owner),
                company=company_row,
                contact=contact_row,
            ),
            created_by=people.get(owner),
        )
