import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from jisr.accounts import services
from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.core.exceptions import AccessDenied, DomainError, ValidationFailed
from jisr.core.models import AuditEntry


def test_an_administrator_creates_an_account_and_an_invitation_goes_out(world,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(actor=world.admin, username="hanane", email="h@test.ma",
                                    role=Role.RECEPTION_OFFICER, centre=world.centre_safi,
                                    base_url="http://jisr.test/")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["h@test.ma"]
    assert "http://jisr.test/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("role, scope, field", [
    (Role.SOCIAL_WORKER, {}, "centre"),
    (Role.REGIONAL_COORDINATOR, {}, "region"),
    (Role.PARTNER_AGENT, {}, "partner"),
])
def test_a_role_without_its_scope_is_refused_and_nothing_is_created(world, role, scope, field):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=world.admin, username="x1", email="x@test.ma", role=role,
                             **scope)
    assert field in exc.value.fields
    assert not User.objects.filter(username="x1").exists()


def test_a_scope_that_does_not_fit_the_role_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=world.admin, username="x2", email="x@test.ma",
                             role=Role.NATIONAL_ANALYST, centre=world.centre_safi)
    assert "centre" in exc.value.fields


def test_a_duplicate_username_is_refused_whatever_its_case(world):
    with pytest.raises(ValidationFailed):
        services.user_create(actor=world.admin, username="AMINA", email="a@test.ma",
                             role=Role.NATIONAL_ANALYST)


@pytest.mark.parametrize("name", ["khadija", "omar", "nadia", "karim", "rachid"])
def test_only_administrators_manage_accounts(world, name):
    with pytest.raises(AccessDenied):
        services.user_create(actor=world.users[name], username="x3", email="x@test.ma",
                             role=Role.NATIONAL_ANALYST)
    with pytest.raises(AccessDenied):
        services.user_set_active(actor=world.users[name], user=world.youssef, active=False)
    assert world.youssef.is_active


def test_rescoping_moves_a_worker_to_another_role_and_territory(world):
    user = services.user_update(actor=world.admin, user=world.youssef,
                                role=Role.PROVINCIAL_COORDINATOR, centre=None,
                                province=world.safi_province, reason="promotion")
    user.refresh_from_db()
    assert (user.role, user.province, user.centre) == (Role.PROVINCIAL_COORDINATOR,
                                                       world.safi_province, None)


def test_rescoping_to_an_inconsistent_scope_changes_nothing(world):
    with pytest.raises(ValidationFailed):
        services.user_update(actor=world.admin, user=world.youssef,
                             role=Role.REGIONAL_COORDINATOR)
    world.youssef.refresh_from_db()
    assert world.youssef.role == Role.SOCIAL_WORKER
    assert not AuditEntry.objects.filter(action="accounts.user.update").exists()


def test_deactivation_revokes_api_tokens_and_blocks_login(world, client):
    Token.objects.create(user=world.youssef)
    services.user_set_active(actor=world.admin, user=world.youssef, active=False, reason="left")
    assert not Token.objects.filter(user=world.youssef).exists()
    response = client.post("/accounts/login/", {"username": "youssef",
                                                "password": "correct-horse-battery"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_administrators_cannot_lock_themselves_out(world):
    with pytest.raises(DomainError):
        services.user_set_active(actor=world.admin, user=world.admin, active=False)
    with pytest.raises(DomainError):
        services.user_update(actor=world.admin, user=world.admin, role=Role.NATIONAL_ANALYST)


def test_unknown_fields_are_refused(world):
    with pytest.raises(ValidationFailed):
        services.user_update(actor=world.admin, user=world.youssef, is_superuser=True)
