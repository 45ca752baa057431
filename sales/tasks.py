"""Background tasks (django.tasks), run by the worker: `manage.py run_worker`.

`send_document` delivers a send recorded by `sales.sending.send_request`: a draft is
issued, its PDF rendered and the email sent inside one transaction, so an email that
fails leaves the document a draft with no number taken. The PDF of the issued document
is then kept (`pdf.store`) and the send recorded on the party's timeline.
"""

from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from events.models import EventKind
from organizations.scoping import scope, scopes_disabled
from sales import pdf, services
from sales.models import Document, DocumentSend, Role, SendStatus


@task()
def send_document(send_id: int) -> str:
    """Email a document to the recipients recorded for this send."""
    return deliver(send_id)


def _domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def deliver(send_id: int) -> str:
    """Send one recorded send (the worker); return its status."""
    with scopes_disabled():  # the worker knows the send by id only
        send = DocumentSend.objects.select_related("document__organization", "sent_by").get(
            pk=send_id
        )
    organization = send.document.organization
    if send.status != SendStatus.QUEUED:
        return send.status
    with scope(organization=organization):
        rows = list(send.recipients.order_by("id"))
        try:
            with transaction.atomic():
                document = Document.objects.select_for_update().get(
                    organization=organization, pk=send.document_id
                )
                if document.is_draft:
                    services.document_issue(document=document, user=send.sent_by)
                data = pdf.pdf_bytes(document) if document.pdf_key else pdf.render(document)
                message = EmailMessage(
                    subject=send.subject,
                    body=send.body,
                    to=[r.address for r in rows if r.role == Role.TO],
                    cc=[r.address for r in rows if r.role == Role.CC],
                    bcc=[r.address for r in rows if r.role == Role.BCC],
                    headers={"Message-ID": make_msgid(domain=_domain())},
                )
                message.attach(pdf.filename(document), data, "application/pdf")
                message.send()
                send.status = SendStatus.SENT
                send.sent_at = timezone.now()
                send.message_id = message.extra_headers["Message-ID"]
                send.save(update_fields=["status", "sent_at", "message_id"])
                services.record_on_party(
                    document,
                    EventKind.DOCUMENT_SENT,
                    send.sent_by,
                    recipients=[r.address for r in rows if r.role != Role.BCC],
                )
        except Exception as error:  # the email (or the issue) failed: nothing was kept
            DocumentSend.objects.filter(organization=organization, pk=send.pk).update(
                status=SendStatus.FAILED, error=str(error)[:300]
            )
            return SendStatus.FAILED
        if not document.pdf_key:
            pdf.store(document, data)
    return SendStatus.SENT
