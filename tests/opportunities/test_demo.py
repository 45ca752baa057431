"""`seed_demo` gives Acme a few opportunities, once, recorded on their timelines."""

from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event, EventKind
from opportunities.models import Opportunity, Pipeline


@pytest.mark.django_db
def test_seed_demo_adds_opportunities_once(unscoped):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    titles = set(Opportunity.objects.values_list("title", flat=True))
    assert titles == {"Plant sensors rollout", "Nordwind fleet audit", "ICT audit follow-up"}
    assert Event.objects.filter(kind=EventKind.OPPORTUNITY_CREATED).count() == 3
    assert all(p.stages.count() == 6 for p in Pipeline.objects.all())
