"""Private opportunities and hidden parties never leak: board totals, forecast, list,
panel, detail and timeline all come from the reader's `visible_to`."""

from datetime import date

import pytest
from django.urls import reverse

from opportunities import services
from opportunities.models import Opportunity
from organizations.scoping import scope, scopes_disabled
from tests import factories

CLOSE = date(2030, 3, 15)


@pytest.fixture
def deals(acme, carol):
    company = factories.CompanyFactory(organization=acme, created_by=carol, name="Initech")
    public = factories.opportunity(
        acme,
        created_by=carol,
        company=company,
        title="Open deal",
        value="1000.00",
        expected_close=CLOSE,
    )
    private = factories.opportunity(
        acme, created_by=carol, company=company, title="Secret deal", value="777.00",
        visibility="private", expected_close=CLOSE,
    )  # fmt: skip
    return company, public, private


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs={"slug": "acme", **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_board_totals_count_only_what_the_reader_sees(client_for, deals, bob, carol):
    bob_board = page(client_for(bob), "opportunity_board")
    assert "Open deal" in bob_board and "Secret deal" not in bob_board
    assert "1000.00" in bob_board and "777" not in bob_board and "1777" not in bob_board
    # weighted at the Lead stage's 10%: only the public deal's 100.00
    assert "weighted 100.00" in bob_board

    carol_board = page(client_for(carol), "opportunity_board")
    assert "Secret deal" in carol_board and "1777.00" in carol_board


@pytest.mark.django_db
def test_the_forecast_counts_only_what_the_reader_sees(client_for, deals, bob, carol):
    bob_forecast = page(client_for(bob), "opportunity_forecast")
    assert "1000.00" in bob_forecast and "1777" not in bob_forecast

    assert "1777.00" in page(client_for(carol), "opportunity_forecast")


@pytest.mark.django_db
def test_the_forecast_leaves_out_closed_opportunities(client_for, acme, deals, carol):
    company, public, _private = deals
    with scope(organization=acme):
        services.opportunity_close(opportunity=public, user=carol, won=True)
    forecast = page(client_for(carol), "opportunity_forecast")
    assert "777.00" in forecast and "1777" not in forecast


@pytest.mark.django_db
def test_the_list_and_the_panel_leave_out_a_private_opportunity(client_for, deals, bob, carol):
    company = deals[0]
    for user, sees in ((bob, False), (carol, True)):
        client = client_for(user)
        listing = page(client, "opportunity_list")
        panel = page(client, "opportunity_panel", kind="company", pk=company.pk)
        assert "Open deal" in listing and "Open deal" in panel
        assert ("Secret deal" in listing) is sees
        assert ("Secret deal" in panel) is sees


@pytest.mark.django_db
def test_a_mention_shows_a_private_opportunity_to_that_member(client_for, acme, bob, carol):
    company = factories.CompanyFactory(organization=acme, created_by=carol)
    shared = factories.opportunity(
        acme, created_by=carol, company=company, title="Shared secret",
        visibility="private", description="For @bob@example.com only.",
    )  # fmt: skip

    response = client_for(bob).get(reverse("opportunity_detail", args=["acme", shared.pk]))

    assert response.status_code == 200
    assert "Bob Member" in response.content.decode()  # the mention, marked


@pytest.mark.django_db
def test_an_opportunity_never_shows_a_party_the_reader_cannot_see(client_for, acme, bob, carol):
    hidden = factories.ContactFactory(
        organization=acme, created_by=carol, first_name="Hidden", last_name="Person",
        visibility="private",
    )  # fmt: skip
    shown = factories.CompanyFactory(organization=acme, created_by=carol, name="Seen Corp")
    deal = factories.opportunity(
        acme, created_by=carol, company=shown, contact=hidden, title="Two-party deal"
    )
    client = client_for(bob)
    for name, kwargs in (
        ("opportunity_detail", {"pk": deal.pk}),
        ("opportunity_edit", {"pk": deal.pk}),
        ("opportunity_list", {}),
        ("opportunity_board", {}),
    ):
        content = page(client, name, **kwargs)
        assert "Two-party deal" in content or name == "opportunity_edit"
        assert "Seen Corp" in content
        assert "Hidden" not in content
        assert f"/contacts/{hidden.pk}/" not in content
    # The edit form does not carry the hidden contact's id either.
    edit = page(client, "opportunity_edit", pk=deal.pk)
    assert f'name="contact_id" value="{hidden.pk}"' not in edit
    assert 'name="contact_id" id="id_contact_id"' in edit


@pytest.mark.django_db
def test_timeline_events_of_a_private_opportunity_stay_private(client_for, acme, bob, carol):
    company = factories.CompanyFactory(organization=acme, created_by=carol, name="Initech")
    with scope(organization=acme):
        secret = services.opportunity_create(
            opportunity=Opportunity(
                organization=acme, title="Secret deal", company=company, visibility="private",
                stage=factories.stage(acme, "Lead"),
            ),
            created_by=carol,
        )  # fmt: skip
        services.opportunity_close(opportunity=secret, user=carol, won=True)
    timeline = reverse("company_timeline", args=["acme", company.pk])

    assert "Secret deal" in client_for(carol).get(timeline).content.decode()
    assert "Secret deal" not in client_for(bob).get(timeline).content.decode()
    with scopes_disabled():
        Opportunity.objects.filter(pk=secret.pk).delete()
    assert "Secret deal" not in client_for(bob).get(timeline).content.decode()
