"""Which language a page speaks and in which time zone it tells the time (issue 18): the
profile's choice, else the switcher's cookie, else the browser's Accept-Language; emails
speak their recipient's language, or the organization's for people without a profile."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations import services as organization_services
from organizations.i18n import email_language, speaking_to
from organizations.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")
SWITCH = reverse("language_switch")


def test_the_browser_language_is_spoken_to_a_visitor(client):
    page = client.get(reverse("login"), headers={"accept-language": "it-IT,it;q=0.9,en;q=0.5"})

    assert page.headers["Content-Language"] == "it"
    assert '<html lang="it">' in page.text
    assert "Accedi" in page.text


def test_a_language_the_site_does_not_speak_falls_back_to_english(client):
    page = client.get(reverse("login"), headers={"accept-language": "pt-BR"})

    assert page.headers["Content-Language"] == "en"


def test_the_profile_language_wins_over_the_browser(client_for, bob):
    bob.language = "fr"
    bob.save()

    page = client_for(bob).get(
        reverse("dashboard", kwargs={"slug": "acme"}), headers={"accept-language": "de"}
    )

    assert page.headers["Content-Language"] == "fr"
    assert "Tableau de bord" in page.text


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie_and_goes_back(client):
    response = client.post(SWITCH, {"language": "es", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert client.get("/accounts/login/").headers["Content-Language"] == "es"


def test_the_switcher_saves_a_signed_in_users_choice_on_their_profile(client_for, bob):
    client = client_for(bob)

    client.post(SWITCH, {"language": "it", "next": "/o/acme/"})

    bob.refresh_from_db()
    assert bob.language == "it"


def test_the_switcher_refuses_a_language_it_does_not_offer_and_an_outside_next(client):
    assert client.post(SWITCH, {"language": "xx"}).status_code == 400
    response = client.post(SWITCH, {"language": "de", "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_every_page_offers_the_switcher_with_each_language_in_its_own_name(client):
    page = client.get(reverse("login")).text

    for name in ("English", "Italiano", "Español", "Français", "Deutsch"):
        assert name in page


def test_the_profile_saves_a_language_and_a_time_zone_and_refuses_unknown_ones(client_for, bob):
    client = client_for(bob)
    saved = client.post(
        PROFILE, {"full_name": "Bob", "language": "de", "time_zone": "Europe/Berlin"}
    )
    assert saved.status_code == 302
    bob.refresh_from_db()
    assert (bob.language, bob.time_zone) == ("de", "Europe/Berlin")

    refused = client.post(
        PROFILE, {"full_name": "Robert", "language": "de", "time_zone": "Mars/Olympus"}
    )
    assert refused.status_code == 400
    assert 'value="Robert"' in refused.text  # the input is kept
    bob.refresh_from_db()
    assert (bob.full_name, bob.time_zone) == ("Bob", "Europe/Berlin")


def test_times_are_shown_in_the_users_time_zone(client_for, acme, bob):
    call = factories.activity(
        acme, created_by=bob, assignees=[bob], due_at=datetime(2027, 3, 1, 3, 30, tzinfo=UTC)
    )
    url = reverse("activity_detail", kwargs={"slug": "acme", "pk": call.pk})
    client = client_for(bob)

    assert "1 Mar 2027, 03:30" in client.get(url).text  # the site's time zone, UTC
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    assert "1 Mar 2027, 12:30" in client.get(url).text


def test_an_unknown_stored_time_zone_falls_back_to_the_sites(client_for, bob):
    bob.time_zone = "Nowhere/Atlantis"
    bob.save()

    assert client_for(bob).get(reverse("dashboard", kwargs={"slug": "acme"})).status_code == 200


def test_an_email_speaks_its_recipients_language_else_the_organizations(acme, bob):
    bob.language = "it"
    assert email_language(bob, acme) == "it"
    bob.language = ""
    acme.language = "de"
    assert email_language(bob, acme) == "de"
    assert email_language(None, None) == settings.LANGUAGE_CODE

    bob.time_zone = "America/New_York"
    moment = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    with speaking_to(bob, acme):
        assert timezone.localtime(moment).hour == 7


def test_an_invitation_is_written_in_the_organizations_language(acme, alice):
    acme.language = "it"
    acme.save()

    organization_services.invitation_create(
        organization=acme,
        email="new@example.com",
        role=Role.MEMBER,
        invited_by=alice,
        accept_url=lambda token: f"http://testserver/i/{token}/",
    )

    (message,) = mail.outbox
    assert message.subject.startswith("Invito") and acme.name in message.subject


def test_the_organization_settings_choose_the_language_of_emails_to_clients(
    client_for, acme, alice
):
    response = client_for(alice).post(
        reverse("organization_settings", kwargs={"slug": "acme"}),
        {"name": acme.name, "default_country": "IT", "language": "es"},
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.language == "es"
