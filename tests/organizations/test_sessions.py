"""Sessions end when they should: password change and reset, "log out everywhere", removal."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from contacts.models import Contact
from organizations.models import Membership
from tests import factories
from tests.contacts.helpers import contact_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"
HTMX = {"HTTP_HX_REQUEST": "true"}


def browser(user) -> Client:
    """A separate browser (its own cookies) logged in as `user` through the login form."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_logged_in(client) -> bool:
    return client.get(reverse("organization_list")).wsgi_request.user.is_authenticated


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(alice):
    laptop, phone = browser(alice), browser(alice)

    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


def test_log_out_everywhere_ends_every_other_session(alice, bob):
    laptop, phone, bobs = browser(alice), browser(alice), browser(bob)
    assert is_logged_in(phone)

    response = laptop.post(reverse("logout_everywhere"), follow=True)

    assert "You were logged out of every other browser and device." in response.text
    assert is_logged_in(laptop)  # the browser that asked stays in
    assert not is_logged_in(phone)
    assert is_logged_in(bobs)  # nobody else's sessions
    again = browser(alice)  # and alice can log in again anywhere
    assert is_logged_in(again)


def test_log_out_everywhere_gives_the_remaining_session_a_new_key(alice):
    laptop = browser(alice)
    old_key = laptop.cookies["sessionid"].value

    laptop.post(reverse("logout_everywhere"))

    stolen = Client()
    stolen.cookies["sessionid"] = old_key
    assert not is_logged_in(stolen)
    assert laptop.cookies["sessionid"].value != old_key


def test_log_out_everywhere_is_a_post_from_a_logged_in_user(client, alice):
    assert client.post(reverse("logout_everywhere")).url.startswith(reverse("login"))
    client.force_login(alice)
    assert client.get(reverse("logout_everywhere")).status_code == 405
    assert 'action="/accounts/logout/everywhere/"' in client.get(reverse("password_change")).text


def test_a_password_reset_ends_every_session(client, alice):
    phone = browser(alice)

    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    path = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not is_logged_in(phone)
    assert is_logged_in(client)


def test_an_open_page_stops_working_when_its_session_is_ended(alice, acme):
    laptop, phone = browser(alice), browser(alice)
    contacts = reverse("contact_list", kwargs={"slug": "acme"})
    assert phone.get(contacts).status_code == 200

    laptop.post(reverse("logout_everywhere"))
    fragment = phone.get(
        contacts, {"q": "a"}, HTTP_HX_CURRENT_URL=f"http://testserver{contacts}", **HTMX
    )
    page = phone.get(contacts)

    # htmx loads the login page as a whole page, and returns to the page afterwards.
    assert fragment["HX-Redirect"] == f"{reverse('login')}?next={contacts}"
    assert page.status_code == 302 and page.url.startswith(reverse("login"))


# Removed from an organization


@pytest.fixture
def bobs_open_page(alice, bob, acme):
    """Bob's browser with the contact list open, and a contact he may edit there."""
    bobs = browser(bob)
    contact = factories.ContactFactory(organization=acme, created_by=bob)
    assert bobs.get(reverse("contact_list", kwargs={"slug": "acme"})).status_code == 200
    membership = Membership.objects.get(user=bob, organization=acme)
    remove = reverse("member_remove", kwargs={"slug": "acme", "pk": membership.pk})
    assert browser(alice).post(remove).status_code == 302
    return bobs, contact


def test_a_removed_member_loses_pages_at_their_next_request(bobs_open_page):
    bobs, contact = bobs_open_page

    for name, kwargs in (("contact_list", {}), ("contact_detail", {"pk": contact.pk})):
        assert bobs.get(reverse(name, kwargs={"slug": "acme", **kwargs})).status_code == 404
    assert is_logged_in(bobs)  # still logged in; only the organization is gone


def test_a_removed_members_htmx_requests_reload_the_page_into_a_404(bobs_open_page):
    bobs, contact = bobs_open_page

    search = bobs.get(reverse("contact_list", kwargs={"slug": "acme"}), {"q": "a"}, **HTMX)
    row = bobs.get(
        reverse("contact_row", kwargs={"slug": "acme", "pk": contact.pk}), {"edit": "1"}, **HTMX
    )

    for response in (search, row):
        assert response.status_code == 404
        assert response["HX-Refresh"] == "true"
        assert contact.first_name not in response.text


def test_a_removed_members_posts_change_nothing(bobs_open_page, unscoped):
    bobs, contact = bobs_open_page
    before = Contact.objects.count()

    created = bobs.post(reverse("contact_create", kwargs={"slug": "acme"}), contact_data())
    edited = bobs.post(
        reverse("contact_edit", kwargs={"slug": "acme", "pk": contact.pk}),
        contact_data(first_name="Changed"),
    )
    deleted = bobs.post(reverse("contact_delete", kwargs={"slug": "acme", "pk": contact.pk}))

    assert created.status_code == edited.status_code == deleted.status_code == 404
    assert Contact.objects.count() == before
    contact.refresh_from_db()
    assert contact.first_name != "Changed"
