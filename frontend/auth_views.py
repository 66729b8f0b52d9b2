"""Sign in with a password, then (when required) a code from an authenticator app; the
session is only signed in once both are right, so nothing is reachable half-way."""

from __future__ import annotations

import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from accounts.models import TwoFactorSetupCode, User
from accounts.oidc import PASSWORD_BACKEND
from accounts.two_factor import (
    check_code,
    device_confirm,
    has_confirmed_device,
    secret_text,
    setup_code_check,
    setup_device,
    two_factor_required,
)
from frontend.forms import SetupCodeForm, TokenForm, apply_service_errors
from frontend.middleware import TIMED_OUT, idle_seconds_left

PENDING = "pending_sign_in"
PASSWORDS_OFF = gettext_lazy(
    "Passwords are turned off for your login: use Sign in with your organisation account. "
    "Only system administrators' break-glass logins sign in with a password."
)
PENDING_SECONDS = 5 * 60


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("Enter a correct username and password"),
        "inactive": gettext_lazy("This account is not active"),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget = forms.TextInput(attrs={"autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, ""
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending.get("next", "")


def _finish(request: HttpRequest, user: User, device: object | None, target: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    login(request, user, backend=PASSWORD_BACKEND)
    if device is not None:
        otp_login(request, device)
    return redirect(target or settings.LOGIN_REDIRECT_URL)


def sign_in(request: HttpRequest) -> HttpResponse:
    """Username and password; lockout after repeated failures is django-axes' (429)."""
    if request.user.is_authenticated:
        return redirect(_next(request))
    timed_out = request.session.pop(TIMED_OUT, False)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    valid = request.method == "POST" and form.is_valid()
    if getattr(request, "password_sign_in_off", False):
        # The password was right, but this login signs in through the organisation only.
        form.errors.clear()
        form.add_error(None, PASSWORDS_OFF)
    if valid:
        user = form.get_user()
        target = _next(request)
        if not two_factor_required(user=user):
            return _finish(request, user, None, target)
        request.session[PENDING] = {"user": user.pk, "at": int(time.time()), "next": target}
        if has_confirmed_device(user=user):
            return redirect("frontend:sign_in_code")
        return redirect("frontend:two_factor_setup")
    return render(
        request,
        "frontend/sign_in.html",
        {
            "form": form,
            "next": _next(request),
            "timed_out": timed_out,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
            "error_title": form.errors,
            "sso": settings.OIDC_ENABLED,
            # Without local passwords the form is the break-glass way in, shown on asking.
            "show_password": settings.LOCAL_PASSWORDS
            or request.method == "POST"
            or request.GET.get("password") == "break-glass",
            "local_passwords": settings.LOCAL_PASSWORDS,
        },
    )


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the user's authenticator app."""
    user, target = _pending_user(request)
    if user is None or not has_confirmed_device(user=user):
        return redirect("frontend:sign_in")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = check_code(user=user, code=form.cleaned_data["otp"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _finish(request, user, device, target)
    return render(request, "frontend/sign_in_code.html", {"form": form, "error_title": form.errors})


def _setup_code(request: HttpRequest, user: User) -> TwoFactorSetupCode | None:
    """The live setup code this half-finished sign-in has already given, if any."""
    code_id = request.session.get(PENDING, {}).get("setup_code")
    if code_id is None:
        return None
    return TwoFactorSetupCode.objects.live().filter(pk=code_id, user=user).first()


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First-time setup: the setup code from an administrator (a password alone is not
    enough), then scan the QR code (or type the secret) and confirm with a code."""
    user, target = _pending_user(request)
    if user is None:
        return redirect("frontend:sign_in")
    if has_confirmed_device(user=user):
        return redirect("frontend:sign_in_code")
    setup_code = _setup_code(request, user)
    if setup_code is None:
        return _ask_for_setup_code(request, user)
    device = setup_device(user=user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device_confirm(device=device, code=form.cleaned_data["otp"], setup_code=setup_code)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your authenticator app is set up."))
            return _finish(request, user, device, target)
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to add this service to your authenticator app"
    )
    return render(
        request,
        "frontend/two_factor_setup.html",
        {"form": form, "qr_svg": qr, "secret": secret_text(device), "error_title": form.errors},
    )


def _ask_for_setup_code(request: HttpRequest, user: User) -> HttpResponse:
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            setup_code = setup_code_check(user=user, code=form.cleaned_data["setup_code"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            pending = request.session[PENDING]
            request.session[PENDING] = {**pending, "setup_code": setup_code.pk}
            # A new secret, shown only now: none shown earlier can be the one confirmed.
            setup_device(user=user, fresh=True)
            return redirect("frontend:two_factor_setup")
    return render(
        request,
        "frontend/two_factor_setup_code.html",
        {"form": form, "error_title": form.errors},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("frontend:sign_in")


def _session_left(request: HttpRequest) -> JsonResponse:
    signed_in = request.user.is_authenticated
    response = JsonResponse(
        {"signed_in": signed_in, "seconds_left": idle_seconds_left(request) if signed_in else 0}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left before it ends for want of activity (asking does not
    count as activity): the pages' timeout warning checks this before it warns."""
    return _session_left(request)


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """'Stay signed in': any request restarts the idle clock; this one only says so."""
    return _session_left(request)
