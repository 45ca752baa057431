"""Authentication: the logged-in user and their memberships, read in one query."""

from django.apps import apps
from django.contrib.auth.backends import ModelBackend

from organizations.models import Membership


class MembershipBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` also reads the user's memberships.

    Every request of a logged-in user reads the user (from the session), and every page
    of an organization then reads their memberships (the tenancy middleware, the
    switcher, "Copy to…"). One query with the memberships joined to their user and
    organization answers both; `TenantMiddleware` takes them from
    `user.prefetched_memberships`. A user with no membership costs the usual query.

    Apps above may add a figure of each organization to that query, as a subquery: an
    AppConfig hook `organization_figures()` returns `{name: expression over
    Membership}`, and each organization gets the value as an attribute of that name
    (the Files section's usage bar reads the storage counter this way).
    """

    def get_user(self, user_id):
        figures = organization_figures()
        memberships = list(
            Membership.objects.filter(user_id=user_id)
            .select_related("user", "organization")
            .annotate(**figures)
            .order_by("organization__name", "organization_id")
        )
        if not memberships:
            return super().get_user(user_id)
        user = memberships[0].user
        for membership in memberships:
            membership.user = user
            for name in figures:
                setattr(membership.organization, name, getattr(membership, name))
        if not self.user_can_authenticate(user):
            return None
        user.prefetched_memberships = memberships
        return user


def organization_figures() -> dict:
    """The subqueries the apps ask to read with the memberships (hook `organization_figures`)."""
    figures = {}
    for config in apps.get_app_configs():
        hook = getattr(config, "organization_figures", None)
        if hook is not None:
            figures.update(hook())
    return figures
