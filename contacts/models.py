"""Contacts: the people of an organization's network (PRODUCT §2)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.directory import (
    AddressBase,
    DirectoryRecord,
    EmailBase,
    MentionBase,
    PhoneBase,
    detail_constraints,
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
    type = models.ForeignKey(
        "organizations.RecordType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("type"),
    )
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


class ContactEmail(EmailBase):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")

    class Meta(EmailBase.Meta):
        constraints = detail_constraints("contactemail", "contact")
        indexes = [models.Index(fields=["organization", "email"], name="contactemail_email")]


class ContactPhone(PhoneBase):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")

    class Meta(PhoneBase.Meta):
        constraints = detail_constraints("contactphone", "contact")
        indexes = [models.Index(fields=["organization", "number"], name="contactphone_number")]


class ContactAddress(AddressBase):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")

    class Meta(AddressBase.Meta):
        verbose_name_plural = _("contact addresses")
        constraints = detail_constraints("contactaddress", "contact")


class ContactMention(MentionBase):
    """A member mentioned in a contact's description."""

    target_field = "contact"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="mentions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "contact", "user"], name="contactmention_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "user", "contact"], name="contactmention_user")
        ]
