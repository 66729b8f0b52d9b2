"""Writes on users: provisioning and deactivation."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.admin_access import apply_role
from accounts.models import ApiToken, User


def check_password(*, password: str, user: User) -> None:
    """The password must pass the configured validators; errors are on `password`."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
) -> User:
    """Provision a login with one role; the password must pass the validators."""
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active,
    )
    check_password(password=password, user=user)
    user.set_password(password)
    user.full_clean()
    user.save()
    apply_role(user)
    return user


@transaction.atomic
def user_update(*, user: User, password: str | None = None, **fields: object) -> User:
    """Change a login; deactivating it revokes every API token at once."""
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        check_password(password=password, user=user)
        user.set_password(password)
    user.full_clean()
    user.save()
    apply_role(user)
    if not user.is_active or password:
        ApiToken.objects.filter(user=user).delete()
    return user
