"""Contacts: the people of an organization's network (PRODUCT §2)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import (
    DirectoryRecord,
    MentionBase,
    contact_point_models,
    list_entry_field,
)


class Contact(DirectoryRecord):
    """A natural person; read it through `Contact.objects.visible_to(user, organization)`."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(
        _("role"),
        max_length=120,
        blank=True,
        help_text=_("Business role, e.g. “Chief Executive Officer”."),
    )
    type = list_entry_field("organizations.RecordType", _("type"))
    fiscal_code = models.CharField(_("fiscal code"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(
                fields=["organization", "last_name", "first_name", "id"], name="contact_by_name"
            ),
            models.Index(fields=["organization", "-created_at", "-id"], name="contact_by_created"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="contact_by_updated"),
            models.Index(fields=["organization", "visibility", "created_by"], name="contact_vis"),
            models.Index(fields=["organization", "vat_number"], name="contact_vat"),
            models.Index(fields=["organization", "type"], name="contact_type"),
            models.Index(
                fields=["organization", "copied_from_organization", "copied_from_id"],
                name="contact_copied_from",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("contact_detail", kwargs={"slug": self.organization.slug, "pk": self.pk})

    @classmethod
    def mention_model(cls) -> "type[MentionBase]":
        return ContactMention


ContactEmail, ContactPhone, ContactAddress, ContactMention = contact_point_models(
    Contact, addresses_plural=_("contact addresses")
)
