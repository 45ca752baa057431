"""factory-boy factories for every model; tenant rows are created outside any scope."""

import uuid

import factory
from django.contrib.auth import get_user_model

from organizations.models import Invitation, Membership, Organization, Role
from organizations.scoping import scopes_disabled

PASSWORD = "correct horse battery staple"


class TenantFactory(factory.django.DjangoModelFactory):
    """Base for tenant models: creation is a deliberate cross-scope write in tests."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


def member(organization: Organization, role: str = Role.MEMBER, **user_fields):
    """Create a user with a membership of `role` in `organization`."""
    user = UserFactory(**user_fields)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


class InvitationFactory(TenantFactory):
    """A pending invitation; the plain token is kept on the instance as `token`."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    token = factory.LazyFunction(lambda: Invitation.new_token()[0])
    token_hash = factory.LazyAttribute(lambda o: Invitation.hash_token(o.token))
    expires_at = factory.LazyFunction(Invitation.default_expiry)


# --- Directory: contacts and companies -------------------------------------------------
# Factories write rows directly; use the services (contacts.services, companies.services)
# when a test needs normalization, limits or mentions resolved from the description.


class CompanyFactory(TenantFactory):
    class Meta:
        model = "companies.Company"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    visibility = "public"
    created_by = None


class ContactFactory(TenantFactory):
    class Meta:
        model = "contacts.Contact"

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    visibility = "public"
    created_by = None


class AffiliationFactory(TenantFactory):
    class Meta:
        model = "companies.Affiliation"

    organization = factory.SelfAttribute("contact.organization")
    contact = factory.SubFactory(ContactFactory)
    company = factory.SubFactory(
        CompanyFactory, organization=factory.SelfAttribute("..contact.organization")
    )
    role = ""
    is_primary = False


def mention(record, user):
    """Store that `record`'s description mentions `user` (as the service would)."""
    model = record.mention_model()
    with scopes_disabled():
        return model.objects.create(
            organization=record.organization, user=user, **{model.target_field: record}
        )


class RecordTypeFactory(TenantFactory):
    class Meta:
        model = "organizations.RecordType"
        django_get_or_create = ("organization", "name")

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Type {n}")


class SectorFactory(TenantFactory):
    class Meta:
        model = "organizations.Sector"
        django_get_or_create = ("organization", "name")

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Sector {n}")


# --- Connections: projects, tasks, tickets and their links ------------------------------


class ProjectFactory(TenantFactory):
    class Meta:
        model = "connections.Project"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    status = "active"
    budget = 0
    currency = "EUR"
    created_by = None


class TaskFactory(TenantFactory):
    class Meta:
        model = "connections.Task"

    organization = factory.SelfAttribute("project.organization")
    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    status = "todo"
    assignee = None
    created_by = None


class TicketFactory(TenantFactory):
    class Meta:
        model = "connections.Ticket"

    organization = factory.SubFactory(OrganizationFactory)
    subject = factory.Sequence(lambda n: f"Ticket {n}")
    status = "open"
    priority = "normal"
    assignee = None
    project = None
    created_by = None


class CopyJobFactory(TenantFactory):
    """A finished copy of contacts from `organization` into `target`."""

    class Meta:
        model = "transfers.CopyJob"

    organization = factory.SubFactory(OrganizationFactory)
    target = factory.SubFactory(OrganizationFactory)
    requested_by = factory.SubFactory(UserFactory)
    kind = "contacts"
    ids = factory.LazyFunction(list)
    status = "done"
    report = factory.LazyAttribute(
        lambda job: {"source": job.organization.slug, "target": job.target.slug}
    )


def connect(item, party, **fields):
    """Store that `party` (a contact or company) is connected to `item` (project/task/ticket)."""
    from connections.models import Connection

    party_field = "contact" if party._meta.model_name == "contact" else "company"
    with scopes_disabled():
        return Connection.objects.create(
            organization=item.organization, **{item.kind: item, party_field: party}, **fields
        )


# --- Attachments: files and cloud links ------------------------------------------------


class AttachmentFactory(TenantFactory):
    """A file on the given `contact=` or `company=`, its object saved in the default storage.

    The row is written directly, so the usage counter does not count it: tests of the
    quota upload through attachments.services instead.
    """

    class Meta:
        model = "attachments.Attachment"

    organization = factory.LazyAttribute(lambda o: (o.contact or o.company).organization)
    contact = None
    company = None
    kind = "file"
    name = factory.Sequence(lambda n: f"file-{n}.txt")
    content = b"Hello from Rolo.\n"
    size = factory.LazyAttribute(lambda o: len(o.content))
    content_type = "text/plain"
    storage_key = factory.LazyAttribute(lambda o: f"{o.organization.pk}/{uuid.uuid4().hex}")
    uploaded_by = None

    @classmethod
    def _create(cls, model_class, *args, content: bytes, **kwargs):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        kwargs["storage_key"] = default_storage.save(kwargs["storage_key"], ContentFile(content))
        return super()._create(model_class, *args, **kwargs)


class LinkFactory(TenantFactory):
    """A cloud link on the given `contact=` or `company=`."""

    class Meta:
        model = "attachments.Attachment"

    organization = factory.LazyAttribute(lambda o: (o.contact or o.company).organization)
    contact = None
    company = None
    kind = "link"
    name = factory.Sequence(lambda n: f"Shared folder {n}")
    url = factory.Sequence(lambda n: f"https://drive.google.com/drive/folders/folder{n}")
    uploaded_by = None


# --- Notes (issue 13) ----------------------------------------------------------------------


def _rendered_body(note) -> str:
    from directory.markup import render_description

    return render_description(note.body)


class NoteFactory(TenantFactory):
    """A note on the given `contact=`, `company=` or `project=`, written directly.

    The body is rendered as the service would; no event, mention row or notification
    is written (tests of those go through notes.services).
    """

    class Meta:
        model = "notes.Note"

    organization = factory.LazyAttribute(
        lambda o: (o.contact or o.company or o.project).organization
    )
    contact = None
    company = None
    project = None
    body = factory.Sequence(lambda n: f"Note number {n}.")
    body_html = factory.LazyAttribute(_rendered_body)
    is_private = False
    author = None


def note_mention(note, user):
    """Store that `note` mentions `user` (as notes.services would)."""
    from notes.models import NoteMention

    with scopes_disabled():
        return NoteMention.objects.create(organization=note.organization, note=note, user=user)


# --- Activities ---------------------------------------------------------------------------


class ActivityKindFactory(TenantFactory):
    class Meta:
        model = "activity.ActivityKind"
        django_get_or_create = ("organization", "name")

    organization = factory.SubFactory(OrganizationFactory)
    name = "Call"


def activity(
    organization,
    *,
    created_by=None,
    assignees=(),
    contacts=(),
    companies=(),
    projects=(),
    subject="Call about the offer",
    due_at=None,
    all_day=False,
    done=False,
    kind="Call",
):
    """An activity with its assignees and links, written directly (no events, no notices)."""
    from datetime import timedelta

    from django.utils import timezone

    from activity.models import Activity, ActivityLink, Assignment

    due_at = due_at or timezone.now() + timedelta(days=1)
    with scopes_disabled():
        row = Activity.objects.create(
            organization=organization,
            kind=ActivityKindFactory(organization=organization, name=kind) if kind else None,
            subject=subject,
            due_at=due_at,
            all_day=all_day,
            created_by=created_by,
            done_at=timezone.now() if done else None,
            done_by=created_by if done else None,
        )
        Assignment.objects.bulk_create(
            Assignment(organization=organization, activity=row, user=u, due_at=due_at, done=done)
            for u in assignees
        )
        ActivityLink.objects.bulk_create(
            [ActivityLink(organization=organization, activity=row, contact=c) for c in contacts]
            + [ActivityLink(organization=organization, activity=row, company=c) for c in companies]
            + [ActivityLink(organization=organization, activity=row, project=p) for p in projects]
        )
    return row


# --- Opportunities (issue 19) ---------------------------------------------------------------


def pipeline(organization):
    """The organization's first pipeline (the default one, made if it has none)."""
    from opportunities.services import pipeline_seed

    with scopes_disabled():
        return pipeline_seed(organization=organization)


def stage(organization, name: str = "Lead"):
    """A stage of the organization's default pipeline, by name."""
    from opportunities.models import Stage

    default = pipeline(organization)
    with scopes_disabled():
        return Stage.objects.get(organization=organization, pipeline=default, name=name)


def opportunity(
    organization,
    *,
    created_by=None,
    company=None,
    contact=None,
    title="Big deal",
    value="1000.00",
    currency="EUR",
    stage_name="Lead",
    visibility="public",
    expected_close=None,
    owner=None,
    description="",
):
    """An opportunity written directly (no events, no notifications), its probability and
    state from its stage; mentions in `description` are resolved on save."""
    from decimal import Decimal

    from opportunities.models import Opportunity

    row_stage = stage(organization, stage_name)
    with scopes_disabled():
        return Opportunity.objects.create(
            organization=organization,
            created_by=created_by,
            company=company,
            contact=contact,
            title=title,
            value=Decimal(value),
            currency=currency,
            stage=row_stage,
            state=row_stage.kind,
            probability=row_stage.probability,
            visibility=visibility,
            expected_close=expected_close,
            owner=owner,
            description=description,
        )


# --- Sales and purchase documents (issue 15) ------------------------------------------------


def product(organization, **fields):
    """A catalog item written directly."""
    from decimal import Decimal

    from sales.models import Product

    values = {"name": "Consulting", "price": Decimal("100"), "tax_rate": Decimal("22"), **fields}
    with scopes_disabled():
        return Product.objects.create(organization=organization, **values)


def document(organization, *, kind="invoice", company=None, contact=None, lines=(), **fields):
    """A draft written directly, with `lines` as dicts of DocumentLine fields; its totals
    are computed by the service that stores them (`sales.services.recompute`)."""
    from sales.models import Document, DocumentLine
    from sales.services import recompute

    with scopes_disabled():
        row = Document.objects.create(
            organization=organization,
            kind=kind,
            company=company,
            contact=contact,
            currency=fields.pop("currency", "EUR"),
            **fields,
        )
        for position, values in enumerate(lines, start=1):
            DocumentLine.objects.create(
                organization=organization,
                document=row,
                position=position,
                **{"description": f"Line {position}", **values},
            )
        recompute(row)
        return row


def issued(row, *, user=None, issue_date=None):
    """Issue a draft through the service (number, totals, timeline event)."""
    from sales.services import document_issue

    with scopes_disabled():
        return document_issue(document=row, user=user, issue_date=issue_date)
