"""Roles from organisation sign-in claims keep ADR 0012's rule: a login reads findings only
with a role it already read them with, or after a YOT manager's approval (accounts/sso.py,
without the provider: tests/accounts/test_sso_flow.py drives the whole flow)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import FINDINGS_ROLES, PrivilegeRequest, Role, User
from accounts.services import grants_findings
from accounts.sso import SignInRefused, sso_sign_in
from tests import factories

pytestmark = pytest.mark.django_db
GROUPS = {role: f"group-{role}" for role in Role.values}
_emails = itertools.count()


@pytest.fixture(autouse=True)
def role_map(settings):
    settings.OIDC_ROLE_MAP = [f"{group}={role}" for role, group in GROUPS.items()]


def reads_findings(user: User) -> bool:
    return user.is_active and user.role in FINDINGS_ROLES


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.one_of(st.none(), st.tuples(st.sampled_from(Role.values), st.booleans())),
    claimed=st.sets(st.sampled_from(Role.values), max_size=2),
)
def test_claims_never_grant_findings_access_without_approval(before, claimed):
    email = f"person{next(_emails)}@council.example.org"
    user = None
    if before is not None:
        user = factories.make_user(role=before[0])
        User.objects.filter(pk=user.pk).update(is_active=before[1], email=email)
    claims = {"sub": email, "email": email, "groups": [GROUPS[r] for r in claimed]}
    try:
        signed_in = sso_sign_in(claims=claims)
    except SignInRefused:
        signed_in = None
    after = User.objects.filter(email=email).first()
    if after is None:
        assert before is None and signed_in is None
        return
    if reads_findings(after):
        # The same findings role it already held while active: nothing was granted.
        assert before == (after.role, True)
    if signed_in is not None:
        assert signed_in.pk == after.pk and signed_in.is_active
        assert after.role in claimed
    pending = PrivilegeRequest.objects.filter(user=after, status="pending").first()
    if pending is not None and before is None:
        assert pending.role in claimed and grants_findings(before=None, after=(pending.role, True))
    if before is not None and before[1] and not claimed:
        assert not after.is_active  # groups give no role: deactivated


def test_the_held_role_is_the_one_a_yot_manager_approves():
    user = factories.make_user(role=Role.PRACTITIONER)
    with pytest.raises(SignInRefused, match="waiting for a YOT manager"):
        sso_sign_in(claims={"sub": "x", "email": user.email, "groups": [GROUPS["case_manager"]]})
    user.refresh_from_db()
    assert not user.is_active  # the practitioner role the groups no longer give has stopped
    assert PrivilegeRequest.objects.get(user=user, status="pending").role == Role.CASE_MANAGER


def test_an_unverified_email_is_not_matched():
    user = factories.make_user(role=Role.YOT_ADMIN)
    claims = {
        "sub": "x",
        "email": user.email,
        "email_verified": False,
        "groups": [GROUPS["yot_admin"]],
    }
    with pytest.raises(SignInRefused, match="not verified"):
        sso_sign_in(claims=claims)


def test_two_logins_with_one_email_are_refused():
    first = factories.make_user(role=Role.YOT_ADMIN)
    second = factories.make_user(role=Role.YOT_ADMIN)
    User.objects.filter(pk=second.pk).update(email=first.email.upper())
    with pytest.raises(SignInRefused, match="More than one login"):
        sso_sign_in(claims={"sub": "x", "email": first.email, "groups": [GROUPS["yot_admin"]]})


def test_claims_without_a_subject_are_refused():
    with pytest.raises(SignInRefused, match="did not say who you are"):
        sso_sign_in(claims={"email": "a@council.example.org", "groups": [GROUPS["yot_admin"]]})
