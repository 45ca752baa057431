"""The one door to contacts and companies: `visible_to(user, organization)` (PRODUCT §3)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership, Role
from organizations.scoping import ScopedManager, TenantModel


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class VisibleQuerySet(models.QuerySet):
    """Queryset of a directory model (contacts, companies) with the visibility rule.

    The model must have `organization`, `visibility`, `created_by` and a mention model
    (a `MentionBase` subclass) whose foreign key to it is named in `mention_field`.
    """

    def visible_to(self, user, organization) -> "VisibleQuerySet":
        """Return the records `user` may see in `organization`.

        Nothing for anonymous users, non-members and guests; for owners and members,
        every public record plus the private ones they created or are mentioned in.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        # The reader check is an uncorrelated EXISTS in the same query: one round trip,
        # evaluated once by the database, and a removed member sees nothing at once.
        reads_directory = Membership.objects.filter(
            organization=organization, user=user, role__in=[Role.OWNER, Role.MEMBER]
        )
        return self.filter(
            Exists(reads_directory), self._visible_condition(user), organization=organization
        )

    def _visible_condition(self, user) -> Q:
        mention_model = self.model.mention_model()
        mentioned = mention_model.objects.filter(
            organization=OuterRef("organization"),
            user=user,
            **{mention_model.target_field: OuterRef("pk")},
        )
        return Q(visibility=Visibility.PUBLIC) | Q(created_by=user) | Exists(mentioned)


class VisibleManager(ScopedManager.from_queryset(VisibleQuerySet)):
    """Scoped manager exposing `visible_to`."""


class MentionBase(TenantModel):
    """A member named in a record's description; gives them sight of a private record.

    Subclasses add a foreign key to the record and set `target_field` to its name.
    """

    target_field: str = ""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
