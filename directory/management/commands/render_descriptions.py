"""Render every contact's and company's description again into its stored HTML."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Model, Q

from directory.markup import render_description
from directory.models import DirectoryRecord
from organizations.scoping import scopes_disabled


class Command(BaseCommand):
    help = (
        "Render the descriptions of every contact and company, in every organization, to "
        "the HTML stored beside them. Run it after the renderer changed (a new Markdown "
        "parser, another allowlist); safe to run again, and while the site is up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Records read, rendered and written per transaction (default: 500).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        # Every organization's records, by design: the stored HTML is the renderer's
        # output, whoever owns the text.
        with scopes_disabled():
            # Contacts and companies (and any later record kind), found without importing
            # them: they live on a floor above this app.
            for model in apps.get_models():
                if issubclass(model, DirectoryRecord):
                    self._render(model, max(1, batch_size))

    def _render(self, model: type[Model], batch_size: int) -> None:
        """Render `model`'s descriptions, `batch_size` rows at a time (bounded memory)."""
        name = model._meta.verbose_name_plural
        rows = model._base_manager.filter(~Q(description="") | ~Q(description_html=""))
        total = rows.count()
        seen = changed = last = 0
        while True:
            # Each batch is locked while it is rendered, so that an edit saved meanwhile
            # is never overwritten with the HTML of the text it replaced.
            with transaction.atomic():
                batch = list(
                    rows.filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "description", "description_html")
                    .select_for_update()[:batch_size]
                )
                if not batch:
                    break
                stale = []
                for record in batch:
                    html = render_description(record.description)
                    if html != record.description_html:
                        record.description_html = html
                        stale.append(record)
                model._base_manager.bulk_update(stale, ["description_html"])
            seen += len(batch)
            changed += len(stale)
            last = batch[-1].pk
            self.stdout.write(f"{name}: {seen:,}/{total:,} rendered, {changed:,} changed")
        self.stdout.write(self.style.SUCCESS(f"{name}: done, {changed:,} of {seen:,} changed."))
