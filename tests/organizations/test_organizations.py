"""Organizations: creating one, listing and switching between one's own."""

import re

import pytest
from django.urls import reverse

from organizations.models import Membership, Organization, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_creating_an_organization_makes_the_creator_its_owner(client_for):
    dora = factories.UserFactory(email="dora@example.com")

    response = client_for(dora).post(
        reverse("organization_list"), {"name": "Initech", "default_country": "de"}
    )

    organization = Organization.objects.get(name="Initech")
    assert response.status_code == 302
    assert response.url == reverse("dashboard", kwargs={"slug": organization.slug})
    assert organization.slug == "initech"
    assert organization.default_country == "DE"
    assert organization.plan == "free"
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (dora, Role.OWNER)


def test_the_creation_form_starts_on_the_default_country(client_for):
    """A user who only types a name creates the organization: the country select starts
    on the default (Italy), not on an empty choice the form would refuse."""
    dora = factories.UserFactory(email="dora@example.com")

    page = client_for(dora).get(reverse("organization_list")).text

    select = page.split('name="default_country"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\w*)" selected', select) == ["IT"]


def test_the_new_organization_dashboard_greets_its_owner(client_for):
    dora = factories.UserFactory(email="dora@example.com")
    client = client_for(dora)

    response = client.post(
        reverse("organization_list"), {"name": "Initech", "default_country": "IT"}, follow=True
    )

    assert response.status_code == 200
    assert response.context["organization"].name == "Initech"
    assert response.context["membership"].role == Role.OWNER
    assert "Initech is ready. You are its owner." in response.text


def test_a_taken_name_gets_a_different_slug(client_for, acme, alice):
    client_for(alice).post(reverse("organization_list"), {"name": "Acme", "default_country": "IT"})

    slugs = sorted(Organization.objects.filter(name="Acme").values_list("slug", flat=True))
    assert len(slugs) == 2
    assert slugs[0] == "acme"
    assert slugs[1].startswith("acme-")


def test_an_invalid_organization_form_keeps_the_input_and_creates_nothing(client_for, alice):
    response = client_for(alice).post(
        reverse("organization_list"), {"name": "Initech", "default_country": "Germany"}
    )

    assert response.status_code == 200
    assert "default_country" in response.context["form"].errors
    assert 'value="Initech"' in response.text
    assert not Organization.objects.filter(name="Initech").exists()


def test_organization_list_shows_only_my_organizations(client_for, alice, mallory):
    response = client_for(alice).get(reverse("organization_list"))

    names = [m.organization.name for m in response.context["memberships"]]
    assert names == ["Acme"]
    assert "Globex" not in response.text


def test_switcher_lists_every_organization_of_the_user_and_no_other(
    client_for, acme, globex, alice, mallory
):
    initech = factories.OrganizationFactory(name="Initech", slug="initech")
    factories.MembershipFactory(organization=initech, user=alice, role=Role.GUEST)

    response = client_for(alice).get(reverse("dashboard", kwargs={"slug": "acme"}))

    switcher = [m.organization.slug for m in response.context["my_memberships"]]
    assert switcher == ["acme", "initech"]
    assert reverse("dashboard", kwargs={"slug": "initech"}) in response.text
    assert reverse("dashboard", kwargs={"slug": "globex"}) not in response.text


def test_switching_organization_shows_the_role_held_there(client_for, acme, alice):
    initech = factories.OrganizationFactory(name="Initech", slug="initech")
    factories.MembershipFactory(organization=initech, user=alice, role=Role.GUEST)
    client = client_for(alice)

    at_acme = client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    at_initech = client.get(reverse("dashboard", kwargs={"slug": "initech"}))

    assert (at_acme.context["organization"], at_acme.context["role"]) == (acme, Role.OWNER)
    assert (at_initech.context["organization"], at_initech.context["role"]) == (
        initech,
        Role.GUEST,
    )


def test_home_sends_the_user_back_to_the_last_organization_visited(client_for, acme, alice):
    client = client_for(alice)
    assert client.get(reverse("home")).url == reverse("organization_list")

    client.get(reverse("dashboard", kwargs={"slug": "acme"}))

    assert client.get(reverse("home")).url == reverse("dashboard", kwargs={"slug": "acme"})


def test_home_forgets_an_organization_the_user_has_left(client_for, acme, alice, unscoped):
    client = client_for(alice)
    client.get(reverse("dashboard", kwargs={"slug": "acme"}))
    Membership.objects.filter(user=alice).delete()

    assert client.get(reverse("home")).url == reverse("organization_list")


def test_guests_do_not_get_a_members_link(client_for, acme, gina):
    response = client_for(gina).get(reverse("dashboard", kwargs={"slug": "acme"}))

    assert response.status_code == 200
    assert reverse("member_list", kwargs={"slug": "acme"}) not in response.text


def test_an_organization_name_is_escaped_wherever_it_shows(client_for, alice):
    client = client_for(alice)
    client.post(
        reverse("organization_list"),
        {"name": "<script>alert(1)</script>", "default_country": "IT"},
    )
    slug = Organization.objects.get(name="<script>alert(1)</script>").slug

    for url in (reverse("organization_list"), reverse("dashboard", kwargs={"slug": slug})):
        response = client.get(url)
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_pages_load_scripts_and_styles_from_rolo_itself(client_for, acme, alice):
    response = client_for(alice).get(reverse("dashboard", kwargs={"slug": "acme"}))

    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
    assert any("htmx" in asset for asset in assets)
    assert all(asset.startswith("/static/") for asset in assets), assets
