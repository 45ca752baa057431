"""Who gets what on every opportunity URL: anonymous, mallory (outsider), gina (guest),
bob (member), alice (owner) × a public or a private opportunity.

carol (a member) created both opportunities on a public company; the private one's notes
mention nobody, so only carol sees it. Guests never see an opportunity (they see no
contact or company): 403 on every page. A refused request changes nothing.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from opportunities.models import Opportunity, Pipeline, Stage
from organizations.scoping import scopes_disabled
from tests import factories

# Every opportunity URL under /o/<slug>/ (tests/organizations/test_access.py reads this).
URL_NAMES = {
    "opportunity_list",
    "opportunity_create",
    "opportunity_board",
    "opportunity_forecast",
    "opportunity_panel",
    "opportunity_detail",
    "opportunity_edit",
    "opportunity_delete",
    "opportunity_move",
    "opportunity_close",
    "pipeline_list",
    "pipeline_edit",
    "pipeline_delete",
    "stage_add",
    "stage_edit",
    "stage_delete",
}

PEOPLE = ["anonymous", "mallory", "gina", "bob", "alice"]


@dataclass
class World:
    public: Opportunity
    private: Opportunity
    company: object
    spare_pipeline: Pipeline
    spare_stage: Stage
    won: Stage


@pytest.fixture
def world(acme, cast) -> World:
    carol = cast["carol"]
    company = factories.CompanyFactory(organization=acme, created_by=carol, name="Initech")
    public = factories.opportunity(acme, created_by=carol, company=company, title="Public deal")
    private = factories.opportunity(
        acme, created_by=carol, company=company, title="Private deal", visibility="private"
    )
    with scopes_disabled():
        spare = Pipeline.objects.create(organization=acme, name="Spare", order=5)
    return World(
        public=public,
        private=private,
        company=company,
        spare_pipeline=spare,
        spare_stage=factories.stage(acme, "Negotiation"),
        won=factories.stage(acme, "Won"),
    )


def client_as(client_for, cast, who):
    return client_for(None if who == "anonymous" else cast[who])


def outcome(person: str, sees: bool, allowed: bool, ok: int) -> int:
    if person == "anonymous":
        return 302
    if person == "mallory":
        return 404
    if person == "gina":
        return 403
    if not sees:
        return 404
    return ok if allowed else 403


def edit_data(world: World) -> dict:
    return {
        "title": "Renamed",
        "stage": world.public.stage_id,
        "value": "5",
        "currency": "EUR",
        "company_id": world.company.pk,
        "company_name": "Initech",
        "visibility": "public",
    }


# url name, method, data builder, who may act on an opportunity they see, status on success
RECORD_ROUTES = [
    ("opportunity_detail", "get", None, {"bob", "alice"}, 200),
    ("opportunity_edit", "get", None, {"bob", "alice"}, 200),
    ("opportunity_edit", "post", edit_data, {"bob", "alice"}, 302),
    ("opportunity_move", "post", lambda w: {"stage": w.spare_stage.pk}, {"bob", "alice"}, 302),
    ("opportunity_close", "get", None, {"bob", "alice"}, 200),
    ("opportunity_close", "post", lambda w: {"outcome": "won"}, {"bob", "alice"}, 302),
    ("opportunity_delete", "get", None, {"alice"}, 200),  # carol created it: an owner may
    ("opportunity_delete", "post", None, {"alice"}, 302),
]


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "data", "allowed", "ok"),
    RECORD_ROUTES,
    ids=[f"{m}-{n}" for n, m, *_ in RECORD_ROUTES],
)
def test_opportunity_urls_answer_by_role_and_visibility(
    client_for, cast, world, visibility, person, name, method, data, allowed, ok
):
    opportunity = getattr(world, visibility)
    url = reverse(name, kwargs={"slug": "acme", "pk": opportunity.pk})

    response = getattr(client_as(client_for, cast, person), method)(
        url, data(world) if data else {}
    )

    sees = person in {"bob", "alice"} and visibility == "public"
    assert response.status_code == outcome(person, sees, person in allowed, ok)
    if response.status_code != 302 or person == "anonymous":
        with scopes_disabled():
            row = Opportunity.objects.get(pk=opportunity.pk)
        assert row.title == opportunity.title and row.stage_id == opportunity.stage_id


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["carol"])
def test_the_creator_and_only_they_act_on_their_private_opportunity(
    client_for, cast, world, person
):
    client = client_for(cast[person])
    pk = world.private.pk
    assert client.get(reverse("opportunity_detail", args=["acme", pk])).status_code == 200
    assert client.get(reverse("opportunity_delete", args=["acme", pk])).status_code == 200
    assert client.post(reverse("opportunity_delete", args=["acme", pk])).status_code == 302
    with scopes_disabled():
        assert not Opportunity.objects.filter(pk=pk).exists()


ALL = {"gina": 403, "bob": 200, "alice": 200}
OWNER_PAGE = {"gina": 403, "bob": 403, "alice": 200}
OWNER_POST = {"gina": 403, "bob": 403, "alice": 302}
# url name, method, data, kwargs builder, status per person
PAGE_ROUTES = [
    ("opportunity_list", "get", {}, None, ALL),
    ("opportunity_board", "get", {}, None, ALL),
    ("opportunity_forecast", "get", {}, None, ALL),
    ("opportunity_create", "get", {}, None, ALL),
    ("opportunity_panel", "get", {}, lambda w: {"kind": "company", "pk": w.company.pk}, ALL),
    ("pipeline_list", "get", {}, None, OWNER_PAGE),
    ("pipeline_list", "post", {"name": "Partners", "order": 2}, None, OWNER_POST),
    ("pipeline_edit", "post", {"name": "Renamed", "order": 1},
     lambda w: {"pk": w.spare_pipeline.pk}, OWNER_POST),
    ("pipeline_delete", "post", {}, lambda w: {"pk": w.spare_pipeline.pk}, OWNER_POST),
    ("stage_add", "post", {"name": "Demo", "order": 9, "probability": 30, "kind": "open"},
     lambda w: {"pk": w.spare_pipeline.pk}, OWNER_POST),
    ("stage_edit", "post", {"name": "Haggling", "order": 3, "probability": 70, "kind": "open"},
     lambda w: {"pk": w.spare_stage.pk}, OWNER_POST),
    ("stage_delete", "post", {}, lambda w: {"pk": w.spare_stage.pk}, OWNER_POST),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("name", "method", "data", "kwargs", "expect"),
    PAGE_ROUTES,
    ids=[f"{m}-{n}" for n, m, *_ in PAGE_ROUTES],
)
def test_opportunity_pages_answer_by_role(
    client_for, cast, world, person, name, method, data, kwargs, expect
):
    url_kwargs = {"slug": "acme", **(kwargs(world) if kwargs else {})}
    response = getattr(client_as(client_for, cast, person), method)(
        reverse(name, kwargs=url_kwargs), data
    )

    expected = {"anonymous": 302, "mallory": 404, **expect}[person]
    assert response.status_code == expected
    if response.status_code in (403, 404) or person == "anonymous":
        with scopes_disabled():
            assert Pipeline.objects.get(pk=world.spare_pipeline.pk).name == "Spare"
            assert Stage.objects.get(pk=world.spare_stage.pk).name == "Negotiation"
            assert not Pipeline.objects.filter(name="Partners").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["contact", "company"])
def test_the_panel_of_a_record_the_reader_cannot_see_is_404(client_for, acme, bob, carol, kind):
    factory = factories.ContactFactory if kind == "contact" else factories.CompanyFactory
    hidden = factory(organization=acme, created_by=carol, visibility="private")

    response = client_for(bob).get(
        reverse("opportunity_panel", kwargs={"slug": "acme", "kind": kind, "pk": hidden.pk})
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_panel_of_an_unknown_kind_is_404(client_for, acme, bob):
    response = client_for(bob).get(
        reverse("opportunity_panel", kwargs={"slug": "acme", "kind": "project", "pk": 1})
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_pipelines_and_stages_of_another_organization_are_404(client_for, globex, alice, world):
    other = factories.stage(globex, "Lead")
    client = client_for(alice)
    for name in ("stage_edit", "stage_delete"):
        response = client.post(
            reverse(name, kwargs={"slug": "acme", "pk": other.pk}),
            {"name": "X", "order": 1, "probability": 5, "kind": "open"},
        )
        assert response.status_code == 404
    response = client.post(
        reverse("pipeline_delete", kwargs={"slug": "acme", "pk": other.pipeline_id})
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert Stage.objects.filter(pk=other.pk, name="Lead").exists()
