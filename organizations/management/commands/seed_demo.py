"""Create demo users and organizations; safe to run any number of times."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from organizations.models import Membership, Organization, Role, User
from organizations.scoping import scope
from organizations.services import organization_seed_lists

DEMO_PASSWORD = "rolo-demo-2026"

# Who is who (the same people as in the tests): alice owns Acme, bob works there,
# gina is a guest of Acme, and mallory belongs to another organization only.
DEMO_USERS = [
    ("alice@example.com", "Alice Owner"),
    ("bob@example.com", "Bob Member"),
    ("carol@example.com", "Carol Member"),
    ("gina@example.com", "Gina Guest"),
    ("mallory@example.com", "Mallory Outsider"),
]
DEMO_ORGANIZATIONS = [
    (
        "acme",
        "Acme S.p.A.",
        [
            ("alice@example.com", Role.OWNER),
            ("bob@example.com", Role.MEMBER),
            ("carol@example.com", Role.MEMBER),
            ("gina@example.com", Role.GUEST),
        ],
    ),
    ("globex", "Globex GmbH", [("mallory@example.com", Role.OWNER)]),
]


class Command(BaseCommand):
    help = "Create demo users and organizations (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        users = {}
        for email, full_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"full_name": full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[email] = user
        for slug, name, members in DEMO_ORGANIZATIONS:
            organization, created = Organization.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
            for email, role in members:
                Membership.objects.get_or_create(
                    organization=organization, user=users[email], defaults={"role": role}
                )
            organization_seed_lists(organization=organization)
            with scope(organization=organization):
                # Each upper app seeds its own demo rows (hooks keep the floors apart).
                for config in apps.get_app_configs():
                    hook = getattr(config, "seed_demo", None)
                    if hook is not None:
                        hook(organization=organization, users=users)

        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at /accounts/login/ as:"))
        for email, full_name in DEMO_USERS:
            self.stdout.write(f"  {email:<22} {full_name:<18} password: {DEMO_PASSWORD}")
