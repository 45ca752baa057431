import pytest

from organizations.models import Invitation
from organizations.scoping import ScopeError, scope, scopes_disabled
from tests import factories


@pytest.mark.django_db
def test_reading_a_tenant_model_without_a_scope_raises():
    with pytest.raises(ScopeError):
        list(Invitation.objects.all())


@pytest.mark.django_db
def test_a_scope_only_reads_its_own_organization(acme, globex, alice, mallory):
    with scopes_disabled():
        for org, who in [(acme, alice), (globex, mallory)]:
            Invitation.objects.create(
                organization=org,
                email=f"new@{org.slug}.example",
                token_hash=f"h-{org.slug}",
                invited_by=who,
                expires_at=Invitation.default_expiry(),
            )
    with scope(organization=acme):
        assert [i.email for i in Invitation.objects.all()] == ["new@acme.example"]


@pytest.mark.django_db
def test_scopes_disabled_reads_every_organization(acme, globex):
    with scopes_disabled():
        assert Invitation.objects.count() == 0
    factories.OrganizationFactory()


@pytest.mark.django_db
def test_a_query_that_names_its_organization_runs_without_a_scope(acme, alice):
    from tests.factories import InvitationFactory

    InvitationFactory(organization=acme, invited_by=alice)
    assert Invitation.objects.filter(organization=acme).count() == 1


@pytest.mark.django_db
def test_visible_to_names_the_organization_and_needs_no_scope(acme, bob):
    from contacts.models import Contact
    from tests.factories import ContactFactory

    ContactFactory(organization=acme, first_name="Ada")
    assert [c.first_name for c in Contact.objects.visible_to(bob, acme)] == ["Ada"]


@pytest.mark.django_db
def test_excluding_an_organization_does_not_unlock_the_query(acme):
    with pytest.raises(ScopeError):
        list(Invitation.objects.exclude(organization=acme))
    with pytest.raises(ScopeError):
        Invitation.objects.filter(email="x@example.com").count()
