"""Accounts: sign up, log in and out, throttled logins, password change and reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations import throttle
from tests import factories
from tests.factories import PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def signup_link(message) -> str:
    """The path of the sign-up link in a mailed message."""
    return re.search(r"https?://[^/\s]+(/accounts/signup/\S+/)", message.body).group(1)


def finish_data(**overrides) -> dict:
    data = {"full_name": "Dora Newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return data | overrides


def sign_up(client, email: str = "dora@example.com", next_url: str = ""):
    """Ask for a sign-up link for `email`; return the answer to the request."""
    query = f"?next={next_url}" if next_url else ""
    return client.post(reverse("signup") + query, {"email": email})


def login_data(email: str, password: str) -> dict:
    return {"username": email, "password": password}


def logged_in_user(client):
    return client.get(reverse("organization_list")).wsgi_request.user


# Sign up


def test_signup_mails_a_link_that_creates_the_account_and_logs_in(client):
    response = sign_up(client, "Dora@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    assert not User.objects.exists()  # nothing exists until the address is proved
    assert [message.to for message in mail.outbox] == [["dora@example.com"]]

    form_page = client.get(signup_link(mail.outbox[0]))
    assert "dora@example.com" in form_page.text
    response = client.post(signup_link(mail.outbox[0]), finish_data())

    assert response.status_code == 302
    assert response.url == reverse("organization_list")
    user = User.objects.get()
    assert user.email == "dora@example.com"
    assert user.full_name == "Dora Newcomer"
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user(client) == user


def test_new_account_can_log_in_with_its_email_and_password(client):
    sign_up(client)
    client.post(signup_link(mail.outbox[0]), finish_data())
    client.post(reverse("logout"))

    response = client.post(reverse("login"), login_data("dora@example.com", NEW_PASSWORD))

    assert response.status_code == 302
    assert logged_in_user(client).email == "dora@example.com"


def test_signup_answers_the_same_for_a_registered_email_and_tells_its_owner(client, alice):
    new = sign_up(client, "dora@example.com")
    taken = sign_up(client, "ALICE@example.com")

    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert not User.objects.filter(email="dora@example.com").exists()
    to_alice = mail.outbox[1]
    assert to_alice.to == ["alice@example.com"]
    assert "already has one" in to_alice.body
    assert reverse("login") in to_alice.body
    assert reverse("password_reset") in to_alice.body
    assert "/accounts/signup/" not in to_alice.body  # no link that could make an account


def test_a_signup_link_works_once(client):
    sign_up(client)
    link = signup_link(mail.outbox[0])
    client.post(link, finish_data())
    client.post(reverse("logout"))

    again = client.post(link, finish_data(full_name="Someone Else", password1="x", password2="x"))

    assert again.status_code == 404
    assert "already a Rolo account" in again.text
    assert User.objects.get().full_name == "Dora Newcomer"


def test_a_forged_or_expired_signup_link_creates_nothing(client, settings):
    sign_up(client)
    link = signup_link(mail.outbox[0])

    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = client.post(reverse("signup_finish", args=[tampered]), finish_data())
    settings.SIGNUP_LINK_MAX_AGE = -1
    expired = client.post(link, finish_data())

    assert forged.status_code == expired.status_code == 404
    assert "invalid or has expired" in expired.text
    assert not User.objects.exists()


def test_finishing_signup_with_mismatched_passwords_shows_the_error_next_to_the_field(client):
    sign_up(client)

    response = client.post(signup_link(mail.outbox[0]), finish_data(password2="else 42 x"))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "password2" in response.context["form"].errors
    assert 'value="Dora Newcomer"' in response.text


def test_signup_returns_to_a_safe_next_url_and_ignores_an_external_one(client):
    sign_up(client, "dora@example.com", next_url="/invitations/abc/")
    response = client.post(signup_link(mail.outbox[-1]), finish_data())
    assert response.url == "/invitations/abc/"

    client.post(reverse("logout"))
    sign_up(client, "eve@example.com", next_url="https://evil.example/")
    response = client.post(signup_link(mail.outbox[-1]), finish_data())
    assert response.url == reverse("organization_list")


def test_signup_prefills_the_email_from_the_query_string(client):
    response = client.get(reverse("signup") + "?email=dora@example.com")

    assert 'value="dora@example.com"' in response.text


def test_signup_is_limited_per_email_whether_or_not_it_has_an_account(client, alice, settings):
    settings.SIGNUP_LIMIT_PER_EMAIL = 2
    answers = {}
    for email in ("dora@example.com", "alice@example.com"):
        for _ in range(2):
            assert sign_up(client, email).status_code == 302
        answers[email] = sign_up(client, email)

    for refused in answers.values():
        assert refused.status_code == 200
        assert "Too many sign-up requests. Please wait" in refused.text
        assert 'value="' in refused.text
    dora, alice_ = (answers[email].context["form"] for email in answers)
    # The same answer either way; the wait may have ticked down by a second in between.
    assert re.sub(r"\d+", "N", str(dora.errors)) == re.sub(r"\d+", "N", str(alice_.errors))
    assert len(mail.outbox) == 4
    assert sign_up(client, "eve@example.com").status_code == 302  # other addresses go on


def test_signup_is_limited_per_client_address(client, settings):
    settings.SIGNUP_LIMIT_PER_IP = 3
    for number in range(3):
        assert sign_up(client, f"person{number}@example.com").status_code == 302

    refused = sign_up(client, "person9@example.com")
    elsewhere = client.post(
        reverse("signup"), {"email": "person9@example.com"}, REMOTE_ADDR="198.51.100.9"
    )

    assert "Too many sign-up requests." in refused.text
    assert elsewhere.status_code == 302
    assert len(mail.outbox) == 4


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

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.2"


def fail_logins(client, email: str, times: int, address: str = "127.0.0.1") -> None:
    for _ in range(times):
        response = client.post(
            reverse("login"), login_data(email, "not the password"), REMOTE_ADDR=address
        )
        assert "Email address and password do not match." in response.text


def log_in(client, email: str, address: str = "127.0.0.1", **extra):
    return client.post(reverse("login"), login_data(email, PASSWORD), REMOTE_ADDR=address, **extra)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: clock.advance(seconds)."""

    class Clock:
        now = 1_000_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(throttle, "_now", lambda: fake.now)
    return fake


def test_after_too_many_failures_even_the_right_password_is_refused(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = log_in(client, "alice@example.com")

    assert response.status_code == 200
    assert "Too many failed attempts. Please wait 30 seconds" in response.text
    assert 'value="alice@example.com"' in response.text  # what was typed stays
    assert not logged_in_user(client).is_authenticated


def test_failures_below_the_limit_do_not_lock_the_account(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT - 1)

    response = log_in(client, "alice@example.com")

    assert response.status_code == 302
    assert logged_in_user(client) == alice


def test_the_refusal_does_not_tell_whether_the_account_exists(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)
    fail_logins(client, "nobody@example.com", settings.LOGIN_FAILURE_LIMIT)

    existing = log_in(client, "alice@example.com")
    unknown = log_in(client, "nobody@example.com")

    assert existing.context["form"].errors == unknown.context["form"].errors


def test_an_attacker_failing_from_their_address_does_not_lock_the_owner_out(
    client, alice, settings
):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT, ATTACKER)
    assert "Too many failed attempts." in log_in(client, "alice@example.com", ATTACKER).text

    response = log_in(client, "alice@example.com", OWNER)

    assert response.status_code == 302
    assert logged_in_user(client) == alice


def test_each_failure_past_the_limit_doubles_the_wait(client, alice, settings, clock):
    settings.LOGIN_BACKOFF_BASE, settings.LOGIN_BACKOFF_MAX = 30, 100
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)
    assert "Please wait 30 seconds" in log_in(client, "alice@example.com").text

    clock.advance(30)
    fail_logins(client, "alice@example.com", 1)
    assert "Please wait 1 minute" in log_in(client, "alice@example.com").text
    clock.advance(59)
    assert "Please wait 1 second" in log_in(client, "alice@example.com").text

    clock.advance(1)
    fail_logins(client, "alice@example.com", 1)
    assert "Please wait 2 minutes" in log_in(client, "alice@example.com").text  # capped: 100 s
    clock.advance(100)
    assert log_in(client, "alice@example.com").status_code == 302


def test_a_success_forgets_the_failures_of_that_browser_address(client, alice, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT - 1)
    log_in(client, "alice@example.com")
    client.post(reverse("logout"))

    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT - 1)

    assert log_in(client, "alice@example.com").status_code == 302


def test_throttling_one_email_does_not_lock_out_another(client, alice, bob, settings):
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = log_in(client, "bob@example.com")

    assert response.status_code == 302
    assert logged_in_user(client) == bob


def test_throttling_counts_an_email_whatever_its_case(client, alice, settings):
    fail_logins(client, "ALICE@example.com", settings.LOGIN_FAILURE_LIMIT)

    response = log_in(client, "alice@example.com")

    assert "Too many failed attempts." in response.text


def test_many_failures_from_one_address_lock_that_address_out(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 3
    for number in range(3):
        fail_logins(client, f"nobody{number}@example.com", 1)

    assert "Too many failed attempts." in log_in(client, "alice@example.com").text
    assert log_in(client, "alice@example.com", OWNER).status_code == 302


def test_behind_a_proxy_the_real_client_address_is_counted(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 3
    proxy = "10.0.0.5"
    for number in range(3):
        # What the attacker writes in the header is kept left of what the proxy appends.
        client.post(
            reverse("login"),
            login_data(f"nobody{number}@example.com", "wrong"),
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {ATTACKER}",
        )

    attacker = log_in(client, "alice@example.com", proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    owner = log_in(client, "alice@example.com", proxy, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OWNER}")

    assert "Too many failed attempts." in attacker.text
    assert owner.status_code == 302


def test_client_address_takes_the_entry_the_trusted_proxies_wrote(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3")

    settings.TRUSTED_PROXY_COUNT = 0
    assert throttle.client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert throttle.client_address(request) == "2.2.2.2"
    settings.TRUSTED_PROXY_COUNT = 4  # fewer entries than proxies: the header is not trusted
    assert throttle.client_address(request) == "10.0.0.2"

    settings.TRUSTED_PROXY_COUNT = 0
    ipv6 = rf.get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert throttle.client_address(ipv6) == "2001:db8:1:2::/64"


def test_the_account_ceiling_spares_a_browser_the_owner_used_before(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = 3
    owners_browser = Client()
    assert log_in(owners_browser, "alice@example.com", OWNER).status_code == 302
    owners_browser.post(reverse("logout"))
    for number in range(3):  # guesses from many addresses
        fail_logins(client, "alice@example.com", 1, f"192.0.2.{number}")

    new_browser = log_in(Client(), "alice@example.com", "198.51.100.99")
    known_browser = log_in(owners_browser, "alice@example.com", "198.51.100.99")

    assert "Too many failed attempts." in new_browser.text
    assert known_browser.status_code == 302


def reset_password(client, email: str, password: str = NEW_PASSWORD, **extra):
    """Ask for a reset link for `email` and use it; return the final answer."""
    client.post(reverse("password_reset"), {"email": email}, **extra)
    path = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(path, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_a_password_reset_lets_the_owner_in_at_once_and_clears_the_counters(
    client, alice, settings
):
    settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT = settings.LOGIN_FAILURE_LIMIT + 2
    fail_logins(client, "alice@example.com", settings.LOGIN_FAILURE_LIMIT, "192.0.2.0")
    fail_logins(client, "alice@example.com", 1, "192.0.2.1")
    fail_logins(client, "alice@example.com", 1, "192.0.2.2")
    assert "Too many failed attempts." in log_in(client, "alice@example.com", "192.0.2.0").text
    assert "Too many failed attempts." in log_in(client, "alice@example.com", OWNER).text

    response = reset_password(client, "alice@example.com", REMOTE_ADDR=OWNER)

    assert response.status_code == 302
    assert logged_in_user(client) == alice  # in at once
    client.post(reverse("logout"))
    for address in (OWNER, "192.0.2.0"):
        again = client.post(
            reverse("login"), login_data("alice@example.com", NEW_PASSWORD), REMOTE_ADDR=address
        )
        assert again.status_code == 302
        client.post(reverse("logout"))


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


def test_password_reset_is_limited_per_email_whether_or_not_it_has_an_account(
    client, alice, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    refusals = []
    for email in ("alice@example.com", "nobody@example.com"):
        for _ in range(2):
            assert client.post(reverse("password_reset"), {"email": email}).status_code == 302
        refusals.append(client.post(reverse("password_reset"), {"email": email}))

    assert all(refused.status_code == 200 for refused in refusals)
    assert "Too many reset requests. Please wait" in refusals[0].text
    assert refusals[0].context["form"].errors == refusals[1].context["form"].errors
    assert len(mail.outbox) == 2  # the two for alice, which still work
    other = client.post(reverse("password_reset"), {"email": "other@example.com"})
    assert other.status_code == 302  # other addresses go on


def test_password_reset_is_limited_per_client_address(client, alice, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    for number in range(2):
        client.post(reverse("password_reset"), {"email": f"person{number}@example.com"})

    refused = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    elsewhere = client.post(
        reverse("password_reset"), {"email": "alice@example.com"}, REMOTE_ADDR=OWNER
    )

    assert "Too many reset requests." in refused.text
    assert elsewhere.status_code == 302
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]


def test_signup_costs_the_same_queries_and_mails_for_a_registered_address(client, alice):
    with CaptureQueriesContext(connection) as new:
        sign_up(client, "dora@example.com")
    with CaptureQueriesContext(connection) as taken:
        sign_up(client, "alice@example.com")

    assert len(new) == len(taken)
    assert [m.to for m in mail.outbox] == [["dora@example.com"], ["alice@example.com"]]


def test_the_admin_login_is_throttled_too_and_only_for_staff(client, alice, settings):
    operator = factories.UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(admin_login, login_data("ops@example.com", "wrong"), REMOTE_ADDR=ATTACKER)

    refused = client.post(
        admin_login, login_data("ops@example.com", PASSWORD), REMOTE_ADDR=ATTACKER
    )
    not_staff = client.post(admin_login, login_data("alice@example.com", PASSWORD))
    operator_elsewhere = client.post(
        admin_login, login_data("ops@example.com", PASSWORD), REMOTE_ADDR=OWNER
    )

    assert "Too many failed attempts." in refused.text
    assert not_staff.status_code == 200
    assert operator_elsewhere.status_code == 302
    assert logged_in_user(client) == operator
