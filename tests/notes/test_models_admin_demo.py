"""The notes schema's guarantees, the read-only admin and the demo notes."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from events.models import Event, Notification
from notes.models import Note, NoteAttachment, NoteMention, NoteRevision
from organizations.checks import check_tenant_model
from organizations.scoping import ScopeError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Note, NoteMention, NoteRevision, NoteAttachment])
def test_reading_notes_without_a_scope_raises(model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.parametrize("model", [Note, NoteMention, NoteRevision, NoteAttachment])
def test_every_notes_model_passes_the_tenant_checks(model):
    assert check_tenant_model(model) == []


def test_a_note_belongs_to_exactly_one_record(acme, unscoped):
    contact = factories.ContactFactory(organization=acme)
    company = factories.CompanyFactory(organization=acme)

    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(organization=acme, contact=contact, company=company, body="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(organization=acme, body="x")


def test_operators_read_notes_in_the_admin_and_cannot_change_them(acme, client, unscoped):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser(email="op@example.com", password="x")
    note = factories.NoteFactory(
        contact=factories.ContactFactory(organization=acme), body="Visible to operators."
    )
    client.force_login(operator)

    listing = client.get(reverse("admin:notes_note_changelist"))
    detail = client.get(reverse("admin:notes_note_change", args=[note.pk]))

    assert listing.status_code == 200 and "Visible to operators." in listing.content.decode()
    assert detail.status_code == 200
    assert client.get(reverse("admin:notes_note_add")).status_code == 403


def test_seed_demo_writes_a_few_notes_once(unscoped):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Note.objects.count(), Event.objects.filter(kind="note_added").count())
    call_command("seed_demo", stdout=io.StringIO())

    assert (Note.objects.count(), Event.objects.filter(kind="note_added").count()) == counts
    assert counts[0] >= 4
    assert Note.objects.filter(pinned_at__isnull=False).exists()
    assert Note.objects.filter(is_private=True).exists()
    assert Note.objects.filter(project__isnull=False).exists()
    assert Notification.objects.filter(kind="note_mention").exists()
