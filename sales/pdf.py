"""The PDF of a document: HTML rendered by WeasyPrint, in the document's language.

A draft is rendered on every request, marked DRAFT. An issued document is rendered once:
the bytes are stored in the default storage (local files or S3, as attachments are) under
a fresh key, with their SHA-256, and every later download serves those same bytes — the
document cannot change any more, and neither does its PDF. The stored bytes count in the
organization's storage (`attachments.services.usage_reserve`) and are declared to the
storage audit (`SalesConfig.storage_held_keys`).
"""

import base64
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from attachments.files import attachment_storage, new_storage_key
from attachments.services import QuotaExceeded, object_discard, usage_release, usage_reserve
from sales import money
from sales.models import Document, Issuer

logger = logging.getLogger(__name__)


def language_of(document: Document) -> str:
    return document.language or document.organization.language or settings.LANGUAGE_CODE


def render(document: Document) -> bytes:
    """The document as PDF bytes (drafts marked DRAFT)."""
    lines = list(document.lines.order_by("position", "id"))
    issuer = Issuer.objects.filter(organization=document.organization).first()
    person = document.contact_person if document.contact_person_id else None
    with translation.override(language_of(document)):
        html = render_to_string(
            "sales/pdf.html",
            {
                "document": document,
                "organization": document.organization,
                "issuer": issuer,
                "person": person,
                "lines": lines,
                "totals": money.compute(lines, document.currency),
                "logo": logo_data_uri(issuer),
            },
        )
    from weasyprint import HTML, URLFetcher  # heavy: loaded by the first PDF only

    # Nothing is fetched from the network or the disk: only the embedded logo is read.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def filename(document: Document) -> str:
    return f"{document.number or f'draft-{document.pk}'}.pdf"


def pdf_bytes(document: Document) -> bytes:
    """The PDF to serve: rendered for a draft, stored once for an issued document."""
    if document.is_draft:
        return render(document)
    storage = attachment_storage()
    if document.pdf_key:
        with storage.open(document.pdf_key, "rb") as stored:
            return stored.read()
    return store(document, render(document))


def store(document: Document, data: bytes) -> bytes:
    """Keep `data` as the issued document's PDF and return it — or, when another request
    kept one first, return that one. Not kept when the organization's storage is full."""
    storage = attachment_storage()
    organization = document.organization
    try:
        usage_reserve(organization=organization, size=len(data))
    except QuotaExceeded:
        logger.warning("Storage full: the PDF of document %s is not stored.", document.pk)
        return data
    try:
        key = storage.save(f"{new_storage_key(organization.pk)}.pdf", ContentFile(data))
    except Exception:
        usage_release(organization_id=organization.pk, size=len(data))
        raise
    stored = Document.objects.filter(organization=organization, pk=document.pk, pdf_key="").update(
        pdf_key=key, pdf_sha256=hashlib.sha256(data).hexdigest(), pdf_size=len(data)
    )
    if not stored:  # another request stored it first: serve that one, drop ours
        object_discard(key)
        usage_release(organization_id=organization.pk, size=len(data))
        document.refresh_from_db(fields=["pdf_key", "pdf_sha256", "pdf_size"])
        with storage.open(document.pdf_key, "rb") as kept:
            return kept.read()
    document.pdf_key, document.pdf_sha256, document.pdf_size = (
        key,
        hashlib.sha256(data).hexdigest(),
        len(data),
    )
    return data


def logo_save(issuer: Issuer, upload, content_type: str) -> None:
    """Keep `upload` as the issuer's logo (counted in the storage), dropping the old one."""
    data = upload.read()
    organization = issuer.organization
    usage_reserve(organization=organization, size=len(data))  # QuotaExceeded: the view says so
    try:
        key = attachment_storage().save(
            f"{new_storage_key(organization.pk)}.logo", ContentFile(data)
        )
    except Exception:
        usage_release(organization_id=organization.pk, size=len(data))
        raise
    logo_remove(issuer)
    issuer.logo_key, issuer.logo_type, issuer.logo_size = key, content_type, len(data)


def logo_remove(issuer: Issuer) -> None:
    if issuer.logo_key:
        object_discard(issuer.logo_key)
        usage_release(organization_id=issuer.organization_id, size=issuer.logo_size)
    issuer.logo_key, issuer.logo_type, issuer.logo_size = "", "", 0


def logo_data_uri(issuer: Issuer | None) -> str:
    """The logo as a data: URI, the only kind of resource the PDF may load."""
    if issuer is None or not issuer.logo_key:
        return ""
    try:
        with attachment_storage().open(issuer.logo_key, "rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("The logo of organization %s is missing.", issuer.organization_id)
        return ""
    return f"data:{issuer.logo_type};base64,{base64.b64encode(data).decode('ascii')}"
