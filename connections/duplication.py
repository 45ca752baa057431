"""Copying contacts and companies from one organization into another (PRODUCT §6).

`directory_duplicate` first plans the copy by reading the source through
`visible_to(user, source)` (what the acting owner sees, nothing more), then writes the
copies into the target in one transaction: records through the contact and company
services (limits, normalization, mentions), type and sector mapped by name, affiliations
between copied records, and, when asked, attachments through the attachments services
(quota, `<target id>/<uuid>` keys). A failure leaves nothing in the target; files already
stored for the run are deleted again. Connections to projects, tasks and tickets are not
copied: those belong to the source's own work and do not exist in the target.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from attachments.files import attachment_storage, decimal_size
from attachments.models import Attachment, AttachmentKind
from attachments.selectors import storage_usage
from attachments.services import (
    QuotaExceeded,
    attachment_link_create,
    attachments_upload,
    object_discard,
)
from companies.models import Affiliation, Company
from companies.services import company_create
from contacts.models import Contact
from contacts.services import contact_create
from organizations.directory import DirectoryRecord
from organizations.models import Membership, Organization, RecordType, Role, Sector, User
from organizations.scoping import scope

# Fields a copy does not take from its original: identity, tenant, authorship, timestamps,
# and the list entries that are mapped by name instead.
NOT_COPIED = {"id", "organization", "created_by", "created_at", "updated_at", "type", "sector"}

type Progress = Callable[..., Iterable]


class DuplicationError(Exception):
    """The copy was refused; nothing was written. `str()` is the message for people."""


class DuplicationForbidden(DuplicationError):
    """The user lacks the roles a copy needs: owner of the source, owner/member of the target."""


@dataclass(frozen=True)
class Skipped:
    """A record left out because the target already has it."""

    kind: str
    source_id: int
    name: str
    reason: str


@dataclass
class DuplicationReport:
    """What a copy did (or, in a dry run, would do)."""

    source: str
    target: str
    dry_run: bool = False
    contacts_copied: int = 0
    companies_copied: int = 0
    affiliations: int = 0
    files: int = 0
    file_bytes: int = 0
    links: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    # Source id → copy id, filled by a real run.
    contact_copies: dict[int, int] = field(default_factory=dict)
    company_copies: dict[int, int] = field(default_factory=dict)

    @property
    def contacts_skipped(self) -> int:
        return sum(1 for item in self.skipped if item.kind == "contact")

    @property
    def companies_skipped(self) -> int:
        return sum(1 for item in self.skipped if item.kind == "company")

    def summary_lines(self) -> list[str]:
        """The summary, one line per kind, as the command prints it."""
        values = {
            "source": self.source,
            "target": self.target,
            "contacts": self.contacts_copied,
            "contacts_skipped": self.contacts_skipped,
            "companies": self.companies_copied,
            "companies_skipped": self.companies_skipped,
            "affiliations": self.affiliations,
            "files": self.files,
            "bytes": decimal_size(self.file_bytes),
            "links": self.links,
        }
        head = (
            _("Dry run: nothing was written. From %(source)s to %(target)s this would copy:")
            if self.dry_run
            else _("Copied from %(source)s to %(target)s:")
        )
        lines = [
            head % values,
            _("  contacts: %(contacts)d copied, %(contacts_skipped)d skipped") % values,
            _("  companies: %(companies)d copied, %(companies_skipped)d skipped") % values,
            _("  affiliations: %(affiliations)d") % values,
            _("  attachments: %(files)d files (%(bytes)s), %(links)d links") % values,
        ]
        lines += [
            _("  skipped %(kind)s #%(id)d %(name)s: %(reason)s")
            % {"kind": item.kind, "id": item.source_id, "name": item.name, "reason": item.reason}
            for item in self.skipped
        ]
        return lines


@dataclass
class _Plan:
    contacts: list[Contact]
    companies: list[Company]
    affiliations: list[Affiliation]
    attachments: list[Attachment]


def _no_progress(items: Iterable, **kwargs) -> Iterable:
    return items


def directory_duplicate(
    *,
    source: Organization,
    target: Organization,
    user: User,
    contact_ids: Sequence[int] | None = None,
    company_ids: Sequence[int] | None = None,
    with_attachments: bool = False,
    skip_existing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> DuplicationReport:
    """Copy contacts and companies `user` sees in `source` into `target`, all or nothing.

    `contact_ids`/`company_ids` choose records; None means every one `user` can see in
    `source` (an empty list: none of that kind). A chosen id `user` cannot see is refused
    like a missing one. `user` must own `source` and be owner or member of `target`
    (DuplicationForbidden otherwise). `progress(items, total=, desc=)` wraps each loop.
    Raise DuplicationError on a refusal or a record the target refuses; whatever the
    error, nothing is left in `target` (no row, no stored object).
    """
    check_roles(source=source, target=target, user=user)
    progress = progress or _no_progress
    report = DuplicationReport(source=source.slug, target=target.slug, dry_run=dry_run)
    with scope(organization=source):
        plan = _plan(source, user, contact_ids, company_ids, with_attachments)
    with scope(organization=target):
        if skip_existing:
            _drop_existing(plan, target, user, report)
        kept_contacts = {c.pk for c in plan.contacts}
        kept_companies = {c.pk for c in plan.companies}
        plan.affiliations = [
            a
            for a in plan.affiliations
            if a.contact_id in kept_contacts and a.company_id in kept_companies
        ]
        plan.attachments = _attachments_of_kept(plan)
        report.contacts_copied = len(plan.contacts)
        report.companies_copied = len(plan.companies)
        report.affiliations = len(plan.affiliations)
        report.files = sum(1 for a in plan.attachments if a.kind == AttachmentKind.FILE)
        report.file_bytes = sum(a.size for a in plan.attachments if a.kind == AttachmentKind.FILE)
        report.links = len(plan.attachments) - report.files
        _check_quota(target, report.file_bytes)
        if not dry_run:
            _write(plan, source, target, user, report, progress)
    return report


def check_roles(*, source: Organization, target: Organization, user: User) -> None:
    """Refuse unless `user` owns `source` and is owner or member of another `target`."""
    if source.pk == target.pk:
        raise DuplicationError(_("Choose another organization to copy into."))
    roles = dict(
        Membership.objects.filter(user=user, organization__in=[source, target]).values_list(
            "organization_id", "role"
        )
    )
    if roles.get(source.pk) != Role.OWNER:
        raise DuplicationForbidden(
            _("Only an owner of %(source)s can copy its contacts and companies.")
            % {"source": source.slug}
        )
    if roles.get(target.pk) not in (Role.OWNER, Role.MEMBER):
        raise DuplicationForbidden(
            _("You must be an owner or member of %(target)s to copy into it.")
            % {"target": target.slug}
        )


def _chosen(queryset: QuerySet, ids: Sequence[int] | None, label: str, source) -> QuerySet:
    """The visible records among `ids` (all visible ones for None); refuse any other id."""
    if ids is None:
        return queryset
    ids = sorted(set(ids))
    found = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        # Invisible and non-existent ids get the same answer (PRODUCT §3.4).
        raise DuplicationError(
            _("No %(kind)s with these ids in %(source)s: %(ids)s.")
            % {"kind": label, "source": source.slug, "ids": ", ".join(missing)}
        )
    return queryset.filter(pk__in=ids)


def _plan(source, user, contact_ids, company_ids, with_attachments) -> _Plan:
    contacts = _chosen(Contact.objects.visible_to(user, source), contact_ids, _("contacts"), source)
    companies = _chosen(
        Company.objects.visible_to(user, source), company_ids, _("companies"), source
    )
    # Related rows are read with the visible records as a subquery, not a list of ids:
    # one query per kind whatever the size of the run, and no bound-parameter limit.
    contact_pks, company_pks = contacts.values("pk"), companies.values("pk")
    plan = _Plan(
        contacts=list(contacts.select_related("type").order_by("pk")),
        companies=list(companies.select_related("type", "sector").order_by("pk")),
        # Both ends of a link come from visible_to, so the link reveals nothing new.
        affiliations=list(
            Affiliation.objects.filter(
                organization=source, contact__in=contact_pks, company__in=company_pks
            ).order_by("pk")
        ),
        attachments=[],
    )
    for records, model, pks in [
        (plan.contacts, Contact, contact_pks),
        (plan.companies, Company, company_pks),
    ]:
        kind = model._meta.model_name
        by_pk = {record.pk: record for record in records}
        for record in records:
            record.copied_details = {"emails": [], "phones": [], "addresses": []}
        for name in ("emails", "phones", "addresses"):
            detail_model = getattr(model, name).rel.related_model
            rows = detail_model.objects.filter(
                organization=source, **{f"{kind}__in": pks}
            ).order_by(kind, "position")
            for row in rows:
                by_pk[getattr(row, f"{kind}_id")].copied_details[name].append(row)
    if with_attachments:
        plan.attachments = list(
            Attachment.objects.filter(
                Q(contact__in=contact_pks) | Q(company__in=company_pks), organization=source
            ).order_by("pk")
        )
    return plan


def _drop_existing(plan: _Plan, target, user, report: DuplicationReport) -> None:
    """Leave out records the target already has (same VAT number or a shared email)."""
    for kind, model, name in [
        ("contact", Contact, lambda r: r.full_name),
        ("company", Company, lambda r: r.name),
    ]:
        # Only what the user sees in the target counts: a skip must not reveal a record.
        existing = model.objects.visible_to(user, target)
        email_model = model.emails.rel.related_model
        vats = {
            vat.upper()
            for vat in existing.exclude(vat_number="").values_list("vat_number", flat=True)
        }
        emails = {
            email.lower()
            for email in email_model.objects.filter(
                organization=target, **{f"{kind}__in": existing.values("pk")}
            ).values_list("email", flat=True)
        }
        records = plan.contacts if kind == "contact" else plan.companies
        kept = []
        for record in records:
            reason = ""
            if record.vat_number and record.vat_number.upper() in vats:
                reason = _("same VAT number %(vat)s") % {"vat": record.vat_number}
            else:
                own = {e.email.lower() for e in record.copied_details["emails"]}
                shared = sorted(own & emails)
                if shared:
                    reason = _("same email %(email)s") % {"email": shared[0]}
            if reason:
                report.skipped.append(Skipped(kind, record.pk, name(record), reason))
            else:
                kept.append(record)
        records[:] = kept


def _attachments_of_kept(plan: _Plan) -> list[Attachment]:
    contact_ids = {c.pk for c in plan.contacts}
    company_ids = {c.pk for c in plan.companies}
    return [
        a for a in plan.attachments if a.contact_id in contact_ids or a.company_id in company_ids
    ]


def _check_quota(target: Organization, needed: int) -> None:
    if not needed:
        return
    usage = storage_usage(target)
    if needed > usage.remaining:
        error = QuotaExceeded(needed=needed, remaining=usage.remaining, quota=usage.quota)
        raise DuplicationError(
            _("The attachments do not fit in %(target)s's storage: %(reason)s")
            % {"target": target.slug, "reason": error.message}
        )


def _write(plan, source, target, user, report: DuplicationReport, progress: Progress) -> None:
    """Write the copies in one transaction; on failure, remove any file stored for it."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            entries = _ListEntries(target)
            copies: dict[tuple[str, int], DirectoryRecord] = {}
            for contact in progress(plan.contacts, total=len(plan.contacts), desc="contacts"):
                copy = _copy_record(contact_create, contact, source, target, user, entries)
                copies["contact", contact.pk] = copy
                report.contact_copies[contact.pk] = copy.pk
            for company in progress(plan.companies, total=len(plan.companies), desc="companies"):
                copy = _copy_record(company_create, company, source, target, user, entries)
                copies["company", company.pk] = copy
                report.company_copies[company.pk] = copy.pk
            Affiliation.objects.bulk_create(
                Affiliation(
                    organization=target,
                    contact_id=report.contact_copies[a.contact_id],
                    company_id=report.company_copies[a.company_id],
                    role=a.role,
                    is_primary=a.is_primary,
                )
                for a in plan.affiliations
            )
            _copy_attachments(plan.attachments, copies, target, user, stored, progress)
    except BaseException as error:
        # The rows are rolled back; the objects stored meanwhile would be orphans.
        for key in stored:
            object_discard(key)
        if isinstance(error, ValidationError):
            raise DuplicationError(
                _("Nothing was copied: %(error)s") % {"error": "; ".join(error.messages)}
            ) from error
        if isinstance(error, QuotaExceeded):
            raise DuplicationError(error.message) from error
        raise


class _ListEntries:
    """The target's types and sectors by name, created on first use."""

    def __init__(self, target: Organization) -> None:
        self.target = target
        self.cache: dict[tuple[type, str], object] = {}

    def get(self, model: type[RecordType] | type[Sector], entry):
        if entry is None:
            return None
        key = (model, entry.name)
        if key not in self.cache:
            self.cache[key], _created = model.objects.get_or_create(
                organization=self.target, name=entry.name, defaults={"position": entry.position}
            )
        return self.cache[key]


def _copy_record(create, record: DirectoryRecord, source, target, user, entries: _ListEntries):
    fields = {
        f.name: getattr(record, f.name)
        for f in record._meta.concrete_fields
        if f.name not in NOT_COPIED
    }
    fields["type"] = entries.get(RecordType, record.type)
    if hasattr(record, "sector"):
        fields["sector"] = entries.get(Sector, record.sector)
    if not fields["tax_country"] and (fields["vat_number"] or fields.get("fiscal_code")):
        # Tax numbers were checked in the source's country; keep reading them there.
        fields["tax_country"] = source.default_country
    kind = record._meta.model_name
    details = record.copied_details
    try:
        return create(
            organization=target,
            created_by=user,
            fields=fields,
            emails=[{"label": e.label, "email": e.email} for e in details["emails"]],
            phones=[{"label": p.label, "number": p.number} for p in details["phones"]],
            addresses=[
                {"label": a.label, **{n: getattr(a, n) for n in _ADDRESS_FIELDS}}
                for a in details["addresses"]
            ],
        )
    except ValidationError as error:
        raise ValidationError(
            _("%(kind)s #%(id)d (%(name)s): %(errors)s")
            % {"kind": kind, "id": record.pk, "name": record, "errors": "; ".join(error.messages)}
        ) from error


_ADDRESS_FIELDS = ("street", "postal_code", "city", "region", "country")


def _copy_attachments(attachments, copies, target, user, stored: list[str], progress) -> None:
    storage = attachment_storage()
    for attachment in progress(attachments, total=len(attachments), desc="attachments"):
        if attachment.contact_id:
            record = copies["contact", attachment.contact_id]
        else:
            record = copies["company", attachment.company_id]
        if attachment.kind == AttachmentKind.LINK:
            attachment_link_create(
                organization=target,
                record=record,
                added_by=user,
                url=attachment.url,
                title=attachment.name,
            )
            continue
        with storage.open(attachment.storage_key, "rb") as content:
            (copy,) = attachments_upload(
                organization=target,
                record=record,
                uploaded_by=user,
                files=[File(content, name=attachment.name)],
            )
        stored.append(copy.storage_key)
