"""Accounts: sign up, log in and out, throttled logins, password change and reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def signup_data(**overrides) -> dict:
    data = {
        "email": "dora@example.com",
        "full_name": "Dora Newcomer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return data | overrides


def login_data(email: str, password: str) -> dict:
    return {"username": email, "password": password}


def logged_in_user(client):
    return client.get(reverse("organization_list")).wsgi_request.user


# Sign up


def test_signup_creates_an_account_identified_by_email_and_logs_in(client):
    response = client.post(reverse("signup"), signup_data(email="Dora@Example.com"))

    assert response.status_code == 302
    assert response.url == reverse("organization_list")
    user = User.objects.get()
    assert user.email == "dora@example.com"
    assert user.full_name == "Dora Newcomer"
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user(client) == user


def test_new_account_can_log_in_with_its_email_and_password(client):
    client.post(reverse("signup"), signup_data())
    client.post(reverse("logout"))

    response = client.post(reverse("login"), login_data("dora@example.com", NEW_PASSWORD))

    assert response.status_code == 302
    assert logged_in_user(client).email == "dora@example.com"


def test_signup_with_an_email_already_in_use_is_refused_with_a_message(client, alice):
    response = client.post(
        reverse("signup"), signup_data(email="ALICE@example.com", full_name="Another Alice")
    )

    assert response.status_code == 200
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert "An account with this email address already exists." in response.text
    assert "email" in response.context["form"].errors


def test_refused_signup_keeps_what_the_user_typed(client, alice):
    response = client.post(
        reverse("signup"), signup_data(email="alice@example.com", full_name="Another Alice")
    )

    assert 'value="alice@example.com"' in response.text
    assert 'value="Another Alice"' in response.text


def test_signup_with_mismatched_passwords_shows_the_error_next_to_the_field(client):
    response = client.post(reverse("signup"), signup_data(password2="something else 42"))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "password2" in response.context["form"].errors
    assert 'value="dora@example.com"' in response.text


def test_signup_follows_a_safe_next_url_and_ignores_an_external_one(client):
    response = client.post(reverse("signup") + "?next=/invitations/abc/", signup_data())
    assert response.url == "/invitations/abc/"

    client.post(reverse("logout"))
    response = client.post(
        reverse("signup") + "?next=https://evil.example/",
        signup_data(email="eve@example.com"),
    )
    assert response.url == reverse("organization_list")


def test_signup_prefills_the_email_from_the_query_string(client):
    response = client.get(reverse("signup") + "?email=dora@example.com")

    assert 'value="dora@example.com"' in response.text


# Log in and out


def test_login_with_email_and_password_redirects_to_the_organizations(client, alice):
    response = client.post(reverse("login"), login_data("alice@example.com", PASSWORD))

    assert response.status_code == 302
    assert response.url == reverse("organization_list")
    assert logged_in_user(client) == alice


def test_login_ignores_the_case_of_the_email(client, alice):
    response = client.post(reverse("login"), login_data("Alice@Example.COM", PASSWORD))

    assert response.status_code == 302
    assert logged_in_user(client) == alice


def test_login_with_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post(reverse("login"), login_data("alice@example.com", "wrong password"))

    assert response.status_code == 200
    assert "Email address and password do not match." in response.text
    assert 'value="alice@example.com"' in response.text
    assert not logged_in_user(client).is_authenticated


def test_logout_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)

    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user(client) == alice

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not logged_in_user(client).is_authenticated


def test_pages_that_need_an_account_redirect_anonymous_users_to_login(client):
    response = client.get(reverse("organization_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


# Login throttling


def fail_logins(client, email: str, times: int) -> None:
    for _ in range(times):
        response = client.post(reverse("login"), login_data(email, "not the password"))
        assert response.status_code == 200


def test_after_too_many_failures_even_the_right_password_is_refused(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = client.post(reverse("login"), login_data("alice@example.com", PASSWORD))

    assert response.status_code == 200
    assert "Too many failed attempts." in response.text
    assert not logged_in_user(client).is_authenticated


def test_failures_below_the_limit_do_not_lock_the_account(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT - 1)

    response = client.post(reverse("login"), login_data("alice@example.com", PASSWORD))

    assert response.status_code == 302
    assert logged_in_user(client) == alice


def test_throttling_one_email_does_not_lock_out_another(client, alice, bob, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = client.post(reverse("login"), login_data("bob@example.com", PASSWORD))

    assert response.status_code == 302
    assert logged_in_user(client) == bob


def test_throttling_counts_an_email_whatever_its_case(client, alice, settings):
    fail_logins(client, "ALICE@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = client.post(reverse("login"), login_data("alice@example.com", PASSWORD))

    assert "Too many failed attempts." in response.text


def test_many_failures_from_one_address_lock_that_address_out(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 3
    for number in range(3):
        fail_logins(client, f"nobody{number}@example.com", 1)

    response = client.post(reverse("login"), login_data("alice@example.com", PASSWORD))

    assert "Too many failed attempts." in response.text


# Password change


def test_password_change_needs_the_old_password_and_sets_the_new_one(client, alice):
    client.force_login(alice)

    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "not my password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 200
    assert "old_password" in refused.context["form"].errors

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    # The session survives the change (update_session_auth_hash).
    assert logged_in_user(client) == alice


def test_password_change_page_needs_an_account(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Password reset


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None

    # The link redirects once to a URL without the token, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    login = client.post(reverse("login"), login_data("alice@example.com", NEW_PASSWORD))
    assert login.status_code == 302


def test_password_reset_link_works_only_once(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    path = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(path, follow=True)

    assert again.context["validlink"] is False
    assert "invalid or was already used" in again.text


def test_password_reset_for_an_unknown_email_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_inactive_users_cannot_log_in(client):
    factories.UserFactory(email="ivan@example.com", is_active=False)

    response = client.post(reverse("login"), login_data("ivan@example.com", PASSWORD))

    assert response.status_code == 200
    assert not logged_in_user(client).is_authenticated
