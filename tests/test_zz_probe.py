import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests import factories
@pytest.mark.django_db
def test_probe(client_for, alice, bob, gina, acme):
    factories.ContactFactory.create_batch(3, organization=acme)
    for u in (alice, bob, gina):
        c = client_for(u)
        c.get(reverse("dashboard", kwargs={"slug": "acme"}))
        with CaptureQueriesContext(connection) as q:
            c.get(reverse("dashboard", kwargs={"slug": "acme"}))
        print(u.email, len(q.captured_queries))
