from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = _("Notes")

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope, after connections."""
        from notes.demo import seed

        seed(organization=organization, users=users)

    def timeline_visible(self, user, organization, model):
        """The timeline's and the bell's filter on `note_id` (timeline/selectors.py).

        An event or notification about a note shows when the reader may read the note;
        once the note is deleted, its events show unless the note was private (its
        notifications do not: they would lead nowhere).
        """
        from django.db.models import Exists, OuterRef, Q

        from notes.models import Note
        from notes.selectors import visible_note_ids

        gone = ~Exists(Note.objects.filter(organization=organization, pk=OuterRef("note_id")))
        condition = Q(note_id__isnull=True) | Q(note_id__in=visible_note_ids(user, organization))
        if any(field.name == "data" for field in model._meta.fields):
            condition |= gone & ~Q(data__private=True)
        return condition
