"""Forms for accounts, organizations, members and invitations."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations import throttle
from organizations.models import Membership, Organization, Role, User
from organizations.validators import normalize_country


class SignupForm(BaseUserCreationForm):
    """Create an account from an email address, a name and a password."""

    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this email address already exists."))
        return email


class ThrottledLoginForm(AuthenticationForm):
    """Email + password login that refuses further attempts after repeated failures."""

    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Email address and password do not match."),
        "locked_out": _(
            "Too many failed attempts. Please wait %(minutes)s minutes or reset your password."
        ),
    }

    def clean_username(self) -> str:
        # Accounts store their email in lowercase, so the address typed is matched that way.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        if email and throttle.is_locked_out(self.request, email):
            raise ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.LOGIN_FAILURE_WINDOW // 60)},
            )
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                throttle.record_failure(self.request, email)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            throttle.reset_failures(self.request, email)
        return self.cleaned_data


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("name", "default_country")
        widgets = {"default_country": forms.TextInput(attrs={"size": 2, "maxlength": 2})}

    def clean_default_country(self) -> str:
        return normalize_country(self.cleaned_data["default_country"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("role",)
