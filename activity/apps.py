from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = _("Activities")

    def organization_created(self, organization) -> None:
        """Called by `organizations.services.organization_create`: the default kinds."""
        from activity.services import activity_kinds_seed

        activity_kinds_seed(organization=organization)

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope, after projects."""
        from activity.demo import seed

        seed(organization=organization, users=users)

    def timeline_visible(self, user, organization, model=None):
        """The timeline's and the bell's filter on `activity_id` (timeline/selectors.py).

        An event or notification about an activity shows when the reader may see the
        activity. Once it is deleted its events stay (they sit on a record the timeline
        checks itself); its notifications go (they would lead nowhere).
        """
        from django.db.models import Exists, OuterRef, Q

        from activity.models import Activity

        condition = Q(activity_id__isnull=True) | Q(
            activity_id__in=Activity.objects.visible_to(user, organization).values("pk")
        )
        if model is None or any(field.name == "data" for field in model._meta.fields):
            gone = ~Exists(
                Activity.objects.filter(organization=organization, pk=OuterRef("activity_id"))
            )
            condition |= gone
        return condition

    def worker_started(self) -> None:
        """Called by `manage.py run_worker` as it starts: the reminders' periodic tick."""
        from activity.tasks import schedule_next_tick

        schedule_next_tick()
