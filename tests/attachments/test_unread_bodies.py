"""A body that cannot be accepted is refused from its headers: not one byte of it is read."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, ClientHandler, encode_multipart
from django.urls import reverse

from attachments.models import Attachment
from tests.attachments.conftest import files_url
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

CSRF_SECRET = "a" * 32  # an unmasked CSRF secret is a valid token for itself
CLAIMED = 90_000_000  # what the attacker announces: under the request limit, so not a 413


class RecordingInput(io.RawIOBase):
    """A wsgi.input that serves `body` and counts the bytes the application reads."""

    def __init__(self, body: bytes) -> None:
        self._body = io.BytesIO(body)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._body.read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._body.readline(size)
        self.bytes_read += len(data)
        return data


def send(path: str, *, cookies: dict[str, str], claimed_length: int | None = None, **headers):
    """POST a one-file multipart body to `path` as a WSGI server would; (response, input)."""
    body = encode_multipart(BOUNDARY, {"files": SimpleUploadedFile("a.txt", b"x" * 1000)})
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    environ = RequestFactory().post(path, data=body, content_type=content_type).environ
    stream = RecordingInput(body)
    environ["wsgi.input"] = stream
    environ["CONTENT_LENGTH"] = str(claimed_length or len(body))
    environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    environ.update(headers)
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    return response, stream


@pytest.fixture
def contact(acme, alice):
    return ContactFactory(organization=acme, created_by=alice)


@pytest.fixture
def bobs_session(bob) -> str:
    client = Client()
    client.force_login(bob)
    return client.cookies["sessionid"].value


def test_the_harness_sees_a_body_that_is_read(contact, bobs_session, unscoped):
    response, stream = send(
        files_url(contact),
        cookies={"sessionid": bobs_session, "csrftoken": CSRF_SECRET},
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )

    assert response.status_code == 302
    assert stream.bytes_read > 0
    assert Attachment.objects.filter(contact=contact).exists()


@pytest.mark.parametrize("cookies", [{}, {"sessionid": "made-up"}, {"csrftoken": CSRF_SECRET}])
def test_an_anonymous_upload_is_sent_to_log_in_unread(contact, cookies):
    response, stream = send(files_url(contact), cookies=cookies, claimed_length=CLAIMED)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert stream.bytes_read == 0


def test_a_large_anonymous_body_to_any_page_is_not_read(db):
    response, stream = send(
        reverse("login"), cookies={"csrftoken": CSRF_SECRET}, claimed_length=CLAIMED
    )

    assert response.status_code == 302
    assert stream.bytes_read == 0


def test_an_upload_without_a_csrf_cookie_is_refused_unread(contact, bobs_session, unscoped):
    response, stream = send(
        files_url(contact),
        cookies={"sessionid": bobs_session},
        claimed_length=CLAIMED,
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )

    assert response.status_code == 403
    assert stream.bytes_read == 0
    assert not Attachment.objects.filter(contact=contact).exists()
