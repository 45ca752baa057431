"""Users, organizations, memberships and invitations: the ground floor of Rolo."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext_lazy as _

from organizations.countries import country_choices
from organizations.scoping import ScopedManager, TenantModel


class UserManager(BaseUserManager["User"]):
    """Create users identified by their email address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class ReminderChoice(models.IntegerChoices):
    """How long before an activity's due time its assignees are emailed (none: null)."""

    AT_TIME = 0, _("At the due time")
    QUARTER = 15, _("15 minutes before")
    HOUR = 60, _("1 hour before")
    DAY = 1440, _("1 day before")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address and a password."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Mixed into the session hash: a new value ends every session ("Log out everywhere").
    session_version = models.CharField(max_length=32, blank=True, default="", editable=False)
    # The profile page's choices (organizations.views.profile).
    # db_default too: rows inserted by SQL (the benchmark generator) get the same values.
    email_on_mention = models.BooleanField(
        _("email me when someone mentions me"), default=True, db_default=True
    )
    reminder_minutes = models.PositiveIntegerField(
        _("remind me of my activities"),
        choices=ReminderChoice,
        null=True,
        blank=True,
        default=ReminderChoice.HOUR,
        db_default=ReminderChoice.HOUR,
        help_text=_("An email before each activity assigned to you is due."),
    )

    # Empty: the browser's language (Accept-Language, or the switcher's cookie) and the
    # site's time zone (settings.TIME_ZONE). See organizations.middleware.PreferencesMiddleware.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, default="", db_default=""
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None) -> str:
        """The password's HMAC, as Django's, plus the session version when there is one."""
        if not self.session_version:
            # Sessions from before the field existed keep their hash.
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "organizations.User.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Invalidate every session of this user, wherever it is (the hash no longer matches)."""
        self.session_version = get_random_string(32)
        self.save(update_fields=["session_version"])


class Plan(models.TextChoices):
    FREE = "free", _("Free — 100 MB")
    PREMIUM_1GB = "premium_1gb", _("Premium — 1 GB")
    PREMIUM_10GB = "premium_10gb", _("Premium — 10 GB")


# Decimal sizes: 100 MB is 100,000,000 bytes (PRODUCT §4).
PLAN_QUOTAS: dict[str, int] = {
    Plan.FREE: 100_000_000,
    Plan.PREMIUM_1GB: 1_000_000_000,
    Plan.PREMIUM_10GB: 10_000_000_000,
}


TRASH_RETENTION_DEFAULT = 30
TRASH_RETENTION_MIN, TRASH_RETENTION_MAX = 7, 365


class Organization(models.Model):
    """A tenant: nothing of one organization is visible from another."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    plan = models.CharField(_("plan"), max_length=20, choices=Plan, default=Plan.FREE)
    default_country = models.CharField(
        _("default country"),
        max_length=2,
        choices=country_choices,
        default="IT",
        help_text=_(
            "Phone numbers and tax codes without a country prefix are read in this country."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        db_default="en",
        help_text=_("The language of emails to people who have no Rolo profile, such as clients."),
    )
    trash_retention_days = models.PositiveSmallIntegerField(
        _("days deleted records stay in the trash"),
        default=TRASH_RETENTION_DEFAULT,
        db_default=TRASH_RETENTION_DEFAULT,  # rows inserted by SQL (the benchmark generator)
        validators=[
            MinValueValidator(TRASH_RETENTION_MIN),
            MaxValueValidator(TRASH_RETENTION_MAX),
        ],
        help_text=_("From 7 to 365 days; after that they are deleted for good."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dashboard", kwargs={"slug": self.slug})

    @property
    def quota_bytes(self) -> int:
        return PLAN_QUOTAS[self.plan]


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


class Membership(TenantModel):
    """A user's place in an organization, with their role there."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # The bell's count, kept by events.services (notify, mark_read): read with the
    # membership the middleware loads anyway, so no page pays a query for it.
    unread_notifications = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    # Memberships are how a request finds its tenant, so they are read before any scope
    # exists (the middleware, "my organizations"); they are always filtered by user or
    # organization explicitly.
    objects = models.Manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user_per_org"
            )
        ]
        indexes = [models.Index(fields=["user", "organization"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def sees_directory(self) -> bool:
        """Owners and members see contacts and companies; guests never do."""
        return self.role in (Role.OWNER, Role.MEMBER)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(TenantModel):
    """A single-use, expiring offer to join an organization, sent by email.

    Only a hash of the token is stored: a database leak does not leak usable links.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager.from_queryset(InvitationQuerySet)()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """Return a fresh (token, hash) pair; only the hash is stored."""
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash_token(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(seconds=settings.INVITATION_MAX_AGE)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ListEntry(TenantModel):
    """An entry of an organization's editable list (types, sectors)."""

    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RecordType(ListEntry):
    """A kind of relationship (Client, Supplier, ...) for contacts and companies."""

    DEFAULTS = ["Client", "Supplier", "Partner", "Lead", "Collaborator"]

    class Meta(ListEntry.Meta):
        verbose_name = _("type")
        verbose_name_plural = _("types")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="recordtype_unique_name")
        ]


class Sector(ListEntry):
    """A business sector (Energy, ICT, ...) for companies."""

    DEFAULTS = [
        "Agriculture",
        "Automotive",
        "Construction",
        "Consulting",
        "Education",
        "Energy",
        "Finance",
        "Food & Beverage",
        "Healthcare",
        "ICT",
        "Logistics",
        "Manufacturing",
        "Media",
        "Pharmaceutical",
        "Public Administration",
        "Real Estate",
        "Retail",
        "Tourism",
    ]

    class Meta(ListEntry.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="sector_unique_name")
        ]
