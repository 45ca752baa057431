"""Who gets what on every import and export URL: anonymous, mallory (outsider), gina
(guest), bob (member), alice (owner), on an import of bob's own and on one of carol's.

Guests never see contacts or companies: 403 everywhere. An import is its requester's
only: anyone else gets the same 404 as for one that does not exist. A refused request
changes nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.scoping import scopes_disabled
from transfers.models import ImportJob, ImportRow, ImportStatus

# Every import and export URL under /o/<slug>/ (tests/organizations/test_access.py reads this).
URL_NAMES = {
    "directory_export",
    "import_list",
    "import_detail",
    "import_run",
    "import_revert",
    "import_errors",
}

PEOPLE = ["anonymous", "mallory", "gina", "bob", "alice"]


def make_job(acme, user, status=ImportStatus.DONE) -> ImportJob:
    with scopes_disabled():
        job = ImportJob.objects.create(
            organization=acme,
            requested_by=user,
            kind="contacts",
            file_name="people.csv",
            file_format="csv",
            data=b"First name,Last name\nA,\n",
            headers=["First name", "Last name"],
            mapping=["first_name", "last_name"],
            status=status,
            rows_total=1,
            counts={"create": 0, "update": 0, "skip": 0, "error": 1, "imported": True},
        )
        ImportRow.objects.create(
            organization=acme, job=job, row_no=2, action="error", cells=["A", ""], messages=["x"]
        )
    return job


def outcome(person: str, own: bool, ok: int) -> int:
    return {"anonymous": 302, "mallory": 404, "gina": 403}.get(person, ok if own else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("whose", ["own", "carol's"])
@pytest.mark.parametrize(
    ("name", "method", "ok"),
    [
        ("import_detail", "get", 200),
        ("import_errors", "get", 200),
        ("import_run", "post", 302),
        ("import_revert", "post", 302),
        ("import_detail", "post", 302),
    ],
)
def test_an_import_is_its_requesters_only(client_for, cast, acme, person, whose, name, method, ok):
    # gina cannot have imported anything: her "own" import is one made while a member.
    own = whose == "own" and person in ("bob", "alice", "gina")
    job = make_job(acme, cast[person] if own else cast["carol"])
    own = own and person != "gina"
    client = client_for(None if person == "anonymous" else cast[person])
    url = reverse(name, kwargs={"slug": "acme", "pk": job.pk})
    response = getattr(client, method)(url, {"mode": "valid"} if name == "import_run" else {})
    assert response.status_code == outcome(person, own, ok)
    if response.status_code != ok or not own:
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
def test_the_import_page_and_upload(client_for, cast, acme, person):
    client = client_for(None if person == "anonymous" else cast[person])
    url = reverse("import_list", kwargs={"slug": "acme"})
    assert client.get(url).status_code == outcome(person, True, 200)
    upload = SimpleUploadedFile("people.csv", b"First name,Last name\nA,B\n")
    response = client.post(url, {"kind": "contacts", "file": upload})
    assert response.status_code == outcome(person, True, 302)
    with scopes_disabled():
        assert ImportJob.objects.exists() == (person in ("bob", "alice"))


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("kind", ["contacts", "companies"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "vcf"])
def test_exports(client_for, cast, acme, person, kind, fmt):
    client = client_for(None if person == "anonymous" else cast[person])
    url = reverse("directory_export", kwargs={"slug": "acme", "kind": kind, "fmt": fmt})
    assert client.get(url).status_code == outcome(person, True, 200)
