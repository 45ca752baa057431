import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_pages_render(client_for, acme, alice, bob):
    company = factories.CompanyFactory(organization=acme, created_by=alice)
    contact = factories.ContactFactory(organization=acme, created_by=alice)
    opp = factories.opportunity(acme, created_by=alice, company=company, contact=contact)
    c = client_for(alice)
    for name, kw in [
        ("opportunity_list", {}),
        ("opportunity_board", {}),
        ("opportunity_forecast", {}),
        ("opportunity_create", {}),
        ("pipeline_list", {}),
        ("opportunity_detail", {"pk": opp.pk}),
        ("opportunity_edit", {"pk": opp.pk}),
        ("opportunity_close", {"pk": opp.pk}),
        ("opportunity_delete", {"pk": opp.pk}),
        ("opportunity_panel", {"kind": "company", "pk": company.pk}),
        ("company_detail", {"pk": company.pk}),
        ("contact_detail", {"pk": contact.pk}),
    ]:
        r = c.get(reverse(name, kwargs={"slug": "acme", **kw}))
        assert r.status_code == 200, (name, r.content[:3000])
    for sort in ["title", "-value", "close", "-close", "created"]:
        r = c.get(reverse("opportunity_list", kwargs={"slug": "acme"}) + f"?sort={sort}")
        assert r.status_code == 200
