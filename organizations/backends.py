"""Authentication: the logged-in user and their memberships, read in one query."""

from django.contrib.auth.backends import ModelBackend

from organizations.models import Membership


class MembershipBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` also reads the user's memberships.

    Every request of a logged-in user reads the user (from the session), and every page
    of an organization then reads their memberships (the tenancy middleware, the
    switcher, "Copy to…"). One query with the memberships joined to their user and
    organization answers both; `TenantMiddleware` takes them from
    `user.prefetched_memberships`. A user with no membership costs the usual query.
    """

    def get_user(self, user_id):
        memberships = list(
            Membership.objects.filter(user_id=user_id)
            .select_related("user", "organization")
            .order_by("organization__name", "organization_id")
        )
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
        if not self.user_can_authenticate(user):
            return None
        user.prefetched_memberships = memberships
        return user
