"""Emailing a document: who is preselected (each person's preference per category, "send
copies", nobody set → the first contact person, and why), whoever is picked by hand
receives it, a draft is issued as it is sent and a failed send takes no number."""

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from events.models import Event, EventKind
from organizations.scoping import scopes_disabled
from sales import sending
from sales.models import Category, Delivery, Document, DocumentSend, RecipientPreference, Status
from tests import factories

LINE = {"description": "Solar audit", "quantity": "1", "unit_price": "100", "tax_rate": "22"}


def person(acme, company, first, *emails, primary=False, pec="", **fields):
    contact = factories.ContactFactory(organization=acme, first_name=first, last_name="Rossi",
                                       pec=pec, **fields)  # fmt: skip
    factories.AffiliationFactory(contact=contact, company=company, is_primary=primary)
    with scopes_disabled():
        for position, address in enumerate(emails):
            contact.emails.create(organization=acme, position=position, email=address)
    return contact


@pytest.fixture
def enel(acme, carol):
    company = factories.CompanyFactory(organization=acme, name="Enel Green Power")
    people = {
        "marco": person(acme, company, "Marco", "marco@enel.example", "m.rossi@home.example",
                        primary=True, pec="marco@pec.example"),
        "giulia": person(acme, company, "Giulia", "giulia@enel.example"),
        "paolo": person(acme, company, "Paolo", "paolo@enel.example"),
        "secret": person(acme, company, "Segreto", "secret@enel.example", visibility="private",
                         created_by=carol),
    }  # fmt: skip
    return company, people


def key(contact, address):
    return f"{contact.pk}:{address}"


def set_mode(company, contact, category, mode):
    with scopes_disabled():
        sending.preferences_save(company, {(contact.pk, category): mode})


@pytest.mark.django_db
def test_preferences_preselect_to_and_cc(acme, alice, enel):
    company, people = enel
    set_mode(company, people["paolo"], Category.INVOICE, Delivery.TO)
    with scopes_disabled():
        sending.send_copies(company, people["giulia"])
        offer = sending.offer(alice, factories.document(acme, company=company, lines=[LINE]))

    assert offer.to == [key(people["paolo"], "paolo@enel.example")]
    assert offer.cc == [key(people["giulia"], "giulia@enel.example")]
    assert offer.warning == ""
    # Every address of every person alice sees is offered, the PEC too; not the hidden one.
    assert [option.address for option in offer.options] == [
        "marco@enel.example", "m.rossi@home.example", "marco@pec.example",
        "giulia@enel.example", "paolo@enel.example",
    ]  # fmt: skip


@pytest.mark.django_db
def test_send_copies_sets_cc_for_every_category(acme, alice, enel):
    company, people = enel
    with scopes_disabled():
        sending.send_copies(company, people["giulia"])
        modes = set(
            RecipientPreference.objects.filter(contact=people["giulia"]).values_list(
                "category", "mode"
            )
        )
    assert modes == {(category, Delivery.CC) for category in Category.values}


@pytest.mark.django_db
def test_a_lone_cc_is_promoted_to_to(acme, alice, enel):
    company, people = enel
    set_mode(company, people["giulia"], Category.QUOTE, Delivery.CC)
    with scopes_disabled():
        offer = sending.offer(alice, factories.document(acme, kind="quote", company=company))
    assert (offer.to, offer.cc) == ([key(people["giulia"], "giulia@enel.example")], [])


@pytest.mark.django_db
def test_nobody_set_preselects_the_primary_person_and_says_why(acme, alice, enel):
    company, people = enel
    set_mode(company, people["giulia"], Category.QUOTE, Delivery.TO)  # another category
    with scopes_disabled():
        offer = sending.offer(alice, factories.document(acme, company=company))

    assert (offer.to, offer.cc) == ([key(people["marco"], "marco@enel.example")], [])
    assert "Nobody is set to receive “Invoices”" in offer.warning
    assert "Marco Rossi" in offer.warning


@pytest.mark.django_db
def test_a_contact_party_is_its_own_recipient(acme, alice):
    contact = factories.ContactFactory(organization=acme, first_name="Anna")
    with scopes_disabled():
        contact.emails.create(organization=acme, position=0, email="anna@example.com")
        offer = sending.offer(alice, factories.document(acme, contact=contact))
    assert offer.to == [key(contact, "anna@example.com")] and offer.warning == ""


@pytest.mark.django_db
def test_sending_a_draft_issues_it_and_emails_whoever_was_picked(
    client_for, acme, alice, enel, mailoutbox, django_capture_on_commit_callbacks
):
    company, people = enel
    set_mode(company, people["marco"], Category.INVOICE, Delivery.TO)
    draft = factories.document(acme, company=company, lines=[LINE])
    url = reverse("document_send", args=["acme", draft.pk])
    client = client_for(alice)
    assert key(people["marco"], "marco@enel.example") in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            # Paolo has no preference: picked by hand, he receives it all the same.
            "to": [key(people["paolo"], "paolo@enel.example")],
            "to_other": "Boss@Elsewhere.example, paolo@ENEL.example",
            "cc": [key(people["giulia"], "giulia@enel.example")],
            "bcc_other": "books@acme.example",
            "subject": "Your invoice",
            "message": "Thank you.",
        })  # fmt: skip

    assert response.status_code == 302
    with scopes_disabled():
        document = Document.objects.get(pk=draft.pk)
        send = DocumentSend.objects.get()
        roles = list(send.recipients.values_list("role", "address"))
        event = Event.objects.get(kind=EventKind.DOCUMENT_SENT)
    assert document.status == Status.ISSUED and document.number.startswith("INV-")
    (message,) = mailoutbox
    assert message.to == ["paolo@enel.example", "Boss@Elsewhere.example"]  # one Paolo
    assert message.cc == ["giulia@enel.example"] and message.bcc == ["books@acme.example"]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"{document.number}.pdf", "application/pdf")
    with storages["default"].open(document.pdf_key, "rb") as kept:
        assert content == kept.read()  # the PDF sent is the one kept
    assert send.status == "sent" and send.message_id == message.extra_headers["Message-ID"]
    assert ("bcc", "books@acme.example") in roles and len(roles) == 4
    assert event.data["recipients"] == [
        "paolo@enel.example",
        "Boss@Elsewhere.example",
        "giulia@enel.example",
    ]
    page = client.get(reverse("document_detail", args=["acme", draft.pk])).content.decode()
    assert "Sent by email" in page and "Boss@Elsewhere.example" in page


@pytest.mark.django_db
def test_a_failed_send_takes_no_number(
    client_for, acme, alice, enel, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    company, people = enel
    draft = factories.document(acme, company=company, lines=[LINE])

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("sales.tasks.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).post(
            reverse("document_send", args=["acme", draft.pk]),
            {"to_other": "x@example.com", "subject": "Invoice"},
        )

    with scopes_disabled():
        send = DocumentSend.objects.get()
        document = Document.objects.get(pk=draft.pk)
    assert (send.status, "SMTP server down" in send.error) == ("failed", True)
    assert (document.status, document.number) == (Status.DRAFT, "")
    assert mailoutbox == []
    again = factories.issued(draft)
    assert again.number.endswith("-0001")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"subject": "Invoice"},  # nobody in To
        {"cc_other": "a@example.com", "subject": "Invoice"},  # CC only
        {"to_other": "not an address", "subject": "Invoice"},
        {"to_other": "a@example.com", "subject": ""},
        {"to": ["999:ghost@example.com"], "subject": "Invoice"},  # not an offered address
    ],
)
def test_a_bad_send_keeps_the_form_and_sends_nothing(
    client_for, acme, alice, enel, data, mailoutbox, django_capture_on_commit_callbacks
):
    company, _people = enel
    draft = factories.document(acme, company=company, lines=[LINE])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(reverse("document_send", args=["acme", draft.pk]), data)

    assert response.status_code == 400
    with scopes_disabled():
        assert not DocumentSend.objects.exists()
        assert Document.objects.get(pk=draft.pk).status == Status.DRAFT
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_recipients_page_saves_modes_and_send_copies(client_for, alice, bob, enel):
    company, people = enel
    url = reverse("recipient_preferences", args=["acme", company.pk])
    client = client_for(bob)

    page = client.get(url).content.decode()
    assert "Marco Rossi" in page and "Segreto" not in page  # bob does not see the secret one
    data = {
        f"p{p.pk}_{category}": Delivery.NONE
        for p in (people["marco"], people["giulia"], people["paolo"])
        for category in Category.values
    }
    data[f"p{people['marco'].pk}_invoice"] = Delivery.TO
    assert client.post(url, data).status_code == 302
    assert client.post(url, {"copies": people["giulia"].pk}).status_code == 302
    assert client.post(url, {"copies": people["secret"].pk}).status_code == 404

    with scopes_disabled():
        modes = dict(
            RecipientPreference.objects.filter(category=Category.INVOICE).values_list(
                "contact_id", "mode"
            )
        )
    assert modes[people["marco"].pk] == Delivery.TO
    assert modes[people["giulia"].pk] == Delivery.CC
    assert modes[people["paolo"].pk] == Delivery.NONE
    assert people["secret"].pk not in modes
