"""`seed_demo` gives Acme a catalog and documents with Nordwind, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event, EventKind
from sales.models import Document, Product, Status


@pytest.mark.django_db
def test_seed_demo_adds_a_catalog_and_documents_once(unscoped):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert Product.objects.count() == 3
    invoice = Document.objects.get(kind="invoice")
    assert invoice.status == Status.PARTIALLY_PAID and invoice.number
    assert invoice.lines.count() == 3 and invoice.gross > 1000
    assert Document.objects.get(kind="quote").status == Status.DRAFT
    assert Event.objects.filter(kind=EventKind.DOCUMENT_ISSUED).count() == 1
