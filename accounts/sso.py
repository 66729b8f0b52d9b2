"""Organisation sign-in (OpenID Connect): which login a provider's verified claims are, and
what role they give it (docs/decisions/0015-single-sign-on.md).

The role comes from the groups or app roles claim through OIDC_ROLE_MAP. ADR 0012 holds as for
a person's change: a role that does not let the login read findings (and any lowering of
access) is applied at once; one that would (FINDINGS_ROLES, a role the login did not already
hold while active) is held as a PrivilegeRequest until a YOT manager approves it, and the login
is inactive meanwhile, so nothing the claims no longer back stays usable. Organisation sign-in
never reactivates a login by itself. Every change and refusal writes an AccountEvent whose actor
is "organisation sign-in".
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.admin_access import apply_role
from accounts.models import AccountEvent, ApiToken, PrivilegeRequest, Role, User
from accounts.services import (
    account_changes_record,
    account_event_record,
    grants_findings,
    privilege_request_create,
    privilege_requests_withdraw,
    role_label,
)

ACTOR = "organisation sign-in"

# The refusals, in words for the person (SignInRefused.words); stored in English.
TOO_MANY_GROUPS = _(
    "Your organisation account is in too many groups for them to be sent at sign-in. "
    "Ask your IT service to send only the groups assigned to this application."
)
NO_GROUP = _(
    "Your organisation account is not in any group that gives access to this service. "
    "Ask your manager or IT service to add you to the right group."
)
NO_GROUP_NOW = _(
    "Your organisation account is no longer in any group that gives access to this "
    "service, so your login here has been deactivated. Ask your manager if this is wrong."
)
SEVERAL_ROLES = _(
    "Your organisation account's groups give more than one role (%(roles)s). Ask your "
    "IT service to leave you in the group of one role only."
)
NO_EMAIL = _(
    "Your organisation account did not give an email address, so it cannot be matched "
    "to a login here. Ask your IT service to include it."
)
EMAIL_NOT_VERIFIED = _(
    "Your organisation account's email address is not verified, so it cannot be "
    "matched to a login here."
)
NO_SUBJECT = _("Your organisation account did not say who you are. Ask your IT service.")
OTHER_ACCOUNT = _(
    "Your login here belongs to a different organisation account. Ask your system administrator."
)
SHARED_EMAIL = _(
    "More than one login here has your email address. Ask your system administrator "
    "to give each login its own."
)
USERNAME_TAKEN = _(
    "A login with your email address as its username already exists with another "
    "email address. Ask your system administrator to correct it."
)
BAD_DETAILS = _("Your organisation account's details could not make a login here: %(problems)s")
AWAITING = _(
    "Your access as %(role)s is waiting for a YOT manager's approval. You can "
    "sign in once it is approved."
)
DEACTIVATED = _("Your login here has been deactivated. Ask your system administrator.")
# Every refusal, for reading a stored one back (frontend/account_words.py).
REFUSALS = (TOO_MANY_GROUPS, NO_GROUP, NO_GROUP_NOW, SEVERAL_ROLES, NO_EMAIL,
            EMAIL_NOT_VERIFIED, NO_SUBJECT, OTHER_ACCOUNT, SHARED_EMAIL, USERNAME_TAKEN,
            BAD_DETAILS, AWAITING, DEACTIVATED)  # fmt: skip


class SignInRefused(Exception):
    """Organisation sign-in proved who someone is, but they may not sign in: `words` says
    why, in words for the person (marked for translation, with `params` filled in when
    shown), `message` is the same in English, as the login changes trail stores it (read
    back into the reader's language there: frontend/account_words.py); `pending` is the
    role awaiting approval, if that is why."""

    def __init__(self, words: str, *, params: Mapping[str, object] | None = None,
                 pending: str = "") -> None:  # fmt: skip
        self.words = words
        self.params = dict(params or {})
        with translation.override("en-gb"):
            self.message = self.shown()
        super().__init__(self.message)
        self.pending = pending

    def shown(self) -> str:
        """The refusal in the active language (the sign-in page's visitor's)."""
        words = str(self.words)
        if not self.params:
            return words
        return words % {name: str(value) for name, value in self.params.items()}


def _role_name(role: str):
    return lazy(lambda: str(Role(role).label), str)()


def _role_names(roles: set[str]):
    return lazy(lambda: ", ".join(sorted(str(Role(role).label) for role in roles)), str)()


def role_map() -> dict[str, str]:
    """OIDC_ROLE_MAP ("group-or-role=role,...") as a dict; raises ImproperlyConfigured naming
    an entry that is not `value=role` with one of the five roles."""
    mapping: dict[str, str] = {}
    for item in settings.OIDC_ROLE_MAP:
        value, sep, role = item.rpartition("=")
        value, role = value.strip(), role.strip()
        if not sep or not value or role not in Role.values:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP entries look like group-id=role with a role among "
                f"{', '.join(Role.values)}, not {item!r}"
            )
        mapping[value] = role
    return mapping


def claim_values(claims: Mapping[str, object], name: str) -> list[str]:
    """The claim as a list of strings (a list, or one string), empty when absent."""
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def roles_from_claims(claims: Mapping[str, object]) -> set[str]:
    """The roles the claims map to; refuses (SignInRefused) a token whose groups were left
    out because there were too many (Entra ID's group overage)."""
    name = settings.OIDC_ROLES_CLAIM
    names = claims.get("_claim_names")
    if isinstance(names, Mapping) and name in names and name not in claims:
        raise SignInRefused(TOO_MANY_GROUPS)
    mapping = role_map()
    return {mapping[value] for value in claim_values(claims, name) if value in mapping}


def _identity(claims: Mapping[str, object]) -> str:
    return str(claims.get(settings.OIDC_EMAIL_CLAIM) or claims.get("sub") or "unknown")


def refusal_record(*, claims: Mapping[str, object], user: User | None, why: str) -> None:
    """Audit one refused organisation sign-in (who, if the claims said, and why)."""
    account_event_record(
        by=None,
        user=user,
        username=_identity(claims),
        kind=AccountEvent.Kind.SIGN_IN_REFUSED,
        detail=why,
        actor_name=ACTOR,
    )


def _choose_role(*, roles: set[str], user: User | None) -> str:
    if not roles:
        raise SignInRefused(NO_GROUP)
    if user is not None and user.role in roles:
        return user.role  # several map, but the one held already is among them
    if len(roles) > 1:
        raise SignInRefused(SEVERAL_ROLES, params={"roles": _role_names(roles)})
    return next(iter(roles))


def _email(claims: Mapping[str, object]) -> str:
    email = claims.get(settings.OIDC_EMAIL_CLAIM)
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(NO_EMAIL)
    if claims.get("email_verified") is False:
        raise SignInRefused(EMAIL_NOT_VERIFIED)
    return email.strip()


def _subject(claims: Mapping[str, object]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused(NO_SUBJECT)
    return subject


def _matching_login(email: str, subject: str) -> User | None:
    """The login first signed in with this organisation account, else the one login with
    this email that no other organisation account has signed in as."""
    linked = User.objects.select_for_update().filter(sso_subject=subject).first()
    if linked is not None:
        return linked
    users = list(User.objects.select_for_update().filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise SignInRefused(SHARED_EMAIL)
    if users and users[0].sso_subject:
        raise SignInRefused(OTHER_ACCOUNT)
    return users[0] if users else None


def _create(*, claims: Mapping[str, object], email: str, role: str, subject: str) -> User:
    """A new login for the claims: active when its role reads no findings, else inactive with
    the role held for a YOT manager's approval."""
    username = email.lower()[:150]
    if User.objects.filter(username__iexact=username).exists():
        raise SignInRefused(USERNAME_TAKEN)
    held = grants_findings(before=None, after=(role, True))
    user = User(
        username=username,
        email=email,
        role=role,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        is_active=not held,
        sso_subject=subject,
    )
    user.set_unusable_password()  # signs in through the organisation only
    try:
        user.full_clean()
    except ValidationError as exc:
        error = exc  # read again in the reader's language when shown
        messages = lazy(lambda: "; ".join(error.messages), str)()
        raise SignInRefused(BAD_DETAILS, params={"problems": messages}) from exc
    user.save()
    apply_role(user)
    account_event_record(
        by=None,
        user=user,
        kind=AccountEvent.Kind.CREATED,
        detail=f"as {role_label(role)}, {'active' if user.is_active else 'inactive'}",
        actor_name=ACTOR,
    )
    if held:
        privilege_request_create(user=user, role=role, by=None, actor_name=ACTOR)
    return user


def _pending(user: User) -> PrivilegeRequest | None:
    return PrivilegeRequest.objects.filter(
        user=user, status=PrivilegeRequest.Status.PENDING
    ).first()


def _awaiting(role: str) -> SignInRefused:
    return SignInRefused(AWAITING, params={"role": _role_name(role)}, pending=role)


def _deactivate(*, user: User, why: str) -> None:
    before = (user.role, user.is_active)
    user.is_active = False
    user.save(update_fields=["is_active"])
    account_changes_record(
        by=None, user=user, before=before, password_set=False, actor_name=ACTOR, why=why
    )
    ApiToken.objects.filter(user=user).delete()


def _apply(*, user: User, role: str) -> User:
    """Give an existing login the claims' role, by ADR 0012's rule."""
    pending = _pending(user)
    if not user.is_active:
        if pending is not None:
            raise _awaiting(pending.role)
        raise SignInRefused(DEACTIVATED)
    if user.role == role:
        if pending is not None:
            privilege_requests_withdraw(
                user=user, by=None, why="organisation sign-in kept the role", actor_name=ACTOR
            )
        return user
    before = (user.role, user.is_active)
    if grants_findings(before=before, after=(role, True)):
        # Held: the role the claims no longer back stops now, the new one waits.
        why = f"organisation groups now give {role_label(role)}"
        _deactivate(user=user, why=why)
        privilege_request_create(user=user, role=role, by=None, actor_name=ACTOR, why=why)
        raise _awaiting(role)
    user.role = role
    user.save(update_fields=["role"])
    apply_role(user)
    account_changes_record(
        by=None,
        user=user,
        before=before,
        password_set=False,
        actor_name=ACTOR,
        why="organisation groups changed",
    )
    if pending is not None:
        privilege_requests_withdraw(
            user=user, by=None, why="organisation sign-in changed the role", actor_name=ACTOR
        )
    return user


def sso_sign_in(*, claims: Mapping[str, object]) -> User:
    """The login that these verified claims sign in as, its role brought in line with them.
    Raises SignInRefused, with the refusal recorded (and a login whose groups no longer give
    any role deactivated), when they may not sign in."""
    with transaction.atomic():
        try:
            return _sign_in(claims)
        except SignInRefused as refusal:
            # What was written before the refusal (a deactivation, a login awaiting
            # approval) is kept with the refusal's record.
            _refused(claims=claims, refusal=refusal)
            outcome = refusal
    raise outcome


def _sign_in(claims: Mapping[str, object]) -> User:
    subject = _subject(claims)
    email = _email(claims)
    user = _matching_login(email, subject)
    if user is not None and not user.sso_subject:
        user.sso_subject = subject  # from now on only this account signs in as the login
        user.save(update_fields=["sso_subject"])
    roles = roles_from_claims(claims)
    if user is not None and not roles:
        if user.is_active:
            _deactivate(user=user, why="organisation groups give no role")
        raise SignInRefused(NO_GROUP_NOW)
    role = _choose_role(roles=roles, user=user)
    if user is None:
        user = _create(claims=claims, email=email, role=role, subject=subject)
        if not user.is_active:
            raise _awaiting(role)
        return user
    return _apply(user=user, role=role)


def _refused(*, claims: Mapping[str, object], refusal: SignInRefused) -> None:
    email = claims.get(settings.OIDC_EMAIL_CLAIM)
    user = User.objects.filter(email__iexact=email).first() if isinstance(email, str) else None
    refusal_record(claims=claims, user=user, why=refusal.message)
