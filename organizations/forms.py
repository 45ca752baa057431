"""Forms for accounts, organizations, members and invitations."""

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from organizations import throttle
from organizations.countries import CountryField
from organizations.models import Membership, Organization, ReminderChoice, Role, User


def _refuse_when_limited(form, kind: str, email: str, per_address: int, per_email: int) -> None:
    """Count one `kind` request for the client's address and `email`; refuse past a limit.

    The form's "throttled" message says how long to wait.
    """
    wait = throttle.rate_limit_wait(
        kind,
        [(throttle.client_address(form.request), per_address), (email, per_email)],
    )
    if wait:
        raise ValidationError(
            form.error_messages["throttled"],
            code="throttled",
            params={"wait": throttle.wait_text(wait)},
        )


class SignupForm(forms.Form):
    """The first step of signing up: the address, proved by a link mailed to it."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        "throttled": _("Too many sign-up requests. Please wait %(wait)s and try again."),
    }

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("email")
        if email:
            # Counted whether or not an account exists, so the answer does not tell.
            _refuse_when_limited(
                self, "signup", email, settings.SIGNUP_LIMIT_PER_IP, settings.SIGNUP_LIMIT_PER_EMAIL
            )
        return self.cleaned_data


class SignupFinishForm(BaseUserCreationForm):
    """The second step, from the mailed link: a name and a password for the proved address."""

    class Meta:
        model = User
        fields = ("full_name",)


class ThrottledLoginForm(AuthenticationForm):
    """Email + password login, slowed down after repeated failures (see throttle.py)."""

    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Email address and password do not match."),
        "locked_out": _(
            "Too many failed attempts. Please wait %(wait)s before trying again, "
            "or reset your password."
        ),
    }

    def clean_username(self) -> str:
        # Accounts store their email in lowercase, so the address typed is matched that way.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        if email:
            wait = throttle.login_wait(self.request, email)
            if wait > 0:
                raise ValidationError(
                    self.error_messages["locked_out"],
                    code="locked_out",
                    params={"wait": throttle.wait_text(wait)},
                )
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                throttle.login_failed(self.request, email)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.login_succeeded(self.request, email)
        return self.cleaned_data


class ThrottledAdminLoginForm(ThrottledLoginForm):
    """The admin's login: staff only, and throttled like the other login page."""

    required_css_class = "required"

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            # Said like a wrong password, so the admin does not tell who has an account.
            raise self.get_invalid_login_error()


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form (same answer for any address), limited per address and email."""

    error_messages = {
        "throttled": _(
            "Too many reset requests. Please wait %(wait)s, and look for the emails "
            "already sent (also in the spam folder)."
        ),
    }

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email:
            # Mails already sent to the owner keep working, so this cannot lock them out.
            _refuse_when_limited(
                self,
                "password-reset",
                email,
                settings.PASSWORD_RESET_LIMIT_PER_IP,
                settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
            )
        return self.cleaned_data


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("name", "default_country", "language", "trash_retention_days")

    default_country = CountryField(
        label=capfirst(Organization._meta.get_field("default_country").verbose_name),
        help_text=Organization._meta.get_field("default_country").help_text,
        # A new organization starts on the model's default, as the other fields do.
        initial=Organization._meta.get_field("default_country").default,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post, the language and the retention keep their values (a new
        # organization: the defaults).
        self.fields["language"].required = False
        self.fields["trash_retention_days"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language or settings.LANGUAGE_CODE

    def clean_trash_retention_days(self) -> int:
        value = self.cleaned_data["trash_retention_days"]
        return self.instance.trash_retention_days if value is None else value


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role",)


class ProfileForm(forms.ModelForm):
    """A user's own name and email choices (the profile page)."""

    reminder_minutes = forms.TypedChoiceField(
        label=_("Remind me of my activities"),
        choices=[("", _("Never"))]
        + [(str(value), label) for value, label in ReminderChoice.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("An email before each activity assigned to you is due."),
    )

    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser asks"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_("The language of pages and of the emails Rolo sends you."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", format_lazy(_("The site's time zone ({zone})"), zone=settings.TIME_ZONE))]
        + [(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())],
        required=False,
        help_text=_("Dates and times are shown in it; reminders follow it."),
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone", "email_on_mention", "reminder_minutes"]
