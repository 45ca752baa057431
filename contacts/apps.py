from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def seed_demo(self, *, organization, users) -> None:
        """Called by `manage.py seed_demo` inside the organization's scope."""
        from contacts.demo import seed

        seed(organization=organization, users=users)
