"""Copy contacts and companies from one organization into another (PRODUCT §6)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from organizations.models import Organization, User
from transfers.duplication import DuplicationError, directory_duplicate


def id_list(value: str) -> list[int]:
    """Parse "1,2,3" into ids; refuse anything else."""
    try:
        ids = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise CommandError(f"Expected comma-separated ids, got {value!r}.") from error
    if not ids or any(pk <= 0 for pk in ids):
        raise CommandError(f"Expected comma-separated ids, got {value!r}.")
    return ids


class Command(BaseCommand):
    help = (
        "Copy the contacts and companies USER sees in SOURCE into TARGET (all of them, or "
        "the chosen ids), in one transaction. USER must own SOURCE and be owner or member "
        "of TARGET."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="SOURCE_SLUG")
        parser.add_argument("target", metavar="TARGET_SLUG")
        parser.add_argument("--user", required=True, metavar="EMAIL", help="Who copies.")
        parser.add_argument(
            "--contacts", metavar="ID,...", help="Copy these contacts (default: all visible)."
        )
        parser.add_argument(
            "--companies", metavar="ID,...", help="Copy these companies (default: all visible)."
        )
        parser.add_argument(
            "--with-attachments",
            action="store_true",
            help="Copy files (within TARGET's quota) and cloud links too.",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Skip records TARGET already has (same VAT number or email).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be copied; write nothing."
        )

    def handle(self, *args, **options) -> None:
        source = self._organization(options["source"])
        target = self._organization(options["target"])
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No user with the email address {options['user']!r}.")
        self.bars: dict[str, tqdm] = {}
        contact_ids = id_list(options["contacts"]) if options["contacts"] else None
        company_ids = id_list(options["companies"]) if options["companies"] else None
        if (contact_ids is None) != (company_ids is None):
            # Choosing records of one kind copies only those (and the companies of chosen
            # contacts), none other of the other kind.
            contact_ids, company_ids = contact_ids or [], company_ids or []
        try:
            report = directory_duplicate(
                source=source,
                target=target,
                user=user,
                contact_ids=contact_ids,
                company_ids=company_ids,
                with_attachments=options["with_attachments"],
                skip_existing=options["skip_existing"],
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except DuplicationError as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in self.bars.values():
                bar.close()
        for line in report.summary_lines():
            self.stdout.write(line)

    def _organization(self, slug: str) -> Organization:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the slug {slug!r}.")
        return organization

    def _progress(self, kind: str, done: int, total: int) -> None:
        """A progress bar per kind on stderr, shown only on a terminal (quiet in logs)."""
        stream = self.stderr._out
        bar = self.bars.get(kind)
        if bar is None:
            label = "contacts" if kind == "contact" else "companies"
            bar = self.bars[kind] = tqdm(
                total=total, desc=label, file=stream, disable=not stream.isatty()
            )
        bar.update(done - bar.n)
