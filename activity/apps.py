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

    def worker_started(self) -> None:
        """Called by `manage.py run_worker` as it starts: the reminders' periodic tick."""
        from activity.tasks import schedule_next_tick

        schedule_next_tick()
