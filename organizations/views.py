"""Views for accounts, organizations, members and invitations."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import services, throttle
from organizations.forms import (
    InvitationForm,
    MembershipRoleForm,
    OrganizationForm,
    ProfileForm,
    SignupFinishForm,
    SignupForm,
    ThrottledLoginForm,
    ThrottledPasswordResetForm,
)
from organizations.http import search_text
from organizations.i18n import LANGUAGE_CODES
from organizations.models import Invitation, Membership, Role, User
from organizations.permissions import owner_required, require_role
from organizations.scoping import scopes_disabled


class RoloLoginView(LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        # This browser now proves the owner: the per-account ceiling no longer applies to it.
        throttle.remember_browser(self.request, response, form.get_user().email)
        return response


class RoloPasswordResetView(PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"request": self.request}


class RoloPasswordResetConfirmView(PasswordResetConfirmView):
    """Set a new password from a mailed link, then log in at once, throttles cleared."""

    post_reset_login = True
    post_reset_login_backend = "organizations.backends.MembershipBackend"

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # The link proves the account is theirs: others' failed guesses no longer count.
        throttle.clear_account(form.user.email)
        return response


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user but this one (which gets a new key)."""
    request.user.end_all_sessions()
    update_session_auth_hash(request, request.user)
    messages.success(request, _("You were logged out of every other browser and device."))
    return redirect("password_change")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's name and which emails they want (mentions, activity reminders)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(
        request, "registration/profile.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The switcher at the foot of every page: speak another language from now on.

    Kept in a cookie (for visitors and this browser) and, for a signed-in user, on their
    profile, so it follows them to other browsers and to their emails. Back to `next`.
    """
    code = request.POST.get("language", "")
    if code not in LANGUAGE_CODES:
        return HttpResponseBadRequest(_("Choose one of the languages offered."))
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    response = redirect(_safe_next(request) or "home")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _invitation_in(next_url: str | None) -> Invitation | None:
    """The pending invitation a sign-up continues to (its `next`), so the pages speak of it."""
    if not next_url:
        return None
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return None
    if match.url_name != "invitation_accept":
        return None
    # The token names the organization, as on the invitation's own page.
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("organization")
            .filter(token_hash=Invitation.hash_token(match.kwargs["token"]))
            .first()
        )
    return invitation if invitation is not None and invitation.is_pending else None


SIGNUP_SALT = "rolo.signup"


def signup(request: HttpRequest) -> HttpResponse:
    """Sign up, step one: mail a link to the address; the answer is the same for any address.

    A new address gets a signed link that finishes signing up; an address that already has
    an account gets a note saying so, with links to log in and to reset the password.
    """
    if request.user.is_authenticated:
        return redirect("organization_list")
    form = SignupForm(
        request.POST or None, request=request, initial={"email": request.GET.get("email", "")}
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        next_url = _safe_next(request) or ""
        if User.objects.filter(email__iexact=email).exists():
            context = {
                "email": email,
                "login_url": request.build_absolute_uri(reverse("login")),
                "reset_url": request.build_absolute_uri(reverse("password_reset")),
            }
            subject = _("Someone tried to sign up to Rolo with your address")
            template = "registration/signup_exists_email.txt"
        else:
            token = signing.dumps({"email": email, "next": next_url}, salt=SIGNUP_SALT)
            context = {
                "email": email,
                "url": request.build_absolute_uri(reverse("signup_finish", args=[token])),
                "hours": settings.SIGNUP_LINK_MAX_AGE // 3600,
            }
            subject = _("Finish creating your Rolo account")
            template = "registration/signup_email.txt"
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[email],
        )
        return redirect("signup_sent")
    next_url = _safe_next(request)
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_url, "invitation": _invitation_in(next_url)},
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/signup_sent.html",
        {"hours": settings.SIGNUP_LINK_MAX_AGE // 3600},
    )


def signup_finish(request: HttpRequest, token: str) -> HttpResponse:
    """Sign up, step two: the mailed link proves the address; choose a name and password."""
    try:
        claim = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_LINK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "registration/signup_invalid.html", status=404)
    email = claim["email"]
    if User.objects.filter(email__iexact=email).exists():
        # The link was used already (or the address signed up another way): log in instead.
        return render(
            request, "registration/signup_invalid.html", {"used": True, "email": email}, status=404
        )
    next_url = claim.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    invitation = _invitation_in(next_url)
    form = SignupFinishForm(request.POST or None, instance=User(email=email))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # The same link, posted twice at once: the first one made the account.
            return render(
                request,
                "registration/signup_invalid.html",
                {"used": True, "email": email},
                status=404,
            )
        if request.user.is_authenticated:
            logout(request)
        login(request, user, backend="organizations.backends.MembershipBackend")
        if invitation is not None:
            messages.success(
                request,
                _("Welcome to Rolo! Accept the invitation to join %(organization)s.")
                % {"organization": invitation.organization.name},
            )
        else:
            messages.success(request, _("Welcome to Rolo! Create your first organization."))
        return redirect(next_url or "organization_list")
    return render(
        request,
        "registration/signup_finish.html",
        {"form": form, "email": email, "invitation": invitation},
    )


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    """List the user's organizations and create a new one."""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(
            name=form.cleaned_data["name"], owner=request.user
        )
        organization.default_country = form.cleaned_data["default_country"]
        organization.save(update_fields=["default_country"])
        messages.success(
            request, _("%(name)s is ready. You are its owner.") % {"name": organization.name}
        )
        return redirect(organization)
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organization")
        .annotate(member_count=Count("organization__memberships"))
        .order_by("organization__name")
    )
    return render(
        request,
        "organizations/organization_list.html",
        {"form": form, "memberships": memberships},
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the organization they used last, or to their list."""
    slug = request.session.get("last_organization")
    if slug and Membership.objects.filter(user=request.user, organization__slug=slug).exists():
        return redirect("dashboard", slug=slug)
    return redirect("organization_list")


@require_role(Role.OWNER, Role.MEMBER)
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Members and roles; owners also invite, change roles and remove members here."""
    organization = request.organization
    is_owner = request.membership.is_owner
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                sent = services.invitation_create(
                    organization=organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    accept_url=lambda token: request.build_absolute_uri(
                        reverse("invitation_accept", kwargs={"token": token})
                    ),
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": sent.invitation.email},
                )
                return redirect("member_list", slug=organization.slug)
    memberships = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )
    invitations = (
        Invitation.objects.filter(organization=organization).pending().select_related("invited_by")
        if is_owner
        else Invitation.objects.none()
    )
    return render(
        request,
        "organizations/member_list.html",
        {
            "memberships": memberships,
            "invitations": invitations,
            "form": form,
            "roles": Role.choices,
            "is_owner": is_owner,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@owner_required
def member_change_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organization=request.organization, pk=pk
    )
    form = MembershipRoleForm(request.POST, instance=Membership(role=membership.role))
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("member_list", slug=slug)
    try:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
    return redirect("member_list", slug=slug)


@require_POST
@owner_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organization=request.organization, pk=pk
    )
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("member_list", slug=slug)
    messages.success(
        request,
        _("%(user)s was removed from %(organization)s.")
        % {"user": membership.user, "organization": request.organization.name},
    )
    if membership.user_id == request.user.pk:
        return redirect("organization_list")
    return redirect("member_list", slug=slug)


@require_POST
@owner_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.filter(organization=request.organization).pending(), pk=pk
    )
    invitation.delete()
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("member_list", slug=slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and, on POST by the invited user, join the organization."""
    # The token names the organization; no scope can exist before it is read.
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(token_hash=Invitation.hash_token(token))
            .first()
        )
    if invitation is None or not invitation.is_pending:
        return render(request, "organizations/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        return render(request, "organizations/invitation_accept.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You joined %(organization)s.") % {"organization": invitation.organization.name},
            )
            return redirect(membership.organization)
    return render(
        request,
        "organizations/invitation_accept.html",
        {
            "invitation": invitation,
            "email_matches": request.user.email.lower() == invitation.email.lower(),
        },
    )


@require_role(Role.OWNER, Role.MEMBER)
def member_autocomplete(request: HttpRequest, slug: str) -> HttpResponse:
    """Members who can be mentioned (owners and members) matching ?q=, for the @ picker."""
    q = search_text(request, limit=100)
    memberships = (
        Membership.objects.filter(
            organization=request.organization, role__in=[Role.OWNER, Role.MEMBER]
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if q:
        memberships = memberships.filter(
            Q(user__full_name__icontains=q) | Q(user__email__icontains=q)
        )
    return render(
        request,
        "_autocomplete_options.html",
        {
            "options": [
                (m.user.email, m.user.display_name, m.user.email) for m in memberships[:10]
            ],
            "empty_text": _("No member matches."),
        },
    )
