"""Logins in the Django admin, through the same services as the API: every privilege change
is recorded, a change that would let a login read findings waits for a YOT manager, and
nobody changes their own role."""

from __future__ import annotations

import contextvars

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, SetPasswordMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import PrivilegeRequest, User
from accounts.services import user_create, user_delete, user_update
from accounts.two_factor import setup_code_issue, two_factor_reset

# The administrator making a change, for the password form (Django builds it with the user
# only); a context variable, so concurrent requests never see each other's.
ACTING_USER: contextvars.ContextVar[User | None] = contextvars.ContextVar("acting_user")
EDITABLE = ("username", "first_name", "last_name", "email", "role", "is_active")


class UserCreationForm(BaseUserCreationForm):
    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role")


class PasswordForm(SetPasswordMixin, forms.Form):
    """Set a password (through user_update, so it is recorded and revokes tokens)."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        cleaned = super().clean()
        cleaned["set_usable_password"] = True
        return cleaned

    @property
    def changed_data(self) -> list[str]:
        return ["password"]

    def save(self, commit: bool = True) -> User:
        return user_update(
            user=self.user, password=self.cleaned_data["password1"], by=ACTING_USER.get(None)
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    change_password_form = PasswordForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("role", "is_active")}),
        ("Organisation sign-in", {"fields": ("sso_subject",)}),
        ("Derived from the role", {"fields": ("is_staff", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("is_staff", "groups", "last_login", "date_joined", "sso_subject")
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    actions = ["issue_setup_code", "reset_two_factor"]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple:
        # Nobody changes their own role (user_update refuses it too).
        if obj is not None and obj.pk == request.user.pk:
            return (*self.readonly_fields, "role")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        saved = self._save_through_services(request, obj, form, change)
        obj.pk, obj.role, obj.is_active = saved.pk, saved.role, saved.is_active
        obj._state.adding = False
        pending = PrivilegeRequest.objects.filter(
            user=saved, status=PrivilegeRequest.Status.PENDING
        ).first()
        if pending is not None:
            messages.warning(
                request,
                f"{saved.username} becomes an active {pending.get_role_display()} only when a "
                "YOT manager approves it.",
            )

    def _save_through_services(self, request: HttpRequest, obj: User, form, change: bool):
        data = form.cleaned_data
        if not change:
            return user_create(
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                email=data.get("email", ""),
                by=request.user,
            )
        changed = {name: data[name] for name in form.changed_data if name in EDITABLE}
        return user_update(user=User.objects.get(pk=obj.pk), by=request.user, **changed)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        user_delete(user=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in queryset:
            user_delete(user=user, by=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        # Groups and the staff flag follow the role (apply_role, in the services).
        pass

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        token = ACTING_USER.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            ACTING_USER.reset(token)

    def _issue(self, request: HttpRequest, queryset: QuerySet, service, words: str) -> None:
        for user in queryset:
            try:
                row, code = service(user=user, by=request.user)
            except PermissionDenied as error:
                messages.error(request, f"{user.username}: {error}")
                continue
            messages.warning(
                request,
                f"{words} for {user.username}: {code} (works once, until "
                f"{row.expires:%d %B %Y %H:%M} UTC). Give it to them in person or by phone.",
            )

    @admin.action(description="Issue a two-factor setup code")
    def issue_setup_code(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._issue(request, queryset, setup_code_issue, "Setup code")

    @admin.action(description="Reset two-factor (a lost phone) and issue a setup code")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._issue(request, queryset, two_factor_reset, "Two-factor reset; setup code")
