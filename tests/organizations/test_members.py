"""Members: invitations, accepting them, roles, removal, and the last owner rule.

alice owns Acme, bob and carol are members, gina is a guest; mallory owns Globex.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership, Role
from organizations.scoping import scopes_disabled
from tests import factories

pytestmark = pytest.mark.django_db

LAST_OWNER = "An organization needs at least one owner"


def members_url(slug: str = "acme") -> str:
    return reverse("member_list", kwargs={"slug": slug})


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def invite(client, email: str, role: str = Role.MEMBER, slug: str = "acme"):
    return client.post(members_url(slug), {"email": email, "role": role})


def accept_path(message) -> str:
    """Return the path of the invitation link in an email."""
    found = re.findall(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert len(found) == 1, message.body
    return found[0]


@pytest.fixture
def invited(acme, alice):
    """alice invites dora@example.com as a member; return the link's path.

    alice uses a client of her own, so the test's `client` stays logged out.
    """
    owner = Client()
    owner.force_login(alice)
    invite(owner, "dora@example.com")
    return accept_path(mail.outbox[-1])


# The members page


def test_members_page_lists_everyone_with_their_role(client_for, acme, cast):
    response = client_for(cast["bob"]).get(members_url())

    assert response.status_code == 200
    listed = {(m.user.email, m.role) for m in response.context["memberships"]}
    assert listed == {
        ("alice@example.com", Role.OWNER),
        ("bob@example.com", Role.MEMBER),
        ("carol@example.com", Role.MEMBER),
        ("gina@example.com", Role.GUEST),
    }
    assert "mallory@example.com" not in response.text


def test_members_see_no_invite_form_nor_role_controls(client_for, acme, alice, bob):
    response = client_for(bob).get(members_url())

    assert response.context["is_owner"] is False
    assert "Send invitation" not in response.text
    assert "/remove/" not in response.text
    assert 'name="role"' not in response.text


def test_guest_is_forbidden_the_members_page(client_for, acme, gina):
    assert client_for(gina).get(members_url()).status_code == 403


# Inviting


def test_owner_invites_by_email_and_a_single_link_is_mailed(client_for, acme, alice):
    response = invite(client_for(alice), "Dora@Example.com", Role.GUEST)

    assert response.status_code == 302
    assert response.url == members_url()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dora@example.com"]
    assert "Acme" in message.subject
    path = accept_path(message)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "dora@example.com",
        Role.GUEST,
        alice,
    )
    # Only a hash of the token is stored.
    token = path.strip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)


def test_pending_invitations_are_listed_for_the_owner(client_for, acme, alice):
    client = client_for(alice)
    invite(client, "dora@example.com")

    response = client.get(members_url())

    assert [i.email for i in response.context["invitations"]] == ["dora@example.com"]
    assert "Invitation sent to dora@example.com." in response.text


def test_inviting_an_existing_member_is_refused_with_a_message(client_for, acme, alice, bob):
    response = invite(client_for(alice), "BOB@example.com")

    assert response.status_code == 400
    assert "bob@example.com is already a member of Acme." in response.text
    assert 'value="BOB@example.com"' in response.text
    assert mail.outbox == []
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_an_invalid_email_is_refused_next_to_the_field(client_for, acme, alice):
    response = invite(client_for(alice), "not-an-email")

    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_inviting_again_replaces_the_earlier_link(client_for, acme, alice):
    client = client_for(alice)
    invite(client, "dora@example.com")
    invite(client, "dora@example.com", Role.GUEST)
    old_path, new_path = accept_path(mail.outbox[0]), accept_path(mail.outbox[1])
    assert old_path != new_path

    with scopes_disabled():
        assert Invitation.objects.get().role == Role.GUEST
    dora = factories.UserFactory(email="dora@example.com")
    client = client_for(dora)
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_an_invitation_to_another_organization_is_left_alone(client_for, acme, globex, alice):
    factories.MembershipFactory(organization=globex, user=alice, role=Role.OWNER)
    client = client_for(alice)
    invite(client, "dora@example.com", slug="globex")
    invite(client, "dora@example.com", slug="acme")

    with scopes_disabled():
        assert Invitation.objects.filter(email="dora@example.com").count() == 2


def test_owner_revokes_a_pending_invitation(client_for, acme, alice, invited):
    with scopes_disabled():
        invitation = Invitation.objects.get()
    client = client_for(alice)

    response = client.post(
        reverse("invitation_revoke", kwargs={"slug": "acme", "pk": invitation.pk})
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not Invitation.objects.exists()
    dora = factories.UserFactory(email="dora@example.com")
    assert client_for(dora).get(invited).status_code == 404


# Accepting


def test_a_logged_out_visitor_is_offered_to_sign_up_or_log_in(client, invited):
    response = client.get(invited)

    assert response.status_code == 200
    assert reverse("signup") + "?email=dora%40example.com" in response.text
    assert reverse("login") + "?next=" in response.text
    assert "Accept invitation" not in response.text


def test_a_logged_out_post_accepts_nothing(client, invited, unscoped):
    response = client.post(invited)

    assert response.status_code == 200
    assert Invitation.objects.get().accepted_at is None


def test_signing_up_from_the_link_returns_to_the_invitation(client, invited):
    client.post(
        reverse("signup") + f"?email=dora%40example.com&next={invited}",
        {"email": "dora@example.com", "next": invited},
    )
    signup_link = re.search(r"https?://[^/\s]+(/accounts/signup/\S+/)", mail.outbox[-1].body)

    response = client.post(
        signup_link.group(1),
        {
            "full_name": "Dora",
            "password1": "a brand new passphrase 42",
            "password2": "a brand new passphrase 42",
        },
    )

    assert response.status_code == 302
    assert response.url == invited
    assert "Accept invitation" in client.get(invited).text
    assert client.post(invited).url == reverse("dashboard", kwargs={"slug": "acme"})


def test_accepting_creates_the_membership_with_the_invited_role(client_for, acme, alice):
    invite(client_for(alice), "dora@example.com", Role.GUEST)
    path = accept_path(mail.outbox[-1])
    dora = factories.UserFactory(email="dora@example.com")
    client = client_for(dora)

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == reverse("dashboard", kwargs={"slug": "acme"})
    assert membership_of(dora, acme).role == Role.GUEST
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert invitation.accepted_by == dora
    assert invitation.accepted_at is not None
    assert client.get(response.url).status_code == 200


def test_the_link_cannot_be_used_twice(client_for, acme, invited):
    dora = factories.UserFactory(email="dora@example.com")
    client = client_for(dora)
    client.post(invited)

    again = client.get(invited)
    post_again = client.post(invited)

    assert again.status_code == 404
    assert "This invitation cannot be used" in again.text
    assert post_again.status_code == 404
    assert Membership.objects.filter(user=dora).count() == 1


def test_an_expired_link_is_refused(client_for, acme, invited):
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    dora = factories.UserFactory(email="dora@example.com")
    client = client_for(dora)

    response = client.post(invited)

    assert response.status_code == 404
    assert "This invitation cannot be used" in response.text
    assert not Membership.objects.filter(user=dora).exists()


def test_a_made_up_link_is_refused(client_for, acme, alice):
    assert client_for(alice).get("/invitations/made-up-token/").status_code == 404


def test_the_wrong_account_cannot_accept(client_for, acme, invited, mallory, unscoped):
    client = client_for(mallory)

    page = client.get(invited)
    response = client.post(invited)

    assert "but this invitation is for dora@example.com" in page.text
    assert "Accept invitation" not in page.text
    assert response.status_code == 200
    assert "This invitation was sent to dora@example.com" in response.text
    assert not Membership.objects.filter(user=mallory, organization=acme).exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_invited_address_matches_whatever_its_case(client_for, acme, invited):
    dora = factories.UserFactory(email="dora@example.com")
    with scopes_disabled():
        Invitation.objects.update(email="Dora@Example.com")

    client_for(dora).post(invited)

    assert membership_of(dora, acme).role == Role.MEMBER


# Roles


def change_role(client, membership: Membership, role: str):
    return client.post(
        reverse("member_change_role", kwargs={"slug": "acme", "pk": membership.pk}),
        {"role": role},
        follow=True,
    )


def test_owner_changes_a_members_role(client_for, acme, alice, bob):
    response = change_role(client_for(alice), membership_of(bob, acme), Role.OWNER)

    assert response.redirect_chain[-1][0] == members_url()
    assert membership_of(bob, acme).role == Role.OWNER
    assert "Bob Member is now Owner." in response.text


def test_an_unknown_role_is_refused(client_for, acme, alice, bob):
    response = change_role(client_for(alice), membership_of(bob, acme), "emperor")

    assert membership_of(bob, acme).role == Role.MEMBER
    assert "Choose a valid role." in response.text


def test_the_last_owner_cannot_be_demoted(client_for, acme, alice, bob):
    response = change_role(client_for(alice), membership_of(alice, acme), Role.MEMBER)

    assert membership_of(alice, acme).role == Role.OWNER
    assert LAST_OWNER in response.text


def test_an_owner_can_step_down_when_another_owner_remains(client_for, acme, alice, bob):
    Membership.objects.filter(user=bob).update(role=Role.OWNER)

    change_role(client_for(alice), membership_of(alice, acme), Role.MEMBER)

    assert membership_of(alice, acme).role == Role.MEMBER


def test_a_membership_of_another_organization_is_404(client_for, acme, alice, mallory, globex):
    response = client_for(alice).post(
        reverse(
            "member_change_role",
            kwargs={"slug": "acme", "pk": membership_of(mallory, globex).pk},
        ),
        {"role": Role.GUEST},
    )

    assert response.status_code == 404
    assert membership_of(mallory, globex).role == Role.OWNER


# Removing


def remove(client, membership: Membership):
    return client.post(
        reverse("member_remove", kwargs={"slug": "acme", "pk": membership.pk}), follow=True
    )


def test_owner_removes_a_member(client_for, acme, alice, bob):
    response = remove(client_for(alice), membership_of(bob, acme))

    assert response.redirect_chain[-1][0] == members_url()
    assert not Membership.objects.filter(user=bob, organization=acme).exists()
    assert "Bob Member was removed from Acme." in response.text
    assert client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).status_code == 404


def test_the_last_owner_cannot_be_removed(client_for, acme, alice, bob):
    response = remove(client_for(alice), membership_of(alice, acme))

    assert membership_of(alice, acme).role == Role.OWNER
    assert LAST_OWNER in response.text
    assert Membership.objects.filter(organization=acme).count() == 2


def test_an_owner_who_leaves_goes_to_their_organization_list(client_for, acme, alice, bob):
    Membership.objects.filter(user=bob).update(role=Role.OWNER)

    response = remove(client_for(alice), membership_of(alice, acme))

    assert response.redirect_chain[-1][0] == reverse("organization_list")
    assert not Membership.objects.filter(user=alice, organization=acme).exists()


# What members and guests may not do


@pytest.mark.parametrize("who", ["bob", "gina"])
def test_non_owners_cannot_invite(client_for, acme, cast, who, unscoped):
    response = invite(client_for(cast[who]), "dora@example.com")

    assert response.status_code == 403
    assert mail.outbox == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["bob", "gina"])
def test_non_owners_cannot_change_roles(client_for, acme, cast, who):
    target = membership_of(cast["carol"], acme)

    response = client_for(cast[who]).post(
        reverse("member_change_role", kwargs={"slug": "acme", "pk": target.pk}),
        {"role": Role.OWNER},
    )

    assert response.status_code == 403
    assert membership_of(cast["carol"], acme).role == Role.MEMBER


@pytest.mark.parametrize("who", ["bob", "gina"])
def test_non_owners_cannot_remove_members(client_for, acme, cast, who):
    target = membership_of(cast["carol"], acme)

    response = client_for(cast[who]).post(
        reverse("member_remove", kwargs={"slug": "acme", "pk": target.pk})
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("who", ["bob", "gina"])
def test_non_owners_cannot_revoke_invitations(client_for, acme, cast, who, invited, unscoped):
    invitation = Invitation.objects.get()

    response = client_for(cast[who]).post(
        reverse("invitation_revoke", kwargs={"slug": "acme", "pk": invitation.pk})
    )

    assert response.status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()
