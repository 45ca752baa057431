"""Report (and with --fix repair) mismatches between attachment rows, objects and usage."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attachments import audit
from attachments.files import decimal_size
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Compare attachment rows with the objects in storage and the usage counters with "
        "the real sums. Exits with status 1 when something differs, unless --fix repaired it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix",
            action="store_true",
            help="Delete objects without rows and rows without objects; recount usage.",
        )
        parser.add_argument(
            "--organization",
            metavar="SLUG",
            help="Check one organization only (leftovers of deleted ones are then skipped).",
        )
        parser.add_argument(
            "--grace",
            type=int,
            default=3600,
            metavar="SECONDS",
            help="Ignore objects younger than this: an upload may still be writing its row "
            "(default: 3600).",
        )

    def handle(self, *args, fix: bool, organization: str | None, grace: int, **options) -> None:
        organizations = None
        if organization:
            organizations = list(Organization.objects.filter(slug=organization))
            if not organizations:
                raise CommandError(f"No organization with the slug {organization!r}.")
        audits = audit.audit_all(grace=timedelta(seconds=grace), organizations=organizations)
        problems = [a for a in audits if a.has_problems]
        for item in problems:
            self._report(item)
            if fix:
                audit.repair(item)
                self.stdout.write(self.style.SUCCESS(f"{item.label}: repaired."))
        checked = sum(1 for a in audits if a.organization is not None)
        organizations_checked = f"{checked} organization{'' if checked == 1 else 's'}"
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(f"Checked {organizations_checked}: everything matches.")
            )
        elif fix:
            self.stdout.write(
                self.style.SUCCESS(f"Checked {organizations_checked}; repaired {len(problems)}.")
            )
        else:
            differing = sum(1 for a in problems if a.organization is not None)
            leftovers = len(problems) - differing
            verb = "differs" if differing == 1 else "differ"
            summary = f"{differing} of {organizations_checked} {verb}"
            if leftovers:
                summary += f", {leftovers} deleted organization(s) left objects behind"
            raise CommandError(f"{summary}; run with --fix to repair.")

    def _report(self, item: audit.OrganizationAudit) -> None:
        for attachment in item.missing_objects:
            record = (
                f"contact {attachment.contact_id}"
                if attachment.contact_id
                else f"company {attachment.company_id}"
            )
            self.stdout.write(
                f"{item.label}: row {attachment.pk} “{attachment.name}” ({record}) has no "
                f"object at {attachment.storage_key}"
            )
        for key in item.orphan_objects:
            self.stdout.write(f"{item.label}: object {key} has no row")
        if item.counter_differs:
            self.stdout.write(
                f"{item.label}: usage counter says {item.counter} bytes "
                f"({decimal_size(item.counter or 0)}), files sum to {item.real_bytes} bytes "
                f"({decimal_size(item.real_bytes or 0)})"
            )
