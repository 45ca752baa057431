from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")

    def organization_created(self, organization) -> None:
        """Called by `organizations.services.organization_create`: the default pipeline."""
        from opportunities.services import pipeline_seed

        pipeline_seed(organization=organization)

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope, after activities."""
        from opportunities.demo import seed

        seed(organization=organization, users=users)

    def timeline_visible(self, user, organization, model):
        """The timeline's filter on `opportunity_id` (timeline/selectors.py).

        An event about an opportunity shows when the reader may see the opportunity;
        once it is deleted, its events show unless it was private. Notifications carry
        no opportunity.
        """
        from django.db.models import Exists, OuterRef, Q

        from opportunities.models import Opportunity

        if not any(field.name == "opportunity_id" for field in model._meta.fields):
            return Q()
        condition = Q(opportunity_id__isnull=True) | Q(
            opportunity_id__in=Opportunity.objects.visible_to(user, organization).values("pk")
        )
        gone = ~Exists(
            Opportunity.objects.filter(organization=organization, pk=OuterRef("opportunity_id"))
        )
        return condition | (gone & ~Q(data__private=True))
