"""What the Files section of a contact or company page shows, built in a fixed number of queries."""

from dataclasses import dataclass, field

from django.urls import reverse

from attachments import selectors
from attachments.forms import LinkForm, UploadForm
from attachments.models import Attachment
from attachments.selectors import Record, Usage
from organizations.models import Membership


@dataclass
class FilesPanel:
    record: Record
    record_url: str
    kind: str
    attachments: list[Attachment]
    usage: Usage
    upload_url: str
    link_url: str
    upload_form: UploadForm = field(default_factory=UploadForm)
    link_form: LinkForm = field(default_factory=LinkForm)


def files_panel(
    record: Record,
    membership: Membership,
    *,
    upload_form: UploadForm | None = None,
    link_form: LinkForm | None = None,
) -> FilesPanel:
    """The attachments of `record` (which came from `visible_to`) with their URLs, and the forms.

    `membership` is the reader's: each attachment says whether they may delete it.

    One query: the attachments with their uploaders (the usage counter came with the
    request's memberships, `selectors.shown_usage`).
    """
    organization = membership.organization
    kind = selectors.record_kind(record)
    base = {"slug": organization.slug, "pk": record.pk}
    attachments = list(selectors.record_attachments(record))
    for attachment in attachments:
        urls = {**base, "attachment_pk": attachment.pk}
        attachment.download_url = reverse(f"{kind}_attachment_download", kwargs=urls)
        attachment.delete_url = reverse(f"{kind}_attachment_delete", kwargs=urls)
        attachment.may_delete = selectors.may_delete(membership, record, attachment)
    return FilesPanel(
        record=record,
        record_url=reverse(f"{kind}_detail", kwargs=base),
        kind=kind,
        attachments=attachments,
        usage=selectors.shown_usage(organization),
        upload_url=reverse(f"{kind}_attachment_upload", kwargs=base),
        link_url=reverse(f"{kind}_attachment_link", kwargs=base),
        upload_form=upload_form or UploadForm(),
        link_form=link_form or LinkForm(),
    )
