"""Issue 18's finish: no Django defaults showing through, an error summary linked to the
fields, contact points that grow on demand, status badges, avatars, wording that says what
happens (the reset button, a sign-up through an invitation)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from contacts.models import Contact
from directory.templatetags.avatars import initials
from organizations.models import Invitation
from tests import factories
from tests.contacts.helpers import company_data, contact_data

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"slug": "acme", **kwargs})


FORM_PAGES = ["contact_create", "company_create", "project_create", "ticket_create"]


@pytest.mark.parametrize("name", [*FORM_PAGES, "organization_settings", "member_list"])
def test_no_label_colon_and_no_dashes_in_a_form(acme, alice, client_for, name):
    factories.RecordTypeFactory(organization=acme, name="Client")
    page = client_for(alice).get(url(name)).content.decode()

    assert "<label" in page
    assert not re.search(r":</label>|:</legend>", page)
    assert "---------" not in page


def test_empty_choices_say_what_they_mean(acme, alice, client_for):
    company_form = client_for(alice).get(url("company_create")).content.decode()
    project = factories.ProjectFactory(organization=acme)
    task_form = client_for(alice).get(url("task_create", project_pk=project.pk)).content.decode()

    assert '<option value="" selected>(no type)</option>' in company_form
    assert '<option value="" selected>(no sector)</option>' in company_form
    assert '<option value="" selected>(nobody)</option>' in task_form


def test_the_error_summary_links_each_error_to_its_field(bob, client_for):
    response = client_for(bob).post(
        url("company_create"), company_data(name="", emails=["info@"], phones=["+39 12"])
    )
    page = response.content.decode()

    assert response.status_code == 400
    start = page.index('class="form-errors error-summary"')
    summary = page[start : page.index("</div>", start)]
    assert "The form has 3 errors" in summary
    assert '<a href="#id_name">Name: This field is required.</a>' in summary
    assert 'href="#id_emails-0-email">Email (row 1):' in summary
    assert 'href="#id_phones-0-number">Phone (row 1):' in summary
    # The summary comes first, before the first field.
    assert page.index("error-summary") < page.index('name="name"')


def test_a_form_without_errors_has_no_summary(bob, client_for):
    assert "error-summary" not in client_for(bob).get(url("contact_create")).content.decode()


def test_the_login_form_summarises_its_error(alice):
    page = Client().post(reverse("login"), {"username": alice.email, "password": "wrong"})

    assert "The form has 1 error" in page.content.decode()


def _block(page: str, kind: str) -> str:
    start = page.index(f'id="{kind}-block"')
    return page[start : page.index("</fieldset>", start)]


def test_contact_points_start_with_one_empty_row_and_an_add_button(bob, client_for):
    page = client_for(bob).get(url("contact_create")).content.decode()

    for kind, label in [("emails", "email"), ("phones", "phone"), ("addresses", "address")]:
        block = _block(page, kind)
        assert f'name="{kind}-TOTAL_FORMS" value="1"' in block
        assert f'name="{kind}-0-label"' in block and f'name="{kind}-1-label"' not in block
        assert 'data-max="3"' in block
        assert f'name="{kind}-__prefix__-label"' in block  # the row the button copies
        assert f"data-add-row hidden>Add another {label}</button>" in block


def test_an_edited_record_shows_its_rows_and_one_more_until_full(acme, bob, client_for, unscoped):
    contact = factories.ContactFactory(organization=acme)
    contact.emails.create(organization=acme, email="a@example.com", position=0)
    for position in range(3):
        contact.phones.create(organization=acme, number=f"+3902123456{position}", position=position)

    page = client_for(bob).get(url("contact_edit", pk=contact.pk)).content.decode()

    assert 'name="emails-TOTAL_FORMS" value="2"' in _block(page, "emails")
    assert 'name="phones-TOTAL_FORMS" value="3"' in _block(page, "phones")
    assert 'name="addresses-TOTAL_FORMS" value="1"' in _block(page, "addresses")


def test_rows_added_in_the_browser_are_saved(bob, client_for, unscoped):
    # What "Add another" posts: two rows where the page had one.
    response = client_for(bob).post(
        url("contact_create"), contact_data(emails=["one@example.com", "two@example.com"])
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert list(contact.emails.values_list("email", flat=True)) == [
        "one@example.com",
        "two@example.com",
    ]


def test_each_status_has_its_own_badge(acme, alice, client_for):
    statuses = ["planned", "active", "on_hold", "completed", "cancelled"]
    for status in statuses:
        factories.ProjectFactory(organization=acme, name=f"P {status}", status=status)

    page = client_for(alice).get(url("project_list")).content.decode()
    badges = re.findall(r'<span class="badge status-([a-z_]+)">([^<]+)</span>', page)

    assert sorted(badges) == sorted(
        [
            ("planned", "Planned"),
            ("active", "Active"),
            ("on_hold", "On hold"),
            ("completed", "Completed"),
            ("cancelled", "Cancelled"),
        ]
    )


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Giulia Rossi", "person", "GR"),
        ("Anna Maria de Luca", "person", "AL"),
        ("Madonna", "person", "M"),
        ("Enel Green Power", "company", "EG"),
        ("3M", "company", "3"),
        ("  — ", "person", "?"),
        ("élodie durand", "person", "ÉD"),
    ],
)
def test_initials(name, kind, expected):
    assert initials(name, kind) == expected


def test_people_and_companies_wear_their_initials(acme, bob, client_for):
    contact = factories.ContactFactory(organization=acme, first_name="Giulia", last_name="Rossi")
    company = factories.CompanyFactory(organization=acme, name="Enel Green Power")
    client = client_for(bob)

    for page, letters, shape in [
        (client.get(url("contact_list")), "GR", "person"),
        (client.get(url("contact_detail", pk=contact.pk)), "GR", "person"),
        (client.get(url("company_list")), "EG", "company"),
        (client.get(url("company_detail", pk=company.pk)), "EG", "company"),
    ]:
        avatar = rf'<span class="avatar avatar-{shape} tone-\d[^"]*" aria-hidden="true">'
        assert re.search(avatar + letters + "</span>", page.content.decode())


def test_the_password_reset_button_says_what_it_does():
    page = Client().get(reverse("password_reset")).content.decode()

    assert '<button type="submit" class="primary">Send the reset link</button>' in page


def test_signing_up_through_an_invitation_speaks_of_it(acme):
    token, token_hash = Invitation.new_token()
    factories.InvitationFactory(organization=acme, email="dora@example.com", token_hash=token_hash)
    accept = reverse("invitation_accept", kwargs={"token": token})
    client = Client()

    page = client.get(reverse("signup") + f"?email=dora@example.com&next={accept}")
    assert "You were invited to join Acme." in page.content.decode()

    client.post(reverse("signup") + f"?next={accept}", {"email": "dora@example.com"})
    link = re.search(r"https?://[^/\s]+(/accounts/signup/\S+/)", mail.outbox[0].body).group(1)
    assert "invitation to join Acme" in client.get(link).content.decode()

    password = "a brand new passphrase 42"
    response = client.post(
        link,
        {"full_name": "Dora Newcomer", "password1": password, "password2": password},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == accept
    assert "Welcome to Rolo! Accept the invitation to join Acme." in page
    assert "Create your first organization" not in page


def test_a_plain_sign_up_still_speaks_of_a_first_organization():
    client = Client()
    page = client.get(reverse("signup") + "?next=/accounts/profile/").content.decode()
    assert "invited" not in page
