"""Demo activities for `seed_demo`: one overdue, one today, one tomorrow, on Acme's records.

Runs after connections.demo (activity comes later in INSTALLED_APPS), inside the
organization's scope. Idempotent: an activity that exists by subject is left alone.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from activity.models import Activity
from activity.selectors import kinds
from activity.services import ActivityData, activity_create, activity_kinds_seed
from companies.models import Company
from connections.models import Project
from contacts.models import Contact
from organizations.models import Organization, User

ACTIVITIES = [
    # subject, kind, days from today, time (None: all day), assignees, creator, contact, company, project
    ("Call Giulia about the plant sensors", "Call", -2, time(10, 0), ["bob"], "alice",
     ("Giulia", "Rossi"), None, None),
    ("Meeting with Nordwind on the audit", "Meeting", 0, time(17, 30), ["alice", "bob"], "bob",
     None, "Nordwind Logistik", None),
    ("Send the ICT audit proposal", "Email", 1, None, ["alice"], "alice",
     ("Luca", "Ferrari"), None, "ICT audit"),
]  # fmt: skip


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    activity_kinds_seed(organization=organization)
    if organization.slug != "acme":
        return
    people = {email.split("@")[0]: user for email, user in users.items()}
    today = timezone.localdate()
    names = {kind.name: kind for kind in kinds(organization)}
    for subject, kind, days, at, assignees, creator, contact, company, project in ACTIVITIES:
        if Activity.objects.filter(organization=organization, subject=subject).exists():
            continue
        day = today + timedelta(days=days)
        due = (
            timezone.make_aware(datetime.combine(day, at))
            if at
            else timezone.make_aware(datetime.combine(day, time(9, 0)))
        )
        contacts = (
            list(
                Contact.objects.filter(
                    organization=organization, first_name=contact[0], last_name=contact[1]
                )[:1]
            )
            if contact
            else []
        )
        companies = (
            list(Company.objects.filter(organization=organization, name=company)[:1])
            if company
            else []
        )
        projects = (
            list(Project.objects.filter(organization=organization, name=project)[:1])
            if project
            else []
        )
        if not (contacts or companies or projects):
            continue
        activity_create(
            organization=organization,
            created_by=people[creator],
            data=ActivityData(
                kind=names.get(kind),
                subject=subject,
                due_at=due,
                all_day=at is None,
                assignees=[people[name] for name in assignees],
                contacts=contacts,
                companies=companies,
                projects=projects,
            ),
        )
