from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales and purchases")

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope."""
        from sales.demo import seed

        seed(organization=organization, users=users)

    def delete_refusals(self, record, *, user) -> list[str]:
        """Called by `organizations.deletion.delete_refusals`: a contact or company that is
        the party of an issued document is not deleted. Issued documents are kept as they
        were issued (corrections go through a credit note), and so is whom they name."""
        from django.utils.translation import ngettext

        from sales.models import Document, Status

        field = {"contacts.contact": "contact", "companies.company": "company"}.get(
            record._meta.label_lower
        )
        if field is None:
            return []
        issued = (
            Document.objects.filter(organization_id=record.organization_id, **{field: record})
            .exclude(status=Status.DRAFT)
            .count()
        )
        if not issued:
            return []
        return [
            ngettext(
                "It is the party of %(count)d issued document, which is kept as it was issued.",
                "It is the party of %(count)d issued documents, which are kept as they were "
                "issued.",
                issued,
            )
            % {"count": issued}
        ]

    def delete_consequences(self, record, *, user) -> list[str]:
        """Called by `organizations.deletion.delete_consequences`: a contact's or company's
        draft documents go to the trash with it (and come back with it); one with issued
        documents is not deleted at all (`delete_refusals`)."""
        from django.utils.translation import ngettext

        from sales.models import Document, Status

        field = {"contacts.contact": "contact", "companies.company": "company"}.get(
            record._meta.label_lower
        )
        if field is None:
            return []
        drafts = Document.objects.filter(
            organization_id=record.organization_id, status=Status.DRAFT, **{field: record}
        ).count()
        if not drafts:
            return []
        return [
            ngettext(
                "%(count)d draft document goes with it.",
                "%(count)d draft documents go with it.",
                drafts,
            )
            % {"count": drafts}
        ]

    def storage_held(self, organization) -> list[tuple[str, int]]:
        """Called by the storage page and the usage recount: the stored PDFs' bytes."""
        from django.db.models import Sum

        from sales.models import Document, Issuer

        held = Document.objects.filter(organization=organization).exclude(pdf_key="")
        total = held.aggregate(total=Sum("pdf_size"))["total"] or 0
        logos = Issuer.objects.filter(organization=organization).exclude(logo_key="")
        total += logos.aggregate(total=Sum("logo_size"))["total"] or 0
        return [(str(_("Documents: PDFs and logo")), total)] if total else []

    def storage_held_keys(self, organization) -> set[str]:
        """Called by the storage audit: the stored PDFs are not orphans."""
        from sales.models import Document, Issuer

        pdfs = Document.objects.filter(organization=organization).exclude(pdf_key="")
        logos = Issuer.objects.filter(organization=organization).exclude(logo_key="")
        return set(pdfs.values_list("pdf_key", flat=True)) | set(
            logos.values_list("logo_key", flat=True)
        )
