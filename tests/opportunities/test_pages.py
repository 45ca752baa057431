"""Creating, editing, moving and closing opportunities; pipelines; pages and their cost."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from events.models import Event, EventKind
from opportunities.models import Opportunity, Pipeline, Stage
from organizations.models import Organization
from organizations.scoping import scopes_disabled
from organizations.services import organization_create
from tests import factories


def url(name, *args):
    return reverse(name, args=["acme", *args])


@pytest.fixture
def company(acme, alice):
    return factories.CompanyFactory(organization=acme, created_by=alice, name="Initech")


def form_data(stage, **overrides) -> dict:
    data = {
        "title": "Fleet renewal",
        "stage": stage.pk,
        "value": "2500.50",
        "currency": "EUR",
        "visibility": "public",
    }
    data.update(overrides)
    return data


# --- Pipelines ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_organization_gets_the_default_pipeline(alice):
    organization = organization_create(name="Fresh", owner=alice)

    with scopes_disabled():
        stages = list(
            Stage.objects.filter(organization=organization).values_list(
                "name", "probability", "kind"
            )
        )
    assert stages == [
        ("Lead", 10, "open"),
        ("Qualified", 25, "open"),
        ("Proposal", 50, "open"),
        ("Negotiation", 75, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ]


@pytest.mark.django_db
def test_the_data_migration_gives_existing_organizations_a_pipeline_once(acme, globex):
    factories.pipeline(acme)
    migration = importlib.import_module("opportunities.migrations.0002_default_pipelines")

    with scopes_disabled():
        migration.seed_pipelines(django_apps, None)
        migration.seed_pipelines(django_apps, None)
        counts = {
            org.slug: Pipeline.objects.filter(organization=org).count()
            for org in Organization.objects.filter(slug__in=["acme", "globex"])
        }
        assert Stage.objects.filter(organization=globex).count() == 6
    assert counts == {"acme": 1, "globex": 1}


@pytest.mark.django_db
def test_a_stage_probability_change_reaches_opportunities_that_follow_it(
    client_for, acme, alice, company
):
    follows = factories.opportunity(acme, created_by=alice, company=company)
    custom = factories.opportunity(acme, created_by=alice, company=company, title="Custom")
    with scopes_disabled():
        Opportunity.objects.filter(pk=custom.pk).update(probability=42, probability_custom=True)
    lead = factories.stage(acme, "Lead")

    response = client_for(alice).post(
        url("stage_edit", lead.pk), {"name": "Lead", "order": 0, "probability": 15, "kind": "open"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Opportunity.objects.get(pk=follows.pk).probability == 15
        assert Opportunity.objects.get(pk=custom.pk).probability == 42


@pytest.mark.django_db
def test_a_stage_with_opportunities_is_not_removed(client_for, acme, alice, company):
    factories.opportunity(acme, created_by=alice, company=company)
    lead = factories.stage(acme, "Lead")

    response = client_for(alice).post(url("stage_delete", lead.pk), follow=True)

    assert "Move the opportunities of this stage" in response.content.decode()
    with scopes_disabled():
        assert Stage.objects.filter(pk=lead.pk).exists()


@pytest.mark.django_db
def test_the_last_pipeline_is_not_removed(client_for, acme, alice):
    pipeline = factories.pipeline(acme)

    response = client_for(alice).post(url("pipeline_delete", pipeline.pk), follow=True)

    assert "keeps at least one pipeline" in response.content.decode()
    with scopes_disabled():
        assert Pipeline.objects.filter(pk=pipeline.pk).exists()


@pytest.mark.django_db
def test_a_bad_probability_is_refused(client_for, acme, alice):
    lead = factories.stage(acme, "Lead")

    response = client_for(alice).post(
        url("stage_edit", lead.pk), {"name": "Lead", "order": 0, "probability": 101, "kind": "open"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Stage.objects.get(pk=lead.pk).probability == 10


# --- Creating and editing -----------------------------------------------------------------


@pytest.mark.django_db
def test_new_opportunity_from_a_company_panel_is_prefilled_and_returns_there(
    client_for, acme, alice, company
):
    client = client_for(alice)
    panel = client.get(url("opportunity_panel", "company", company.pk)).content.decode()
    assert f"?company={company.pk}&amp;next=" in panel
    form = client.get(url("opportunity_create") + f"?company={company.pk}").content.decode()
    assert 'value="Initech"' in form
    stage = factories.stage(acme, "Proposal")
    back = reverse("company_detail", args=["acme", company.pk])

    response = client.post(
        url("opportunity_create"),
        form_data(stage, company_id=company.pk, company_name="Initech", next=back),
    )

    assert response.status_code == 302 and response.url == back
    with scopes_disabled():
        created = Opportunity.objects.get(title="Fleet renewal")
        assert (created.company_id, created.probability, created.state) == (company.pk, 50, "open")
        assert created.value == Decimal("2500.50") and created.created_by == alice
        assert Event.objects.filter(
            company=company, kind=EventKind.OPPORTUNITY_CREATED, opportunity_id=created.pk
        ).exists()
    assert (
        "Fleet renewal"
        in client.get(url("opportunity_panel", "company", company.pk)).content.decode()
    )


@pytest.mark.django_db
def test_a_record_the_user_cannot_see_is_refused_and_the_form_kept(client_for, acme, bob, carol):
    hidden = factories.CompanyFactory(organization=acme, created_by=carol, visibility="private")
    stage = factories.stage(acme, "Lead")

    response = client_for(bob).post(
        url("opportunity_create"), form_data(stage, company_id=hidden.pk, company_name="x")
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose a company from the list." in content and 'value="Fleet renewal"' in content
    with scopes_disabled():
        assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_a_record_of_another_organization_is_refused(client_for, acme, globex, alice):
    foreign = factories.ContactFactory(organization=globex)
    stage = factories.stage(acme, "Lead")

    response = client_for(alice).post(
        url("opportunity_create"), form_data(stage, contact_id=foreign.pk, contact_name="x")
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert not Opportunity.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "-5"}, "greater than or equal to 0"),
        ({"currency": "e1"}, "three-letter ISO currency code"),
        ({"probability_set": "150"}, "less than or equal to 100"),
        ({"title": ""}, "This field is required"),
        ({"expected_close": "tomorrow"}, "Enter a valid date"),
        ({"company_id": "", "company_name": ""}, "Choose the company or the contact"),
    ],
)
def test_bad_input_keeps_the_form(client_for, acme, alice, company, overrides, message):
    stage = factories.stage(acme, "Lead")
    data = form_data(stage, company_id=company.pk, company_name="Initech", source="Fair")
    data.update(overrides)

    response = client_for(alice).post(url("opportunity_create"), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and 'value="Fair"' in content
    with scopes_disabled():
        assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_the_owner_must_be_a_member(client_for, acme, alice, gina, company):
    stage = factories.stage(acme, "Lead")

    response = client_for(alice).post(
        url("opportunity_create"),
        form_data(stage, company_id=company.pk, company_name="Initech", owner=gina.pk),
    )

    assert response.status_code == 400
    assert "Choose a member of this organization." in response.content.decode()


@pytest.mark.django_db
def test_an_edit_keeps_a_party_the_editor_cannot_see(client_for, acme, bob, carol, company):
    hidden = factories.ContactFactory(organization=acme, created_by=carol, visibility="private")
    deal = factories.opportunity(acme, created_by=carol, company=company, contact=hidden)
    stage = factories.stage(acme, "Lead")

    response = client_for(bob).post(
        url("opportunity_edit", deal.pk),
        form_data(stage, company_id=company.pk, company_name="Initech", title="Renamed"),
    )

    assert response.status_code == 302
    with scopes_disabled():
        deal.refresh_from_db()
    assert (deal.title, deal.contact_id, deal.company_id) == ("Renamed", hidden.pk, company.pk)


@pytest.mark.django_db
def test_only_the_creator_shares_a_private_opportunity_with_more_people(
    client_for, acme, alice, bob, carol, company
):
    deal = factories.opportunity(
        acme, created_by=carol, company=company, visibility="private",
        description="Ask @bob@example.com",
    )  # fmt: skip
    stage = factories.stage(acme, "Lead")

    response = client_for(bob).post(
        url("opportunity_edit", deal.pk),
        form_data(
            stage, company_id=company.pk, company_name="Initech",
            description="Ask @bob@example.com and @alice@example.com",
        ),
    )  # fmt: skip

    assert response.status_code == 400
    assert "Only the person who created this private record" in response.content.decode()
    assert client_for(alice).get(url("opportunity_detail", deal.pk)).status_code == 404


# --- Moving and closing -------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_writes_the_timeline_and_follows_the_stage(client_for, acme, alice, company):
    deal = factories.opportunity(acme, created_by=alice, company=company)
    negotiation = factories.stage(acme, "Negotiation")

    response = client_for(alice).post(
        url("opportunity_move", deal.pk),
        {"stage": negotiation.pk, "next": url("opportunity_board")},
    )

    assert response.status_code == 302 and response.url == url("opportunity_board")
    with scopes_disabled():
        deal.refresh_from_db()
        event = Event.objects.get(company=company, kind=EventKind.OPPORTUNITY_MOVED)
    assert (deal.stage_id, deal.probability) == (negotiation.pk, 75)
    assert event.data["origin"] == "Lead" and event.data["stage"] == "Negotiation"
    timeline = client_for(alice).get(reverse("company_timeline", args=["acme", company.pk]))
    assert "from Lead to Negotiation" in timeline.content.decode()


@pytest.mark.django_db
def test_the_board_drop_is_answered_204(client_for, acme, alice, company):
    deal = factories.opportunity(acme, created_by=alice, company=company)
    proposal = factories.stage(acme, "Proposal")

    response = client_for(alice).post(
        url("opportunity_move", deal.pk),
        {"stage": proposal.pk},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 204
    with scopes_disabled():
        assert Opportunity.objects.get(pk=deal.pk).stage_id == proposal.pk


@pytest.mark.django_db
def test_a_stage_of_another_organization_is_refused(client_for, acme, globex, alice, company):
    deal = factories.opportunity(acme, created_by=alice, company=company)
    foreign = factories.stage(globex, "Won")

    client_for(alice).post(url("opportunity_move", deal.pk), {"stage": foreign.pk})
    response = client_for(alice).post(
        url("opportunity_move", deal.pk),
        {"stage": foreign.pk},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 400
    with scopes_disabled():
        assert Opportunity.objects.get(pk=deal.pk).stage.name == "Lead"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "stage", "kind"),
    [("won", "Won", "opportunity_won"), ("lost", "Lost", "opportunity_lost")],
)
def test_closing_dates_it_and_writes_the_timeline(
    client_for, acme, alice, company, outcome, stage, kind
):
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    deal = factories.opportunity(acme, created_by=alice, company=company, contact=contact)

    response = client_for(alice).post(
        url("opportunity_close", deal.pk), {"outcome": outcome, "reason": "Price"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        deal.refresh_from_db()
        events = Event.objects.filter(kind=kind, opportunity_id=deal.pk)
        assert {(e.contact_id, e.company_id) for e in events} == {
            (contact.pk, None),
            (None, company.pk),
        }
    assert (deal.stage.name, deal.state, deal.close_reason) == (stage, outcome, "Price")
    assert deal.closed_on is not None
    # Reopened: the close is forgotten.
    client_for(alice).post(url("opportunity_move", deal.pk), {"stage": factories.stage(acme).pk})
    with scopes_disabled():
        deal.refresh_from_db()
    assert (deal.state, deal.closed_on, deal.close_reason) == ("open", None, "")


@pytest.mark.django_db
def test_a_close_without_an_outcome_keeps_the_form(client_for, acme, alice, company):
    deal = factories.opportunity(acme, created_by=alice, company=company)

    response = client_for(alice).post(url("opportunity_close", deal.pk), {"reason": "Why"})

    assert response.status_code == 400 and 'value="Why"' in response.content.decode()


# --- Lists and their cost -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["-value", "value", "close", "-close", "title", "-created"])
def test_the_list_pages_through_every_opportunity_once(client_for, acme, alice, company, sort):
    today = date(2030, 1, 1)
    for index in range(30):
        close = today + timedelta(days=index % 4) if index % 5 else None
        factories.opportunity(
            acme, created_by=alice, company=company, title=f"Deal {index:02}",
            value=f"{index % 7}.50", expected_close=close,
        )  # fmt: skip
    client = client_for(alice)
    seen, query = [], f"?sort={sort}"
    for _page in range(5):
        response = client.get(url("opportunity_list") + query)
        page = response.context["page"]
        seen += [row.pk for row in page.items]
        if not page.next_cursor:
            break
        query = f"?sort={sort}&after={page.next_cursor}"
    assert len(seen) == 30 and len(set(seen)) == 30


@pytest.mark.django_db
def test_the_list_filters_by_owner_and_expected_close(client_for, acme, alice, bob, company):
    for title, owner, close in (
        ("Alice soon", alice, date(2030, 1, 5)),
        ("Alice late", alice, date(2031, 1, 5)),
        ("Bob soon", bob, date(2030, 1, 6)),
    ):
        factories.opportunity(
            acme, created_by=alice, company=company, title=title, owner=owner, expected_close=close
        )

    content = (
        client_for(alice)
        .get(
            url("opportunity_list") + f"?owner={alice.pk}&close_from=2030-01-01&close_to=2030-12-31"
        )
        .content.decode()
    )

    assert "Alice soon" in content and "Alice late" not in content and "Bob soon" not in content


def _many(acme, alice, company, count=30):
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    for index in range(count):
        factories.opportunity(
            acme, created_by=alice, company=company, contact=contact, title=f"Deal {index}",
            stage_name=["Lead", "Qualified", "Won"][index % 3], owner=alice,
            currency=["EUR", "USD"][index % 2], expected_close=date(2030, 1 + index % 12, 1),
        )  # fmt: skip
    return contact


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["opportunity_board", "opportunity_list", "opportunity_forecast", "opportunity_panel",
     "opportunity_detail"],
)  # fmt: skip
def test_pages_cost_at_most_ten_queries(
    client_for, acme, alice, company, django_assert_max_num_queries, name
):
    _many(acme, alice, company)
    client = client_for(alice)
    args = {
        "opportunity_panel": ["company", company.pk],
        "opportunity_detail": [Opportunity.objects.filter(organization=acme).first().pk],
    }.get(name, [])
    client.get(url(name, *args))  # warm the default pipeline and the session

    with django_assert_max_num_queries(10):
        response = client.get(url(name, *args))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["company", "contact"])
def test_the_record_page_costs_the_same_with_opportunities(
    client_for, acme, alice, company, django_assert_num_queries, kind
):
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    record = company if kind == "company" else contact
    client = client_for(alice)
    page = reverse(f"{kind}_detail", args=["acme", record.pk])
    client.get(page)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(page)
    _many(acme, alice, company)
    for index in range(5):
        factories.opportunity(acme, created_by=alice, contact=contact, title=f"C{index}")

    with django_assert_num_queries(len(before)):
        response = client.get(page)

    assert 'id="opportunities-body"' in response.content.decode()


@pytest.mark.django_db
def test_the_board_shows_the_first_cards_of_a_column_and_its_true_count(
    client_for, acme, alice, company
):
    for index in range(25):
        factories.opportunity(
            acme, created_by=alice, company=company, title=f"Lead {index}",
            expected_close=date(2030, 1, 1) + timedelta(days=index),
        )  # fmt: skip

    response = client_for(alice).get(url("opportunity_board"))

    lead = response.context["columns"][0]
    # the ten closing first, in order
    assert [card.title for card in lead.cards] == [f"Lead {index}" for index in range(10)]
    assert lead.count == 25
    assert "25 in this stage" in response.content.decode()


@pytest.mark.django_db
def test_each_cards_stage_select_offers_every_stage_with_its_own_chosen(
    client_for, acme, alice, company
):
    """The keyboard's way to move a card: its select lists the pipeline's stages in order,
    its own stage chosen (the options are rendered once per column)."""
    lead = factories.opportunity(acme, created_by=alice, company=company, title="In lead")
    won = factories.opportunity(
        acme, created_by=alice, company=company, title="Got it", stage_name="Won"
    )

    page = client_for(alice).get(url("opportunity_board")).content.decode()

    with scopes_disabled():
        stages = list(
            Stage.objects.filter(pipeline_id=lead.stage.pipeline_id)
            .order_by("order", "id")
            .values_list("pk", "name")
        )
    for card in (lead, won):
        opening = f'<select id="move-{card.pk}" name="stage">'
        select = page.split(opening, 1)[1].split("</select>", 1)[0]
        expected = "".join(
            f'<option value="{pk}"{" selected" if pk == card.stage_id else ""}>{name}</option>'
            for pk, name in stages
        )
        assert select == expected


@pytest.mark.django_db
def test_the_board_public_totals_follow_every_write(client_for, acme, alice, bob, company):
    """StageTotal (the public totals the open board reads) always equals adding up the
    opportunities, through creation, edits, moves, closes, visibility, stage probability
    changes and deletion; a filtered board adds them up directly."""
    from opportunities import selectors, services
    from opportunities.models import StageTotal
    from organizations.scoping import scope

    def check():
        with scope(organization=acme):
            pipeline = factories.pipeline(acme)
            opened = selectors.board(bob, acme, pipeline, selectors.Filters(), [])
            added = selectors.board(
                bob, acme, pipeline, selectors.Filters(close_from=date(1900, 1, 1)), []
            )
        assert [c.totals for c in opened] == [c.totals for c in added]
        return opened

    deals = [
        factories.opportunity(
            acme, created_by=alice, company=company, title=f"D{index}",
            value=f"{100 + index}.25", currency=["EUR", "USD"][index % 2],
            expected_close=date(2030, 1, 1), visibility=["public", "private"][index % 3 == 0],
        )
        for index in range(7)
    ]  # fmt: skip
    check()
    with scope(organization=acme):
        negotiation = factories.stage(acme, "Negotiation")
        services.opportunity_move(opportunity=deals[1], stage=negotiation, user=alice)
        services.opportunity_close(opportunity=deals[2], user=alice, won=True)
        deals[4].value = Decimal("999.99")
        deals[4].visibility = "private"
        deals[4].save()
        deals[3].visibility = "public"
        deals[3].save()
        services.opportunity_delete(opportunity=deals[5])
        lead = factories.stage(acme, "Lead")
        lead.probability = 33
        services.stage_update(stage=lead)
    columns = check()
    # bob sees the public ones: 1, 2 and 3 (made public); 4 went private, 5 is gone
    assert sum(c.count for c in columns) == 3
    with scopes_disabled():
        assert StageTotal.objects.filter(organization=acme).exists()
