"""Demo notes for `seed_demo`: a few notes on Acme's demo contacts, companies and projects.

Runs inside the organization's scope after the directory and connections seeds. A note
already there (same record, same text) is left alone, so running it again adds nothing.
"""

from companies.models import Company
from connections.models import Project
from contacts.models import Contact
from notes.models import Note
from notes.services import note_create, note_pin
from organizations.models import Organization, User

NOTES = [
    # kind, record, author, text, private, pinned
    ("contact", "Giulia Rossi", "alice",
     "Call went well: she wants the **monitoring rollout** extended to two more plants.\n\n"
     "@bob@example.com can you prepare the updated offer by Friday?", False, True),
    ("contact", "Giulia Rossi", "bob",
     "Prefers email before 10:00; her assistant handles the calendar.", False, False),
    ("company", "Enel Green Power", "bob",
     "Framework agreement renewal due in March. Procurement contact: see the persons list.",
     False, True),
    ("company", "Enel Green Power", "alice",
     "Margin on the pilot is thin; @carol@example.com let's review the budget together.",
     True, False),
    ("project", "Plant monitoring rollout", "carol",
     "Sensors for plants 7-12 ship on the 15th. Installation team booked.", False, False),
]  # fmt: skip


def _record(organization: Organization, kind: str, name: str):
    if kind == "contact":
        first, last = name.split(" ", 1)
        return Contact.objects.filter(
            organization=organization, first_name=first, last_name=last
        ).first()
    if kind == "company":
        return Company.objects.filter(organization=organization, name=name).first()
    return Project.objects.filter(organization=organization, name=name).first()


def seed(*, organization: Organization, users: dict[str, User]) -> None:
    """Write the demo notes once."""
    people = {email.split("@")[0]: user for email, user in users.items()}
    for kind, name, author, text, private, pinned in NOTES:
        record = _record(organization, kind, name)
        if record is None or author not in people:
            continue
        if Note.objects.filter(organization=organization, body=text, **{kind: record}).exists():
            continue
        note = note_create(
            organization=organization,
            record=record,
            author=people[author],
            body=text,
            is_private=private,
        )
        if pinned:
            note_pin(note=note, pinned=True)
