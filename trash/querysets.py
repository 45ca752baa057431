"""Who may see a trash batch: the door every read of the trash goes through."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from organizations.models import Membership, Role
from organizations.scoping import ScopedManager


class TrashBatchQuerySet(models.QuerySet):
    def visible_to(self, user, organization) -> "TrashBatchQuerySet":
        """The batches `user` may see in `organization`.

        Nothing for anonymous users, outsiders and guests. Owners and members see a batch
        whose root was public (or is a project, task or ticket, which they all see), and
        a private root's batch only if they could see the root when it was deleted.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        reads = Membership.objects.filter(
            organization=organization, user=user, role__in=[Role.OWNER, Role.MEMBER]
        )
        reader = apps.get_model("trash", "TrashReader").objects.filter(
            organization=organization, batch=OuterRef("pk"), user=user
        )
        return self.filter(
            Exists(reads), Q(is_private=False) | Exists(reader), organization=organization
        )


class TrashBatchManager(ScopedManager.from_queryset(TrashBatchQuerySet)):
    pass
