"""Writes on organizations, memberships and invitations."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from organizations.i18n import speaking_to
from organizations.models import (
    Invitation,
    Membership,
    Organization,
    RecordType,
    Role,
    Sector,
    User,
)
from organizations.scoping import scope
from organizations.visibility import MentionBase


def unique_slug(name: str) -> str:
    """Return a slug for `name` that no organization uses yet."""
    base = slugify(name)[:50] or "org"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
    return slug


@transaction.atomic
def organization_create(*, name: str, owner: User, slug: str | None = None) -> Organization:
    """Create an organization with `owner` as its first owner."""
    organization = Organization.objects.create(name=name, slug=slug or unique_slug(name))
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    organization_seed_lists(organization=organization)
    with scope(organization=organization):
        # Upper apps give a new organization their own defaults (docs/architecture.md, hooks).
        for config in apps.get_app_configs():
            hook = getattr(config, "organization_created", None)
            if hook is not None:
                hook(organization)
    return organization


def organization_seed_lists(*, organization: Organization) -> None:
    """Give a new organization the default types and sectors; it edits them later."""
    with scope(organization=organization):
        for model in (RecordType, Sector):
            existing = set(model.objects.values_list("name", flat=True))
            model.objects.bulk_create(
                model(organization=organization, name=name, position=index)
                for index, name in enumerate(model.DEFAULTS)
                if name not in existing
            )


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str


def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User, accept_url
) -> SentInvitation:
    """Invite `email` to `organization` and mail them a single-use link.

    An address that already belongs to a member is refused; an earlier pending
    invitation to the same address is replaced, so only the newest link works.
    `accept_url` turns a token into the absolute URL put in the email.
    """
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(organization)s.")
            % {"email": email, "organization": organization.name},
            code="already_member",
        )
    token, token_hash = Invitation.new_token()
    with transaction.atomic():
        Invitation.objects.filter(organization=organization, email__iexact=email).pending().delete()
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            expires_at=Invitation.default_expiry(),
        )
    context = {
        "invitation": invitation,
        "organization": organization,
        "invited_by": invited_by,
        "url": accept_url(token),
        "days": settings.INVITATION_MAX_AGE // 86400,
    }
    # The invitee has no profile yet: the organization's language.
    with speaking_to(organization=organization):
        subject = _("You are invited to join %(organization)s on Rolo") % {
            "organization": organization.name
        }
        message = render_to_string("organizations/invitation_email.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    return SentInvitation(invitation=invitation, token=token)


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn a pending invitation into a membership for `user`, once.

    The invitation row is locked so that two clicks on the same link cannot both use it.
    """
    with scope(organization=invitation.organization), transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValidationError(_("This invitation has expired or was already used."))
        if locked.email.lower() != user.email.lower():
            raise ValidationError(
                _("This invitation was sent to %(email)s; log in with that address to accept it.")
                % {"email": locked.email}
            )
        membership, created = Membership.objects.get_or_create(
            organization_id=locked.organization_id, user=user, defaults={"role": locked.role}
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _lock_owners(organization: Organization) -> list[Membership]:
    return list(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.OWNER)
        .order_by("pk")
    )


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Give `membership` a new role; refuse to demote the organization's last owner.

    A member made guest loses the access their mentions gave, for good: promoting them
    back later does not bring old mentions back (PRODUCT §3 rule 7).
    """
    with transaction.atomic():
        owners = _lock_owners(membership.organization)
        if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
            raise ValidationError(
                _("An organization needs at least one owner: make someone else owner first."),
                code="last_owner",
            )
        if role == Role.GUEST and membership.role != Role.GUEST:
            _delete_mentions(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Remove a member, and the access their mentions gave (PRODUCT §3 rule 7).

    Refuse to remove the organization's last owner.
    """
    with transaction.atomic():
        owners = _lock_owners(membership.organization)
        if membership.role == Role.OWNER and len(owners) <= 1:
            raise ValidationError(
                _("An organization needs at least one owner: make someone else owner first."),
                code="last_owner",
            )
        _delete_mentions(membership)
        membership.delete()


def _delete_mentions(membership: Membership) -> None:
    with scope(organization=membership.organization):
        for model in apps.get_models():
            if issubclass(model, MentionBase):
                model.objects.filter(
                    organization=membership.organization, user_id=membership.user_id
                ).delete()
