"""Copying contacts and companies from one organization into another (PRODUCT §6).

`directory_duplicate` is set-based: it walks what the acting owner sees in the source
(`visible_to(user, source)`, optionally narrowed to chosen ids or to a list's filter) in
keyset batches of `COPY_BATCH_SIZE` records, and writes each batch with a handful of
statements — one bulk INSERT of the records, one `INSERT … SELECT` per kind of detail
row, one bulk INSERT of mentions, affiliations and attachments — never one query per
record. Memory is bounded by the batch: source ids are mapped to their copies through the
provenance columns (`copied_from_organization`, `copied_from_id`, and the run's
`copied_at`), not through a dictionary of the whole run.

Bulk inserts bypass `Model.save()`, so what save and the services would do is done here:
mentions are resolved to owners and members of the target (a token naming anyone else is
turned into plain text), emails are lower-cased, types and sectors are mapped by name
(created when missing), tax numbers keep the country they were validated in, and the
detail rows keep their positions (0–2, the database's own limit). Everything happens in
one transaction; files are stored under fresh keys and deleted again if the copy fails.
Connections to projects, tasks and tickets are not copied: that work belongs to the source.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

import history
from attachments.files import (
    attachment_storage,
    content_type_for,
    decimal_size,
    new_storage_key,
    safe_name,
)
from attachments.models import Attachment, AttachmentKind
from attachments.selectors import storage_usage
from attachments.services import QuotaExceeded, object_discard, usage_reserve
from companies.models import (
    Affiliation,
    Company,
    CompanyAddress,
    CompanyEmail,
    CompanyMention,
    CompanyPhone,
)
from companies.selectors import company_search
from contacts.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactMention,
    ContactPhone,
)
from contacts.selectors import contact_search
from directory.markup import render_description
from events.models import Event, EventKind
from events.services import record_events
from organizations.mentions import MENTION_RE
from organizations.models import Membership, Organization, RecordType, Role, Sector, User
from organizations.scoping import scopes_disabled

# Fields a copy does not take from its original: identity, tenant, authorship, timestamps,
# provenance (set anew), and the list entries that are mapped by name instead.
NOT_COPIED = {
    "id",
    "organization",
    "created_by",
    "created_at",
    "updated_at",
    "type",
    "sector",
    "copied_from_organization",
    "copied_from_id",
    "copied_at",
}

# How many skipped records a report names one by one; the counts are always complete.
SKIPPED_LISTED = 100

# The filters of the contact and company lists that "all that match" may carry.
CONTACT_FILTERS = {"q", "type_id", "visibility", "company_id"}
COMPANY_FILTERS = {"q", "type_id", "sector_id", "visibility"}

type Progress = Callable[[str, int, int], None]


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
    contacts_skipped: int = 0
    companies_skipped: int = 0
    affiliations: int = 0
    files: int = 0
    file_bytes: int = 0
    links: int = 0
    # The first SKIPPED_LISTED skips, with their reasons.
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict:
        """The report as JSON-ready data (stored on a copy job)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "DuplicationReport":
        return cls(**{**data, "skipped": [Skipped(**item) for item in data.get("skipped", [])]})

    @property
    def skipped_unlisted(self) -> int:
        return self.contacts_skipped + self.companies_skipped - len(self.skipped)

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
        if self.skipped_unlisted:
            lines.append(_("  … and %(count)d more skipped") % {"count": self.skipped_unlisted})
        return lines


@dataclass(frozen=True)
class _Kind:
    """How one kind of record is stored: its model, detail tables and mention table."""

    name: str
    model: type[Model]
    details: tuple[type[Model], ...]
    email: type[Model]
    mention: type[Model]
    label: Callable[[dict], str]
    # What a batch reads of each source record in Python: enough to skip and to report.
    read: tuple[str, ...]


CONTACT = _Kind(
    "contact",
    Contact,
    (ContactEmail, ContactPhone, ContactAddress),
    ContactEmail,
    ContactMention,
    lambda row: f"{row['first_name']} {row['last_name']}".strip(),
    ("id", "vat_number", "first_name", "last_name"),
)
COMPANY = _Kind(
    "company",
    Company,
    (CompanyEmail, CompanyPhone, CompanyAddress),
    CompanyEmail,
    CompanyMention,
    lambda row: row["name"],
    ("id", "vat_number", "name"),
)


def directory_duplicate(
    *,
    source: Organization,
    target: Organization,
    user: User,
    contact_ids: Sequence[int] | None = None,
    company_ids: Sequence[int] | None = None,
    contact_filter: dict | None = None,
    company_filter: dict | None = None,
    with_attachments: bool = False,
    skip_existing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> DuplicationReport:
    """Copy contacts and companies `user` sees in `source` into `target`, all or nothing.

    `contact_ids`/`company_ids` choose records; None means every one `user` can see in
    `source` (narrowed by `contact_filter`/`company_filter`, the list's search and
    filters), an empty list none of that kind. A chosen id `user` cannot see is refused
    like a missing one. The visible companies of every copied contact are copied too.
    `user` must own `source` and be owner or member of `target` (DuplicationForbidden).
    `progress(kind, done, total)` is called after each batch. Raise DuplicationError on a
    refusal; whatever the error, nothing is left in `target` (no row, no stored object).
    """
    check_roles(source=source, target=target, user=user)
    # Both organizations are named in every query below; the request's scope (the source's,
    # in the browser) would hide the target's rows from the writes' own checks. The
    # copies' history says they came from a copy by `user` (history/).
    with scopes_disabled(), history.context(user=user, source=history.Source.COPY):
        run = _Run(
            source=source,
            target=target,
            user=user,
            skip_existing=skip_existing,
            with_attachments=with_attachments,
            progress=progress,
        )
        run.select(contact_ids, company_ids, contact_filter, company_filter)
        if dry_run or with_attachments:
            planned = run.plan()
            _check_quota(target, planned.file_bytes, reserve=False)
            if dry_run:
                return planned
        return run.write()


def selection_size(
    *,
    source: Organization,
    user: User,
    contact_ids: Sequence[int] | None = None,
    company_ids: Sequence[int] | None = None,
    contact_filter: dict | None = None,
    company_filter: dict | None = None,
) -> int:
    """How many records a copy with this selection reads (contacts and companies).

    Raise DuplicationError, like the copy itself, for a chosen id `user` cannot see.
    """
    with scopes_disabled():  # the queries below name the source organization
        run = _Run(source=source, target=None, user=user)
        run.select(contact_ids, company_ids, contact_filter, company_filter)
        return run.contacts.count() + run.companies.count()


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


def _chosen(queryset: QuerySet, ids: Sequence[int], label: str, source) -> QuerySet:
    """The visible records among `ids`; refuse any id that is missing or invisible."""
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


def _check_quota(target: Organization, needed: int, *, reserve: bool) -> None:
    """Refuse files that do not fit in the target's quota, saying how much is missing."""
    if not needed:
        return
    try:
        if reserve:
            usage_reserve(organization=target, size=needed)
            return
        usage = storage_usage(target)
        if needed > usage.remaining:
            raise QuotaExceeded(needed=needed, remaining=usage.remaining, quota=usage.quota)
    except QuotaExceeded as error:
        raise DuplicationError(
            _(
                "Nothing was copied: the attachments need %(needed)s but %(target)s has only "
                "%(remaining)s left of its %(quota)s; %(missing)s of storage is missing."
            )
            % {
                "needed": decimal_size(error.needed),
                "target": target.slug,
                "remaining": decimal_size(error.remaining),
                "quota": decimal_size(error.quota),
                "missing": decimal_size(error.needed - error.remaining),
            }
        ) from error


def plain_mentions(text: str, readers: dict[str, int]) -> str:
    """Turn mention tokens of anyone not in `readers` into plain text (drop their "@")."""
    if "@" not in text:
        return text

    def keep_or_flatten(match: re.Match) -> str:
        return match.group(0) if match.group(1).lower() in readers else match.group(1)

    return MENTION_RE.sub(keep_or_flatten, text)


def _batches(queryset: QuerySet, fields: Sequence[str], size: int) -> Iterator[list[dict]]:
    """Rows of `queryset` in pk order, `size` at a time (keyset: no open cursor, no offset)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


class _Run:
    """One copy: the selection, the target's lists and readers, and the batch loop."""

    def __init__(
        self, *, source, target, user, skip_existing=False, with_attachments=False, progress=None
    ):
        self.source, self.target, self.user = source, target, user
        self.skip_existing = skip_existing
        self.with_attachments = with_attachments
        self.progress = progress or (lambda kind, done, total: None)
        self.batch_size = settings.COPY_BATCH_SIZE
        # One timestamp for the whole run: with the provenance columns it names this run's
        # copies, which is how source ids are mapped to copies batch by batch.
        self.run_at: datetime = timezone.now()
        self.stored: list[str] = []

    # --- What is copied --------------------------------------------------------------

    def select(self, contact_ids, company_ids, contact_filter, company_filter) -> None:
        source, user = self.source, self.user
        contacts = Contact.objects.visible_to(user, source)
        companies = Company.objects.visible_to(user, source)
        if contact_ids is not None:
            contacts = _chosen(contacts, contact_ids, _("contacts"), source)
        elif contact_filter is not None:
            contacts = contact_search(
                user, source, every_match=True, **_filter(contact_filter, CONTACT_FILTERS)
            )
        if company_ids is not None:
            chosen_companies = _chosen(companies, company_ids, _("companies"), source)
        elif company_filter is not None:
            chosen_companies = company_search(
                user, source, every_match=True, **_filter(company_filter, COMPANY_FILTERS)
            )
        else:
            chosen_companies = companies
        if contact_ids is not None and not contact_ids:
            contacts = contacts.none()
        self.contacts = contacts
        if chosen_companies is companies and contact_ids is None and contact_filter is None:
            self.companies = companies  # every visible company: no closure to compute
        else:
            # Copying a contact copies the (visible) companies it works for.
            of_contacts = Affiliation.objects.filter(
                organization=source,
                company=OuterRef("pk"),
                contact__in=contacts.order_by().values("pk"),
            )
            self.companies = companies.filter(
                Q(pk__in=chosen_companies.order_by().values("pk")) | Exists(of_contacts)
            )

    # --- The loop ----------------------------------------------------------------------

    def write(self) -> DuplicationReport:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # The trigram (GIN) indexes of names, emails and phones take new rows
                    # into a pending list; a larger list for this transaction lets them
                    # merge it once rather than every few thousand rows. Searches read
                    # the list until autovacuum folds it in.
                    # Foreign keys are checked at the end of each statement rather than
                    # queued to the commit: the server's queue of pending checks stays
                    # as small as a batch instead of growing with the whole copy.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.readers = self._readers()
                if self.with_attachments:
                    # Reserved first, as a savepoint of this transaction: the target's
                    # organization row stays locked until the copy commits or rolls back.
                    _check_quota(self.target, self.planned_bytes, reserve=True)
                report = self.walk()
                if connection.vendor == "postgresql":
                    # Back to Django's default, should the copy run in a larger transaction.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                return report
        except BaseException:
            # The rows are rolled back; the objects stored meanwhile would be orphans.
            for key in self.stored:
                object_discard(key)
            raise

    def plan(self) -> DuplicationReport:
        """Count what the copy would do, set-based: a few aggregate queries, no batches.

        The preview and the quota check need counts, not the records: skipped records are
        counted with the same rules as `_existing`, written as subqueries.
        """
        report = DuplicationReport(source=self.source.slug, target=self.target.slug, dry_run=True)
        kept = {}
        for kind, queryset in [(COMPANY, self.companies), (CONTACT, self.contacts)]:
            total = queryset.count()
            skipped = 0
            kept[kind.name] = queryset
            if self.skip_existing:
                matches = self._match(kind)
                skipped = queryset.filter(matches).count()
                kept[kind.name] = queryset.exclude(matches)
                listed = list(
                    queryset.filter(matches).order_by("pk").values(*kind.read)[:SKIPPED_LISTED]
                )
                hits = self._existing(kind, listed)
                report.skipped += [
                    Skipped(kind.name, row["id"], kind.label(row), hits[row["id"]][1])
                    for row in listed
                    if row["id"] in hits
                ]
            self._count_skipped_as(report, kind, skipped)
            if kind is COMPANY:
                report.companies_copied = total - skipped
            else:
                report.contacts_copied = total - skipped
        report.skipped = report.skipped[:SKIPPED_LISTED]
        report.affiliations = Affiliation.objects.filter(
            organization=self.source,
            contact__in=self.contacts.order_by().values("pk"),
            company__in=self.companies.order_by().values("pk"),
        ).count()
        if self.with_attachments:
            attachments = Attachment.objects.filter(
                Q(contact__in=kept["contact"].order_by().values("pk"))
                | Q(company__in=kept["company"].order_by().values("pk")),
                organization=self.source,
            )
            files = attachments.filter(kind=AttachmentKind.FILE).aggregate(
                count=Count("pk"), size=Sum("size")
            )
            report.files = files["count"] or 0
            report.file_bytes = files["size"] or 0
            report.links = attachments.filter(kind=AttachmentKind.LINK).count()
        self.planned_bytes = report.file_bytes
        return report

    @staticmethod
    def _count_skipped_as(report: DuplicationReport, kind: _Kind, count: int) -> None:
        if kind is COMPANY:
            report.companies_skipped = count
        else:
            report.contacts_skipped = count

    def _match(self, kind: _Kind) -> Q:
        """Source records B already has: `_existing`'s three rules as one condition."""
        theirs = kind.model.objects.visible_to(self.user, self.target).order_by()
        their_emails = (
            kind.email.objects.filter(
                organization=self.target, **{f"{kind.name}__in": theirs.values("pk")}
            )
            .annotate(address=Lower("email"))
            .values("address")
        )
        shared_email = (
            kind.email.objects.filter(organization=self.source, **{kind.name: OuterRef("pk")})
            .annotate(address=Lower("email"))
            .filter(address__in=their_emails)
        )
        return (
            Q(pk__in=theirs.filter(copied_from_organization=self.source).values("copied_from_id"))
            | (~Q(vat_number="") & Q(vat_number__in=theirs.values("vat_number")))
            | Exists(shared_email)
        )

    def walk(self) -> DuplicationReport:
        """Write the copy, batch by batch, inside the caller's transaction."""
        report = DuplicationReport(source=self.source.slug, target=self.target.slug)
        self.report = report
        self.entries = {
            RecordType: self._map_entries(RecordType, "type_id"),
            Sector: self._map_entries(Sector, "sector_id"),
        }
        # Companies first: the contacts' affiliations then find their companies' copies.
        for kind, queryset in [(COMPANY, self.companies), (CONTACT, self.contacts)]:
            total = queryset.count()
            done = 0
            self.progress(kind.name, 0, total)
            for rows in _batches(queryset, kind.read, self.batch_size):
                self._batch(kind, rows)
                done += len(rows)
                self.progress(kind.name, done, total)
        return report

    def _batch(self, kind: _Kind, rows: list[dict]) -> None:
        report = self.report
        existing = self._existing(kind, rows) if self.skip_existing else {}
        kept = [row for row in rows if row["id"] not in existing]
        for row in rows:
            if row["id"] in existing and len(report.skipped) < SKIPPED_LISTED:
                report.skipped.append(
                    Skipped(kind.name, row["id"], kind.label(row), existing[row["id"]][1])
                )
        self._count_skipped(kind, len(rows) - len(kept))
        copies: dict[int, int] = {}
        if kept:
            copies = self._insert(kind, kept)
            self._record_events(kind, copies)
        if kind is COMPANY:
            report.companies_copied += len(kept)
        else:
            report.contacts_copied += len(kept)
            report.affiliations += self._affiliations(
                rows, copies, {pk: hit[0] for pk, hit in existing.items()}
            )
        if self.with_attachments:
            self._attachments(kind, [row["id"] for row in kept], copies)

    def _record_events(self, kind: _Kind, copies: dict[int, int]) -> None:
        """ "Copied from" on each copy's timeline, "copied to" on each original's."""
        column = f"{kind.model._meta.model_name}_id"
        actor = self.user.pk
        record_events(
            event
            for source_id, copy_id in copies.items()
            for event in (
                Event(
                    organization_id=self.target.pk,
                    kind=EventKind.COPIED_FROM,
                    actor_id=actor,
                    data={"organization": self.source.name},
                    **{column: copy_id},
                ),
                Event(
                    organization_id=self.source.pk,
                    kind=EventKind.COPIED_TO,
                    actor_id=actor,
                    data={"organization": self.target.name},
                    **{column: source_id},
                ),
            )
        )

    def _count_skipped(self, kind: _Kind, count: int) -> None:
        if kind is COMPANY:
            self.report.companies_skipped += count
        else:
            self.report.contacts_skipped += count

    # --- Skipping what the target has ----------------------------------------------------

    def _existing(self, kind: _Kind, rows: list[dict]) -> dict[int, tuple[int, str]]:
        """Map source ids of `rows` to a record the target already has, with the reason.

        A record matches when the user sees, in the target, an earlier copy of it, a record
        with the same VAT number, or one sharing an email address (case-insensitive).
        This run's own copies never count, so a dry run and the real one agree.
        """
        visible = (
            kind.model.objects.visible_to(self.user, self.target)
            .exclude(copied_at=self.run_at, copied_from_organization=self.source)
            .order_by()
        )
        ids = [row["id"] for row in rows]
        found: dict[int, tuple[int, str]] = {}
        for source_id, pk in visible.filter(
            copied_from_organization=self.source, copied_from_id__in=ids
        ).values_list("copied_from_id", "pk"):
            found.setdefault(source_id, (pk, _("copied there before")))
        by_vat: dict[str, list[int]] = {}
        for row in rows:
            if row["vat_number"] and row["id"] not in found:
                by_vat.setdefault(row["vat_number"].upper(), []).append(row["id"])
        if by_vat:
            # VAT numbers are stored normalized (upper case, country prefix): an exact
            # match uses the (organization, vat_number) index.
            matches = visible.filter(vat_number__in=list(by_vat))
            for vat, pk in matches.values_list("vat_number", "pk"):
                for source_id in by_vat[vat]:
                    found.setdefault(source_id, (pk, _("same VAT number %(vat)s") % {"vat": vat}))
        rest = [pk for pk in ids if pk not in found]
        if rest:
            owner = kind.name
            by_email: dict[str, list[int]] = {}
            source_emails = kind.email.objects.filter(
                organization=self.source, **{f"{owner}_id__in": rest}
            ).values_list(f"{owner}_id", Lower("email"))
            for source_id, email in source_emails:
                by_email.setdefault(email, []).append(source_id)
            if by_email:
                matches = (
                    kind.email.objects.filter(
                        organization=self.target, **{f"{owner}__in": visible.values("pk")}
                    )
                    .annotate(address=Lower("email"))
                    .filter(address__in=list(by_email))
                    .order_by(f"{owner}_id")
                    .values_list("address", f"{owner}_id")
                )
                for email, pk in matches:
                    for source_id in by_email[email]:
                        found.setdefault(
                            source_id, (pk, _("same email %(email)s") % {"email": email})
                        )
        return found

    # --- Writing a batch -------------------------------------------------------------------

    def _readers(self) -> dict[str, int]:
        """Owners and members of the target by email address: whom a mention may name."""
        return {
            email.lower(): user_id
            for email, user_id in Membership.objects.filter(
                organization=self.target, role__in=[Role.OWNER, Role.MEMBER]
            ).values_list("user__email", "user_id")
        }

    def _map_entries(self, model: type[RecordType] | type[Sector], attname: str) -> dict:
        """Map the source's types (or sectors) used by the copy to the target's, by name."""
        querysets = [self.contacts, self.companies] if model is RecordType else [self.companies]
        used: set[int] = set()
        for queryset in querysets:
            used |= set(
                queryset.exclude(**{f"{attname}__isnull": True})
                .order_by()
                .values_list(attname, flat=True)
                .distinct()
            )
        if not used:
            return {}
        originals = list(
            model.objects.filter(organization=self.source, pk__in=used).values_list(
                "pk", "name", "position"
            )
        )
        names = {name for _pk, name, _position in originals}
        theirs = dict(
            model.objects.filter(organization=self.target, name__in=names).values_list("name", "pk")
        )
        missing = [
            model(organization=self.target, name=name, position=position)
            for _pk, name, position in originals
            if name not in theirs
        ]
        for entry in model.objects.bulk_create(missing):
            theirs[entry.name] = entry.pk
        return {pk: theirs[name] for pk, name, _position in originals}

    def _insert(self, kind: _Kind, rows: list[dict]) -> dict[int, int]:
        """Insert copies of `rows` with their details and mentions; map source → copy ids.

        One INSERT … SELECT … RETURNING copies the records inside the database (no model
        instance per record); only descriptions that contain an "@" come back to Python,
        to turn mentions of non-members into plain text and store the others as rows.
        """
        source, target = self.source, self.target
        quote = connection.ops.quote_name
        table = quote(kind.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        columns: list[str] = []
        selected: list[str] = []
        params: list = []

        def put(column: str, expression: str, *values) -> None:
            columns.append(quote(column))
            selected.append(expression)
            params.extend(values)

        put("organization_id", "%s", target.pk)
        put("created_by_id", "%s", self.user.pk)
        put("created_at", "%s", now)
        put("updated_at", "%s", now)
        put("copied_from_organization_id", "%s", source.pk)
        put("copied_from_id", "c.id")
        put("copied_at", "%s", connection.ops.adapt_datetimefield_value(self.run_at))
        for model, attname in [(RecordType, "type_id"), (Sector, "sector_id")]:
            if not any(f.attname == attname for f in kind.model._meta.concrete_fields):
                continue
            mapping = self.entries[model]
            if mapping:
                cases = " ".join("WHEN %s THEN %s" for _pair in mapping)
                put(attname, f"CASE c.{attname} {cases} END", *_flat(mapping.items()))
            else:
                put(attname, "NULL")
        tax_numbers = "c.vat_number <> ''"
        if kind is CONTACT:
            tax_numbers += " OR c.fiscal_code <> ''"
        # Tax numbers were checked in the source's country; keep reading them there.
        put(
            "tax_country",
            f"CASE WHEN c.tax_country = '' AND ({tax_numbers}) THEN %s ELSE c.tax_country END",
            source.default_country,
        )
        for f in kind.model._meta.concrete_fields:
            if f.name not in NOT_COPIED and f.attname != "tax_country":
                put(f.column, f"c.{quote(f.column)}")
        chosen, ids = _in("c.id", [row["id"] for row in rows])
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from models
            f"SELECT {', '.join(selected)} FROM {table} c "
            f"WHERE c.organization_id = %s AND {chosen} "
            "RETURNING id, copied_from_id, "
            "CASE WHEN description LIKE %s THEN description END"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, source.pk, *ids, "%@%"])
            returned = cursor.fetchall()
        copies = {source_id: pk for pk, source_id, _text in returned}
        self._mentions(kind, [(pk, text) for pk, _source_id, text in returned if text])
        for detail in kind.details:
            self._copy_details(kind, detail, copies)
        return copies

    def _mentions(self, kind: _Kind, described: list[tuple[int, str]]) -> None:
        """Keep mentions of the target's readers as rows; make the others plain text."""
        changed, mentions = [], []
        for pk, text in described:
            plain = plain_mentions(text, self.readers)
            if plain != text:
                # The HTML copied with the text still shows the "@" that was dropped.
                html = render_description(plain)
                changed.append(kind.model(pk=pk, description=plain, description_html=html))
            for email in _mentioned(plain, self.readers):
                mentions.append(
                    kind.mention(
                        organization_id=self.target.pk,
                        user_id=self.readers[email],
                        **{f"{kind.name}_id": pk},
                    )
                )
        if changed:
            kind.model.objects.filter(organization=self.target).bulk_update(
                changed, ["description", "description_html"]
            )
        kind.mention.objects.bulk_create(mentions)

    def _copy_details(self, kind: _Kind, detail: type[Model], copies: dict[int, int]) -> None:
        """Copy the batch's emails, phones or addresses with one INSERT … SELECT.

        The batch's source → copy ids go in as a VALUES list rather than a join on the
        provenance columns: the copies are not yet analysed by the database, and a
        planner that guesses their number wrong turns that join into a nested scan.
        """
        quote = connection.ops.quote_name
        fk = quote(detail._meta.get_field(kind.name).column)
        columns = [
            f.column
            for f in detail._meta.concrete_fields
            if f.name not in ("id", "organization", kind.name)
        ]
        selected = [
            f"LOWER(d.{quote(column)})" if column == "email" else f"d.{quote(column)}"
            for column in columns
        ]
        table = quote(detail._meta.db_table)
        mapping, params = _table("m", ["source_id", "copy_id"], list(copies.items()))
        # The batch's ids also filter the source rows directly, so that the database reads
        # them through the (organization, record, position) index instead of scanning.
        chosen, ids = _in(f"d.{fk}", list(copies))
        sql = (
            f"WITH {mapping} "  # noqa: S608 - names from models
            f"INSERT INTO {table} (organization_id, {fk}, {', '.join(map(quote, columns))}) "
            f"SELECT %s, m.copy_id, {', '.join(selected)} FROM {table} d "
            f"JOIN m ON m.source_id = d.{fk} WHERE d.organization_id = %s AND {chosen}"
        )
        params += [self.target.pk, self.source.pk, *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _affiliations(
        self, rows: list[dict], copies: dict[int, int], existing: dict[int, int]
    ) -> int:
        """Re-create the batch's contacts' links to copied (or existing) companies.

        Links whose company is outside the copy (not chosen, or not visible) are left out.
        A contact the target already had keeps its own primary company, and a link it
        already has is not made twice (ON CONFLICT DO NOTHING).
        """
        contact_ids = [row["id"] for row in rows]
        # Every company of the copy was handled before the contacts: a linked company is
        # in the copy exactly when it maps to a copy of this run or, skipped, to one B had.
        linked = set(
            Affiliation.objects.filter(organization=self.source, contact_id__in=contact_ids)
            .order_by()
            .values_list("company_id", flat=True)
            .distinct()
        )
        if not linked:
            return 0
        companies = self._company_copies(linked)
        contacts = [(s, c, 1) for s, c in copies.items()] + [(s, c, 0) for s, c in existing.items()]
        if not contacts or not companies:
            return 0
        quote = connection.ops.quote_name
        table = quote(Affiliation._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        contact_map, params = _table("cm", ["source_id", "copy_id", "is_new"], contacts)
        chosen, ids = _in("a.contact_id", [source_id for source_id, _copy, _new in contacts])
        company_map, company_params = _table(
            "km", ["source_id", "copy_id"], list(companies.items())
        )
        sql = (
            f"WITH {contact_map}, {company_map} "  # noqa: S608 - names from models
            f"INSERT INTO {table} "
            "(organization_id, contact_id, company_id, role, is_primary, created_at) "
            "SELECT %s, cm.copy_id, km.copy_id, a.role, "
            "CASE WHEN a.is_primary AND cm.is_new = 1 THEN %s ELSE %s END, %s "
            f"FROM {table} a JOIN cm ON cm.source_id = a.contact_id "
            "JOIN km ON km.source_id = a.company_id WHERE a.organization_id = %s "
            f"AND {chosen} ORDER BY a.is_primary DESC, a.id "
            "ON CONFLICT DO NOTHING RETURNING id"
        )
        params += [*company_params, self.target.pk, True, False, now, self.source.pk, *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    def _company_copies(self, source_ids: set[int]) -> dict[int, int]:
        """Map source companies to this run's copies, or to the company B already had.

        A query of its own on purpose: joined to the links in SQL, PostgreSQL plans the
        join with statistics that do not yet know the copies (they are not analysed
        inside the transaction) and picked a plan 50 times slower in the benchmark.
        """
        mapping = dict(
            Company.objects.filter(
                organization=self.target,
                copied_from_organization=self.source,
                copied_at=self.run_at,
                copied_from_id__in=source_ids,
            ).values_list("copied_from_id", "pk")
        )
        rest = source_ids - mapping.keys()
        if rest and self.skip_existing:
            # Only companies of the copy (chosen and visible) may be linked to B's own.
            rows = list(self.companies.filter(pk__in=rest).values("id", "vat_number"))
            mapping |= {pk: hit[0] for pk, hit in self._existing(COMPANY, rows).items()}
        return mapping

    def _attachments(self, kind: _Kind, source_ids: list[int], copies: dict[int, int]) -> None:
        """Copy the files (as new stored objects) and links of the batch's new copies."""
        if not source_ids:
            return
        attachments = Attachment.objects.filter(
            organization=self.source, **{f"{kind.name}_id__in": source_ids}
        ).order_by("pk")
        report = self.report
        storage = attachment_storage()
        rows = []
        for attachment in attachments.iterator(chunk_size=self.batch_size):
            values = {
                "organization_id": self.target.pk,
                f"{kind.name}_id": copies[getattr(attachment, f"{kind.name}_id")],
                "kind": attachment.kind,
                "name": attachment.name,
                "uploaded_by_id": self.user.pk,
            }
            if attachment.kind == AttachmentKind.LINK:
                rows.append(Attachment(url=attachment.url, **values))
                report.links += 1
                continue
            key = new_storage_key(self.target.pk)
            with storage.open(attachment.storage_key, "rb") as content:
                stored = File(content, name=key)
                stored.content_type = content_type_for(safe_name(attachment.name))
                self.stored.append(key)
                key = storage.save(key, stored)
            rows.append(
                Attachment(
                    size=attachment.size,
                    content_type=attachment.content_type,
                    storage_key=key,
                    **values,
                )
            )
            report.files += 1
            report.file_bytes += attachment.size
        Attachment.objects.bulk_create(rows)


def _flat(pairs) -> list:
    return [value for pair in pairs for value in pair]


def _table(name: str, columns: Sequence[str], rows: list[tuple]) -> tuple[str, list]:
    """A common table expression of integer `rows`, and its parameters.

    On PostgreSQL, one array per column (`unnest`): a handful of parameters whatever the
    batch, so the driver does not parse thousands of placeholders. Elsewhere, VALUES.
    """
    if connection.vendor == "postgresql":
        arrays = ", ".join(["string_to_array(%s, ',')::bigint[]"] * len(columns))
        return (
            f"{name} ({', '.join(columns)}) AS (SELECT * FROM unnest({arrays}))",  # noqa: S608
            [_joined(column) for column in zip(*rows, strict=True)],
        )
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"{name} ({', '.join(columns)}) AS (VALUES {', '.join([placeholders] * len(rows))})",
        _flat(rows),
    )


def _joined(ids) -> str:
    # One text parameter: the driver would otherwise quote an array element by element.
    return ",".join(str(int(pk)) for pk in ids)


def _in(column: str, ids: list[int]) -> tuple[str, list]:
    """`column` is one of `ids`: one array parameter on PostgreSQL, a list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(string_to_array(%s, ',')::bigint[])", [_joined(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _mentioned(text: str, readers: dict[str, int]) -> set[str]:
    return {m.lower().rstrip(".") for m in MENTION_RE.findall(text or "")} & readers.keys()


def _filter(values: dict, allowed: set[str]) -> dict:
    """Keep the list filters a copy understands; refuse anything else."""
    unknown = set(values) - allowed
    if unknown:
        raise DuplicationError(
            _("Unknown filter: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    return values
