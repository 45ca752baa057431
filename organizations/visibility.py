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


NOT_A_MEMBER = ""


def known_role(user, organization) -> str | None:
    """`user`'s role in `organization` as read with the request's user, if it was.

    `MembershipBackend.get_user` reads a logged-in user's memberships with the user, at
    the start of every request (`user.prefetched_memberships`); with them a door decides
    the reader's role in Python and builds only that role's condition, where otherwise it
    adds an uncorrelated EXISTS on Membership for each role to its query. Returns the
    role, NOT_A_MEMBER ("") when the memberships were read and this organization is not
    among them, or None when they were not read (a user loaded elsewhere: the worker, a
    test, the admin): then the doors check the role in SQL as before.
    """
    memberships = getattr(user, "prefetched_memberships", None)
    if memberships is None or organization is None:
        return None
    organization_id = getattr(organization, "pk", organization)
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership.role
    return NOT_A_MEMBER


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
        role = known_role(user, organization)
        if role in (Role.OWNER, Role.MEMBER):
            return self.filter(self._visible_condition(user), organization=organization)
        if role is not None:
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
