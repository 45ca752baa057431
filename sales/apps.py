from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales and purchases")

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope."""
        from sales.demo import seed

        seed(organization=organization, users=users)

    def delete_consequences(self, record, *, user) -> list[str]:
        """Called by `organizations.deletion.delete_consequences`: a contact's or company's
        documents go to the trash with it (and come back with it)."""
        from django.db.models import Count, Q
        from django.utils.translation import ngettext

        from sales.models import Document, Status

        field = {"contacts.contact": "contact", "companies.company": "company"}.get(
            record._meta.label_lower
        )
        if field is None:
            return []
        counts = Document.objects.filter(
            organization_id=record.organization_id, **{field: record}
        ).aggregate(total=Count("id"), issued=Count("id", filter=~Q(status=Status.DRAFT)))
        if not counts["total"]:
            return []
        return [
            ngettext(
                "%(count)d sales or purchase document (%(issued)d issued) goes with it.",
                "%(count)d sales and purchase documents (%(issued)d issued) go with it.",
                counts["total"],
            )
            % {"count": counts["total"], "issued": counts["issued"]}
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
