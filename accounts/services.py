"""Writes on users: provisioning, changes, deactivation, and the privilege changes that wait
for a YOT manager's approval.

Every privilege change (a login created, a role changed, a password set, a login deactivated
or reactivated, two-factor reset) writes an AccountEvent. `by` is the person making the change:
the API, the pages and the Django admin always pass the signed-in user. A change made by a
person that would let a login read findings (FINDINGS_ROLES) does not take effect: it waits
as a PrivilegeRequest until a YOT manager other than that person approves it. `by=None` is the
command line and data loading (the demo, tests), trusted as the operator of the machine.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.admin_access import apply_role
from accounts.models import (
    FINDINGS_ROLES,
    AccountEvent,
    ApiToken,
    PrivilegeRequest,
    Role,
    User,
)

COMMAND_LINE = "command line"


def check_password(*, password: str, user: User) -> None:
    """The password must pass the configured validators; errors are on `password`."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def account_event_record(
    *,
    by: User | None,
    user: User | None,
    kind: str,
    detail: str = "",
    actor_name: str = "",
    username: str = "",
) -> AccountEvent:
    """Write one entry of the privilege-change trail. `actor_name` names an actor that is
    not a person (organisation sign-in); `username` names a login that does not exist."""
    return AccountEvent.objects.create(
        actor=by if by is not None and by.pk else None,
        actor_username=actor_name or (by.get_username() if by is not None else COMMAND_LINE),
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        kind=kind,
        detail=detail[:300],
    )


def role_label(role: str) -> str:
    """A role's English label, for the stored trail (written in English whatever the page's
    language; the login changes page words it again in the reader's language)."""
    if role not in Role.values:
        return role
    with translation.override("en-gb"):
        return str(Role(role).label)


def grants_findings(*, before: tuple[str, bool] | None, after: tuple[str, bool]) -> bool:
    """True when (role, active) `after` lets the login read findings in a way `before` did
    not: an active findings-reading role it did not already hold while active."""
    role, active = after
    if not active or role not in FINDINGS_ROLES:
        return False
    return before is None or before != (role, True)


def privilege_request_create(
    *, user: User, role: str, by: User | None, actor_name: str = "", why: str = ""
) -> PrivilegeRequest:
    """Hold a change that would let the login read findings until a YOT manager approves it
    (replacing any change already waiting)."""
    privilege_requests_withdraw(
        user=user, by=by, why="replaced by a new change", actor_name=actor_name
    )
    request = PrivilegeRequest.objects.create(user=user, role=role, requested_by=by)
    account_event_record(
        by=by,
        user=user,
        kind=AccountEvent.Kind.CHANGE_REQUESTED,
        detail=f"active as {role_label(role)}" + (f": {why}" if why else ""),
        actor_name=actor_name,
    )
    return request


def privilege_requests_withdraw(
    *, user: User, by: User | None, why: str, actor_name: str = ""
) -> None:
    """Withdraw the login's change waiting for approval, if any."""
    for pending in PrivilegeRequest.objects.filter(
        user=user, status=PrivilegeRequest.Status.PENDING
    ):
        pending.status = PrivilegeRequest.Status.WITHDRAWN
        pending.decided_by = by if by is not None and by.pk else None
        pending.decided_at = timezone.now()
        pending.reason = why
        pending.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        account_event_record(
            by=by,
            user=user,
            kind=AccountEvent.Kind.CHANGE_WITHDRAWN,
            detail=f"active as {role_label(pending.role)}: {why}",
            actor_name=actor_name,
        )


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
    by: User | None = None,
) -> User:
    """Provision a login with one role; the password must pass the validators. A login made
    by a person with a findings-reading role starts inactive, awaiting a YOT manager."""
    held = by is not None and grants_findings(before=None, after=(role, is_active))
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=is_active and not held,
    )
    check_password(password=password, user=user)
    user.set_password(password)
    user.full_clean()
    user.save()
    apply_role(user)
    account_event_record(
        by=by,
        user=user,
        kind=AccountEvent.Kind.CREATED,
        detail=f"as {role_label(role)}, {'active' if user.is_active else 'inactive'}",
    )
    if held:
        privilege_request_create(user=user, role=role, by=by)
    return user


@transaction.atomic
def user_update(
    *, user: User, password: str | None = None, by: User | None = None, **fields: object
) -> User:
    """Change a login; deactivating it revokes every API token at once. Nobody changes their
    own role (ValidationError on `role`); a change that would let the login read findings
    waits for a YOT manager's approval, while the other fields change at once."""
    before = (user.role, user.is_active)
    role = fields.pop("role", user.role)
    active = fields.pop("is_active", user.is_active)
    if by is not None and by.pk == user.pk and role != user.role:
        raise ValidationError(
            {"role": [gettext("You cannot change your own role: ask another administrator.")]}
        )
    if role not in Role.values:
        raise ValidationError({"role": [gettext("%(role)s is not a role.") % {"role": repr(role)}]})
    held = by is not None and grants_findings(before=before, after=(role, active))
    for name, value in fields.items():
        setattr(user, name, value)
    if not held:
        user.role, user.is_active = role, active
    if password:
        check_password(password=password, user=user)
        user.set_password(password)
    user.full_clean()
    user.save()
    apply_role(user)
    account_changes_record(by=by, user=user, before=before, password_set=bool(password))
    if held:
        privilege_request_create(user=user, role=role, by=by)
    elif (user.role, user.is_active) != before:
        privilege_requests_withdraw(user=user, by=by, why="the login was changed directly")
    if not user.is_active or password:
        ApiToken.objects.filter(user=user).delete()
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Keep the language a person chose to read the service in, for their emails and
    invites (screening.integrations.email.staff_language). Not a privilege change, so not
    on the login changes trail."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"language": [gettext("%(language)s is not a language of the service.")
                          % {"language": repr(language)}]}
        )  # fmt: skip
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_delete(*, user: User, by: User | None = None) -> None:
    """Delete a login (its tokens and requests go with it); the trail keeps its name."""
    account_event_record(
        by=by, user=user, kind=AccountEvent.Kind.DELETED, detail=f"was {role_label(user.role)}"
    )
    user.delete()


def account_changes_record(
    *,
    by: User | None,
    user: User,
    before: tuple[str, bool],
    password_set: bool,
    actor_name: str = "",
    why: str = "",
) -> None:
    """Record what changed of the login's role and active state since `before`."""
    role, active = before
    note = f": {why}" if why else ""
    said = {"by": by, "user": user, "actor_name": actor_name}
    if user.role != role:
        account_event_record(
            **said,
            kind=AccountEvent.Kind.ROLE_CHANGED,
            detail=f"from {role_label(role)} to {role_label(user.role)}{note}",
        )
    if active and not user.is_active:
        account_event_record(**said, kind=AccountEvent.Kind.DEACTIVATED, detail=note[2:])
    if not active and user.is_active:
        account_event_record(**said, kind=AccountEvent.Kind.REACTIVATED, detail=note[2:])
    if password_set:
        account_event_record(**said, kind=AccountEvent.Kind.PASSWORD_SET)


def check_can_decide(*, request: PrivilegeRequest, by: User) -> None:
    """Only an active YOT manager decides, never on a change they asked for or on their own
    login (PermissionDenied); only a pending change can be decided (ValidationError)."""
    if not by.is_active or by.role != Role.YOT_MANAGER:
        raise PermissionDenied("Only a YOT manager can approve or refuse a change.")
    if request.requested_by_id == by.pk:
        raise PermissionDenied("A change needs a second person: you asked for this one.")
    if request.user_id == by.pk:
        raise PermissionDenied("Another YOT manager must decide a change to your own login.")
    if request.status != PrivilegeRequest.Status.PENDING:
        raise ValidationError(
            {
                "status": [
                    gettext("This change is already %(status)s.")
                    % {"status": request.get_status_display().lower()}
                ]
            }
        )


@transaction.atomic
def privilege_request_approve(*, request: PrivilegeRequest, by: User) -> PrivilegeRequest:
    """Approve a waiting change: the login becomes active with the role asked for."""
    request = PrivilegeRequest.objects.select_for_update().get(pk=request.pk)
    check_can_decide(request=request, by=by)
    user = User.objects.select_for_update().get(pk=request.user_id)
    before = (user.role, user.is_active)
    user.role, user.is_active = request.role, True
    user.full_clean()
    user.save(update_fields=["role", "is_active"])
    apply_role(user)
    request.status = PrivilegeRequest.Status.APPROVED
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    asked_by = request.requested_by.get_username() if request.requested_by else "someone"
    account_event_record(
        by=by,
        user=user,
        kind=AccountEvent.Kind.CHANGE_APPROVED,
        detail=f"active as {role_label(request.role)}, asked for by {asked_by}",
    )
    account_changes_record(by=by, user=user, before=before, password_set=False)
    return request


@transaction.atomic
def privilege_request_refuse(
    *, request: PrivilegeRequest, by: User, reason: str = ""
) -> PrivilegeRequest:
    """Refuse a waiting change: the login stays as it is."""
    request = PrivilegeRequest.objects.select_for_update().get(pk=request.pk)
    check_can_decide(request=request, by=by)
    if len(reason) > 500:
        raise ValidationError({"reason": [gettext("Give a reason of at most 500 characters.")]})
    request.status = PrivilegeRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.reason = by, timezone.now(), reason
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    account_event_record(
        by=by,
        user=request.user,
        kind=AccountEvent.Kind.CHANGE_REFUSED,
        detail=f"active as {role_label(request.role)}" + (f": {reason}" if reason else ""),
    )
    return request
