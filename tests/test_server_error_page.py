"""An unexpected error shows Rolo's own 500 page: friendly, static, no traceback."""

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path

from tests.test_security_headers import assert_security_headers, refused_markup


def broken_view(request: HttpRequest) -> HttpResponse:
    """A view with a bug in it."""
    raise RuntimeError("secret detail from a broken view")


# This module is also the URL configuration of its tests: Rolo's URLs plus a broken view.
urlpatterns = [
    path("broken/", broken_view),
    path("", include("config.urls")),
]


@pytest.mark.urls(__name__)
def test_an_exception_in_a_view_shows_the_friendly_page_with_status_500(
    db, alice, settings, caplog
):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    assert '<link rel="stylesheet" href="/static/css/rolo.css">' in response.text
    assert_security_headers(response)
    assert refused_markup(response) == []
    # The page says the error was logged for the operators: it was, with its traceback.
    assert any(record.exc_info for record in caplog.records)


def test_the_500_page_renders_without_a_request_or_the_database():
    # No `db` fixture: any query would fail this test (the database may be what broke).
    page = render_to_string("500.html")

    assert "Something went wrong" in page
    assert 'href="/"' in page
