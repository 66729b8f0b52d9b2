import pytest
from django.core.exceptions import ValidationError

from accounts.models import ApiToken, Role, User
from accounts.services import user_create, user_update
from tests.factories import PASSWORD, make_user


@pytest.mark.django_db
def test_user_create_refuses_a_weak_password_and_stores_nothing():
    with pytest.raises(ValidationError):
        user_create(username="weak", password="password", role=Role.YOT_ADMIN)
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_user_create_refuses_an_unknown_role():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="who", password=PASSWORD, role="superhero")
    assert "role" in excinfo.value.message_dict


@pytest.mark.django_db
def test_deactivating_a_user_revokes_their_tokens():
    user = make_user()
    ApiToken.issue(user=user)
    user_update(user=user, is_active=False)
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_changing_the_password_revokes_tokens_but_other_edits_do_not():
    user = make_user()
    ApiToken.issue(user=user)
    user_update(user=user, email="new@yot.example.org")
    assert ApiToken.objects.filter(user=user).count() == 1
    user_update(user=user, password="another-long-password-7")
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_tokens_are_stored_only_as_hashes():
    user = make_user()
    token, key = ApiToken.issue(user=user)
    assert key not in token.key_hash and len(token.key_hash) == 64


@pytest.mark.django_db
def test_the_first_administrator_gets_a_setup_code_from_the_command_line():
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import AccountEvent, TwoFactorSetupCode
    from accounts.two_factor import setup_code_check

    user = make_user(role=Role.SYSTEM_ADMIN)
    out = StringIO()
    call_command("issue_setup_code", user.username, stdout=out)
    code = out.getvalue().split()[0]
    assert setup_code_check(user=user, code=code) == TwoFactorSetupCode.objects.get(user=user)
    event = AccountEvent.objects.get(user=user, kind="setup_code_issued")
    assert event.actor is None and event.actor_username == "command line"
