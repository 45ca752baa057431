"""Storage backends for the attachment tests: a temporary directory, or S3 on loopback.

The S3 backend is moto's S3-API server on 127.0.0.1, started once per session and spoken
to through django-storages and boto3 exactly as production would speak to AWS or MinIO.
Each test gets its own bucket.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

S3_CREDENTIALS = {"access_key": "rolo-test", "secret_key": "rolo-test-secret"}
S3_REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server on a free loopback port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Backend:
    """The storage a test runs against, with ways to look behind the application's back."""

    name: str

    @property
    def storage(self):
        return storages["default"]

    def keys(self, prefix: str = "") -> list[str]:
        from attachments.audit import stored_keys

        if prefix:
            return stored_keys(prefix)
        directories, files = self.storage.listdir("")
        return files + [key for d in directories for key in stored_keys(d)]

    def read(self, key: str) -> bytes:
        with self.storage.open(key, "rb") as file:
            return file.read()

    def plant(self, key: str, content: bytes = b"stray") -> str:
        """Save an object the application knows nothing about."""
        return self.storage.save(key, ContentFile(content))


def use_s3(settings, endpoint: str) -> None:
    """Point the default storage at a fresh bucket of the moto server."""
    import boto3

    bucket = f"rolo-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_CREDENTIALS["access_key"],
        aws_secret_access_key=S3_CREDENTIALS["secret_key"],
    ).create_bucket(Bucket=bucket)
    # The same options as config/settings.py builds for STORAGE=s3.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": S3_REGION,
                **S3_CREDENTIALS,
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 300,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }


@pytest.fixture(params=["local", "s3"])
def backend(request, settings) -> Backend:
    """Each test using it runs twice: on the local file system and on S3 (moto)."""
    if request.param == "s3":
        use_s3(settings, request.getfixturevalue("s3_endpoint"))
    # Local: tests/conftest.py already points the default storage at a temporary directory.
    return Backend(request.param)


@pytest.fixture
def s3(settings, s3_endpoint) -> Backend:
    use_s3(settings, s3_endpoint)
    return Backend("s3")


@pytest.fixture
def local() -> Backend:
    return Backend("local")


def files_url(record, action: str = "upload", attachment=None) -> str:
    """The URL of an attachment view of `record` (a contact or company)."""
    kind = record._meta.model_name
    kwargs = {"slug": record.organization.slug, "pk": record.pk}
    if attachment is not None:
        kwargs["attachment_pk"] = attachment.pk
    return reverse(f"{kind}_attachment_{action}", kwargs=kwargs)


def upload(client, record, *files: tuple[str, bytes]):
    """POST `files` ((name, content) pairs) to the record's upload view as a browser would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(files_url(record), {"files": payload})
