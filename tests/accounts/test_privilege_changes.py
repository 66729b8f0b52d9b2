"""Every privilege change is recorded for YOT managers; a change that would let a login read
findings waits for a YOT manager other than the person who asked; nobody changes their own
role. The API, the pages and the Django admin all go through the same services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.models import FINDINGS_ROLES, AccountEvent, PrivilegeRequest, Role, User
from accounts.services import privilege_request_approve, user_update
from screening.access import CAPABILITIES
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin():
    user = make_user(role=Role.SYSTEM_ADMIN)
    return user, client_for(user)


@pytest.fixture
def manager():
    user = make_user(role=Role.YOT_MANAGER)
    return user, client_for(user)


def kinds(user: User) -> list[str]:
    return list(
        AccountEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def test_findings_roles_are_the_roles_that_read_findings_or_drafts():
    readers = CAPABILITIES["findings"]["read"] | CAPABILITIES["assessment_drafts"]["read"]
    assert readers == FINDINGS_ROLES


def test_a_system_admin_making_someone_a_yot_manager_waits_for_approval(sysadmin, manager):
    _, admin_api = sysadmin
    target = make_user(role=Role.YOT_ADMIN)
    target_api = client_for(target)
    response = admin_api.patch(
        f"/api/v1/users/{target.pk}/", {"role": "yot_manager"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "yot_admin"
    assert body["pending_change"]["role"] == "yot_manager"
    target.refresh_from_db()
    assert target.role == Role.YOT_ADMIN
    assert target_api.get("/api/v1/audit-log/").status_code == 403

    manager_user, manager_api = manager
    pending = PrivilegeRequest.objects.get(user=target, status="pending")
    approved = manager_api.post(f"/api/v1/privilege-changes/{pending.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    target.refresh_from_db()
    assert target.role == Role.YOT_MANAGER
    assert target_api.get("/api/v1/audit-log/").status_code == 200
    assert admin_api.get(f"/api/v1/users/{target.pk}/").json()["pending_change"] is None
    assert kinds(target)[-3:] == ["change_requested", "change_approved", "role_changed"]
    approval = AccountEvent.objects.get(user=target, kind="change_approved")
    assert approval.actor == manager_user and sysadmin[0].username in approval.detail


def test_nobody_changes_their_own_role(sysadmin):
    user, api = sysadmin
    response = api.patch(f"/api/v1/users/{user.pk}/", {"role": "yot_manager"}, format="json")
    assert response.status_code == 400 and "role" in response.json()["errors"]
    user.refresh_from_db()
    assert user.role == Role.SYSTEM_ADMIN
    assert not PrivilegeRequest.objects.filter(user=user).exists()
    assert "role_changed" not in kinds(user)


def test_the_person_who_asked_cannot_approve_and_nor_can_the_login_itself(manager):
    manager_user, _ = manager
    target = make_user(role=Role.YOT_ADMIN)
    user_update(user=target, role=Role.CASE_MANAGER, by=manager_user)
    change = PrivilegeRequest.objects.get(user=target, status="pending")
    with pytest.raises(PermissionDenied):
        privilege_request_approve(request=change, by=manager_user)
    other_manager = make_user(role=Role.YOT_MANAGER)
    self_change = user_update(user=other_manager, is_active=False, by=manager_user)
    user_update(user=self_change, is_active=True, by=make_user(role=Role.SYSTEM_ADMIN))
    own = PrivilegeRequest.objects.get(user=other_manager, status="pending")
    with pytest.raises(PermissionDenied):
        privilege_request_approve(request=own, by=other_manager)
    target.refresh_from_db()
    assert target.role == Role.YOT_ADMIN


def test_only_yot_managers_approve(sysadmin, manager):
    _, admin_api = sysadmin
    target = make_user(role=Role.YOT_ADMIN)
    admin_api.patch(f"/api/v1/users/{target.pk}/", {"role": "case_manager"}, format="json")
    change = PrivilegeRequest.objects.get(user=target)
    second_admin = client_for(make_user(role=Role.SYSTEM_ADMIN))
    assert second_admin.post(f"/api/v1/privilege-changes/{change.pk}/approve/").status_code == 403
    assert admin_api.get("/api/v1/privilege-changes/").json()["count"] == 1


def test_a_new_login_with_a_findings_role_starts_inactive_until_approved(sysadmin, manager):
    _, admin_api = sysadmin
    response = admin_api.post(
        "/api/v1/users/",
        {"username": "amara.okafor", "password": PASSWORD, "role": "case_manager"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["is_active"] is False
    assert response.json()["pending_change"]["role"] == "case_manager"
    assert (
        Client().post("/sign-in/", {"username": "amara.okafor", "password": PASSWORD}).status_code
        == 200
    )
    change = PrivilegeRequest.objects.get(user__username="amara.okafor")
    assert manager[1].post(f"/api/v1/privilege-changes/{change.pk}/approve/").status_code == 200
    assert User.objects.get(username="amara.okafor").is_active


def test_reactivating_a_case_manager_waits_but_deactivating_is_at_once(sysadmin):
    _, admin_api = sysadmin
    target = make_user(role=Role.CASE_MANAGER)
    admin_api.patch(f"/api/v1/users/{target.pk}/", {"is_active": False}, format="json")
    target.refresh_from_db()
    assert not target.is_active
    answer = admin_api.patch(f"/api/v1/users/{target.pk}/", {"is_active": True}, format="json")
    assert answer.json()["is_active"] is False and answer.json()["pending_change"]
    target.refresh_from_db()
    assert not target.is_active


def test_a_refused_change_leaves_the_login_as_it_was(sysadmin, manager):
    _, admin_api = sysadmin
    target = make_user(role=Role.YOT_ADMIN)
    admin_api.patch(f"/api/v1/users/{target.pk}/", {"role": "yot_manager"}, format="json")
    change = PrivilegeRequest.objects.get(user=target)
    refused = manager[1].post(
        f"/api/v1/privilege-changes/{change.pk}/refuse/", {"reason": "Not agreed"}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    target.refresh_from_db()
    assert target.role == Role.YOT_ADMIN
    again = manager[1].post(f"/api/v1/privilege-changes/{change.pk}/approve/")
    assert again.status_code == 400


def test_every_privilege_change_is_recorded_and_only_yot_managers_read_them(sysadmin, manager):
    admin_user, admin_api = sysadmin
    created = admin_api.post(
        "/api/v1/users/",
        {"username": "kofi.mensah", "password": PASSWORD, "role": "yot_admin"},
        format="json",
    ).json()
    user_id = created["id"]
    admin_api.patch(f"/api/v1/users/{user_id}/", {"role": "system_admin"}, format="json")
    admin_api.patch(
        f"/api/v1/users/{user_id}/", {"password": "another-long-password-9"}, format="json"
    )
    admin_api.post(f"/api/v1/users/{user_id}/two-factor-reset/")
    admin_api.patch(f"/api/v1/users/{user_id}/", {"is_active": False}, format="json")
    trail = manager[1].get(f"/api/v1/account-events/?user={user_id}").json()["results"]
    assert [e["kind"] for e in reversed(trail)] == [
        "created",
        "role_changed",
        "password_set",
        "two_factor_reset",
        "setup_code_issued",
        "deactivated",
    ]
    assert {e["actor_username"] for e in trail} == {admin_user.username}
    assert trail[-2]["detail"] == "from YOT admin to System administrator"
    assert admin_api.get("/api/v1/account-events/").status_code == 403


@pytest.fixture
def admin_pages(sysadmin):
    client = Client()
    client.force_login(sysadmin[0])
    return client


def change_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
    }
    return {k: v for k, v in {**data, **changes}.items() if v != ""}


def test_the_django_admin_goes_through_the_same_services(admin_pages, sysadmin):
    target = make_user(role=Role.YOT_ADMIN)
    response = admin_pages.post(
        f"/admin/accounts/user/{target.pk}/change/", change_form(target, role="yot_manager")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.role == Role.YOT_ADMIN
    assert PrivilegeRequest.objects.filter(user=target, status="pending", role="yot_manager")
    # Deactivating takes effect at once, and is recorded with who did it.
    admin_pages.post(f"/admin/accounts/user/{target.pk}/change/", change_form(target, is_active=""))
    target.refresh_from_db()
    assert not target.is_active
    event = AccountEvent.objects.get(user=target, kind="deactivated")
    assert event.actor == sysadmin[0]
    # A password set in the admin is recorded too.
    admin_pages.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": "a-new-long-password-3", "password2": "a-new-long-password-3"},
    )
    assert AccountEvent.objects.get(user=target, kind="password_set").actor == sysadmin[0]


def test_the_django_admin_does_not_let_an_administrator_change_their_own_role(
    admin_pages, sysadmin
):
    me = sysadmin[0]
    admin_pages.post(f"/admin/accounts/user/{me.pk}/change/", change_form(me, role="yot_manager"))
    me.refresh_from_db()
    assert me.role == Role.SYSTEM_ADMIN


def test_a_login_added_in_the_django_admin_with_a_findings_role_waits(admin_pages):
    response = admin_pages.post(
        "/admin/accounts/user/add/",
        {
            "username": "ines.duarte",
            "email": "ines@yot.example.org",
            "role": "practitioner",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="ines.duarte")
    assert not user.is_active
    assert kinds(user) == ["created", "change_requested"]


def test_yot_managers_approve_on_the_login_changes_page(sysadmin, manager):
    target = make_user(role=Role.YOT_ADMIN)
    sysadmin[1].patch(f"/api/v1/users/{target.pk}/", {"role": "case_manager"}, format="json")
    change = PrivilegeRequest.objects.get(user=target)
    pages = Client()
    pages.force_login(manager[0])
    page = pages.get("/login-changes/").content.decode()
    assert target.username in page and "Active as Case manager" in page
    pages.post(f"/login-changes/{change.pk}/decide/", {"decision": "approve"})
    target.refresh_from_db()
    assert target.role == Role.CASE_MANAGER
    admin_pages = Client()
    admin_pages.force_login(sysadmin[0])
    assert admin_pages.get("/login-changes/").status_code == 403


def test_a_login_deleted_in_the_django_admin_stays_in_the_trail(admin_pages, sysadmin):
    target = make_user(role=Role.YOT_ADMIN)
    response = admin_pages.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = AccountEvent.objects.get(kind="deleted", username=target.username)
    assert event.user is None and event.actor == sysadmin[0]
    assert event.detail == "was YOT admin"
