"""The one door to notes: `Note.objects.visible_to(user, organization)`.

A note is seen by exactly those who see its record — `Contact/Company.objects.visible_to`
(owners and members; private records only for their creator and mentioned members) or
`connections.selectors.projects_visible_to` (owners and members; a guest the projects
holding their tasks or tickets) — and, when the note is private, only by its author and
the members it mentions. Every read of notes (record sections, lists, revisions, edits,
deletions, pins) starts here, so "not visible" and "does not exist" are the same 404.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from companies.models import Company
from connections.selectors import projects_visible_to
from contacts.models import Contact
from organizations.models import Membership, Role
from organizations.scoping import ScopedManager
from organizations.visibility import known_role


class NoteQuerySet(QuerySet):
    def visible_to(self, user, organization) -> "NoteQuerySet":
        """Return the notes `user` may read in `organization`.

        Nothing for anonymous users and non-members; a guest only notes on projects they
        see (never one on a contact or company); a private note only for its author and
        the members it mentions. One SQL query: each door is an EXISTS.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        contacts = Contact.objects.visible_to(user, organization).filter(pk=OuterRef("contact_id"))
        companies = Company.objects.visible_to(user, organization).filter(pk=OuterRef("company_id"))
        projects = projects_visible_to(user, organization).filter(pk=OuterRef("project_id"))
        record = (
            (Q(contact__isnull=False) & Exists(contacts))
            | (Q(company__isnull=False) & Exists(companies))
            | (Q(project__isnull=False) & Exists(projects))
        )
        return self.filter(record, self._note_condition(user, organization))

    def readable_on(self, record, user, organization) -> "NoteQuerySet":
        """The notes of `record` that `user` may read, for a `record` that came through
        the reader's own door (the page's 404): what is left to check is the note's own
        privacy, a far smaller query to build than the three doors of `visible_to`."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.on_record(record).filter(self._note_condition(user, organization))

    def _note_condition(self, user, organization) -> Q:
        """A public note, or a private one the reader wrote or is mentioned in."""
        mention_model = self.model._meta.get_field("mentions").related_model
        mentioned = mention_model.objects.filter(
            organization=organization, note=OuterRef("pk"), user=user
        )
        # A mention counts for owners and members only (mentions are resolved to them),
        # so a member later made a guest no longer reads the private notes naming them.
        role = known_role(user, organization)
        if role in (Role.OWNER, Role.MEMBER):
            counts = Exists(mentioned)
        elif role is not None:
            counts = Q(pk__in=[])
        else:
            reader = Membership.objects.filter(
                organization=organization, user=user, role__in=[Role.OWNER, Role.MEMBER]
            )
            counts = Exists(mentioned) & Exists(reader)
        note = Q(is_private=False) | Q(author=user) | counts
        return note & Q(organization=organization)

    def on_record(self, record) -> "NoteQuerySet":
        """Only the notes of `record` (a contact, company or project)."""
        return self.filter(**{record._meta.model_name: record})

    def in_order(self) -> "NoteQuerySet":
        """Pinned notes first (most recently pinned on top), then the newest."""
        return self.order_by(F("pinned_at").desc(nulls_last=True), "-created_at", "-id")


class NoteManager(ScopedManager.from_queryset(NoteQuerySet)):
    """Scoped manager exposing `visible_to`."""
