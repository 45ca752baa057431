"""Demo projects, tasks and tickets for `seed_demo`, connected to the demo directory.

Runs after contacts.demo (connections comes later in INSTALLED_APPS), inside the
organization's scope. Only "acme" has a directory to connect to. Idempotent: a project,
task or ticket that already exists by name is left alone, connections are get-or-create.
"""

from datetime import date, timedelta
from decimal import Decimal

from companies.models import Company
from connections.models import Project, Task, Ticket
from connections.services import (
    ClientChoice,
    connection_add,
    project_create,
    task_create,
    ticket_create,
)
from contacts.models import Contact
from organizations.models import Organization, User

PROJECTS = [
    # name, status, budget, currency, start (days), due (days), client kind, client, creator,
    # description, connected contacts/companies
    ("Plant monitoring rollout", "active", "120000", "EUR", -60, 120, "company", "Enel Green Power", "alice",
     "Sensors and a dashboard for twelve solar plants.", ["Giulia Rossi", "Marco Bianchi"]),
    ("Grid analytics pilot", "planned", "45000", "EUR", 30, 150, "company", "Enel Green Power", "bob",
     "Follow-up pilot, pending the framework renewal.", ["Marco Bianchi"]),
    ("Warehouse logistics audit", "on_hold", "18000", "EUR", -20, 40, "company", "Nordwind Logistik", "bob",
     "Audit of the EU warehouses' handling times.", ["Anna Schmidt"]),
    ("ICT audit", "planned", "9500", "EUR", 10, 70, "contact", "Luca Ferrari", "alice",
     "Security and infrastructure audit proposed at the Milano fair.", ["Pharmalab"]),
    ("Year-end accounts", "completed", "4200", "EUR", -120, -30, "company", "Studio Verdi", "carol",
     "Closing of the 2025 accounts with our partner.", ["Elena Verdi"]),
    ("Acquisition due diligence", "active", "250000", "GBP", -10, 80, "company", "Quantum Ventures", "alice",
     "Confidential: only those who see Quantum Ventures see who the client is.", []),
]  # fmt: skip
TASKS = [
    # project, title, status, assignee, due (days), connected
    ("Plant monitoring rollout", "Install sensors at the Puglia plants", "in_progress", "gina", 14, ["Giulia Rossi"]),
    ("Plant monitoring rollout", "Site survey", "done", "bob", -30, []),
    ("Plant monitoring rollout", "Dashboard acceptance test", "todo", "carol", 60, ["Enel Green Power"]),
    ("Warehouse logistics audit", "Collect handling-time samples", "todo", "bob", 10, ["Anna Schmidt"]),
    ("ICT audit", "Send the audit proposal", "todo", "alice", 5, ["Luca Ferrari"]),
]  # fmt: skip
TICKETS = [
    # subject, status, priority, assignee, project, creator, description, connected
    ("Dashboard shows stale readings", "open", "high", "gina", "Plant monitoring rollout", "bob",
     "Readings from plant 7 stop updating after midnight.", ["Enel Green Power", "Giulia Rossi"]),
    ("Invoice address change", "waiting", "normal", "bob", "", "carol",
     "Nordwind moved their billing office to Hamburg.", ["Nordwind Logistik", "Anna Schmidt"]),
    ("Access for the Pharmalab IT team", "open", "low", "alice", "ICT audit", "alice",
     "", ["Pharmalab"]),
    ("Shipment delayed at customs", "resolved", "urgent", "bob", "", "bob",
     "Resolved with a new customs broker.", ["Nordwind Logistik"]),
]  # fmt: skip


def _party(organization: Organization, name: str) -> Contact | Company | None:
    company = Company.objects.filter(organization=organization, name=name).first()
    if company is not None:
        return company
    first, _space, last = name.partition(" ")
    return Contact.objects.filter(
        organization=organization, first_name=first, last_name=last
    ).first()


def _connect(item, names: list[str], organization: Organization, user: User) -> None:
    for name in names:
        party = _party(organization, name)
        if party is not None:
            connection_add(item=item, party=party, created_by=user)


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    """Create the demo projects, tasks and tickets of "acme" once."""
    if organization.slug != "acme":
        return
    people = {email.split("@")[0]: user for email, user in users.items()}
    today = date.today()
    projects: dict[str, Project] = {}
    for (
        name, status, budget, currency, start, due, kind, client, creator, text, connected,
    ) in PROJECTS:  # fmt: skip
        project = Project.objects.filter(organization=organization, name=name).first()
        if project is None:
            party = _party(organization, client)
            project = project_create(
                organization=organization,
                created_by=people[creator],
                fields={
                    "name": name,
                    "status": status,
                    "budget": Decimal(budget),
                    "currency": currency,
                    "start_date": today + timedelta(days=start),
                    "due_date": today + timedelta(days=due),
                    "description": text,
                },
                client=ClientChoice(**{kind: party}),
            )
        _connect(project, connected, organization, people[creator])
        projects[name] = project
    for project_name, title, status, assignee, due, connected in TASKS:
        project = projects[project_name]
        task = Task.objects.filter(organization=organization, project=project, title=title).first()
        if task is None:
            task = task_create(
                project=project,
                created_by=people["alice"],
                fields={
                    "title": title,
                    "status": status,
                    "assignee": people[assignee],
                    "due_date": today + timedelta(days=due),
                },
            )
        _connect(task, connected, organization, people["alice"])
    for subject, status, priority, assignee, project_name, creator, text, connected in TICKETS:
        ticket = Ticket.objects.filter(organization=organization, subject=subject).first()
        if ticket is None:
            ticket = ticket_create(
                organization=organization,
                created_by=people[creator],
                fields={
                    "subject": subject,
                    "status": status,
                    "priority": priority,
                    "assignee": people[assignee],
                    "project": projects.get(project_name),
                    "description": text,
                },
            )
        _connect(ticket, connected, organization, people[creator])
