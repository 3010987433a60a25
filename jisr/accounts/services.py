"""Writes on staff accounts. Each is atomic, validated, checked against the policy, audited."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from jisr.accounts import policy
from jisr.accounts.models import User
from jisr.core import audit
from jisr.core.exceptions import DomainError, ValidationFailed

EDITABLE_FIELDS = ("email", "first_name", "last_name", "full_name_ar", "phone", "role",
                   "centre", "partner", "province", "region")


def _validate(user: User, *, exclude: tuple[str, ...] = ()) -> None:
    try:
        user.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict)


def _snapshot(user: User) -> dict:
    return audit.snapshot(user, ("username", "is_active", *EDITABLE_FIELDS))


def send_set_password_email(*, user: User, base_url: str, invitation: bool) -> None:
    """A link to choose a password: used for invitations and for password resets."""
    path = reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    context = {"user": user, "link": base_url.rstrip("/") + path, "invitation": invitation}
    subject = render_to_string("accounts/email/set_password_subject.txt", context).strip()
    body = render_to_string("accounts/email/set_password.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_create(*, actor: User, username: str, email: str, role: str, first_name: str = "",
                last_name: str = "", full_name_ar: str = "", phone: str = "", centre=None,
                partner=None, province=None, region=None, base_url: str = "",
                password: str | None = None) -> User:
    """Create a staff account. Without a password, the person receives an e-mail inviting
    them to choose one (administrators never know colleagues' passwords)."""
    policy.check_perm(actor, "accounts.manage_staff")
    user = User(username=username, email=email, role=role, first_name=first_name,
                last_name=last_name, full_name_ar=full_name_ar, phone=phone, centre=centre,
                partner=partner, province=province, region=region)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(fields={"username": [_("This username is already taken.")]})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _validate(user)
    user.save()
    audit.record(actor=actor, action="accounts.user.create", obj=user, after=_snapshot(user))
    if not password and user.email and base_url:
        language = translation.get_language()

        def invite():
            with translation.override(language):
                send_set_password_email(user=user, base_url=base_url, invitation=True)

        transaction.on_commit(invite)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, reason: str = "", **changes) -> User:
    """Change a staff member's details, role or scope (re-scoping is an update of both)."""
    policy.check_perm(actor, "accounts.manage_staff")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: [_("This field cannot be changed.")]
                                       for name in sorted(unknown)})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and "role" in changes and changes["role"] != user.role:
        raise DomainError(_("You cannot change your own role."), code="own_role")
    before = _snapshot(user)
    for name, value in changes.items():
        setattr(user, name, value)
    _validate(user, exclude=("password",))
    user.save()
    after = _snapshot(user)
    if before != after:
        audit.record(actor=actor, action="accounts.user.update", obj=user, before=before,
                     after=after, reason=reason)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (or reactivate) an account. A deactivated user's sessions stop working at
    their next request and their API tokens are revoked."""
    from rest_framework.authtoken.models import Token

    policy.check_perm(actor, "accounts.manage_staff")
    if user.pk == actor.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."), code="own_account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    before = _snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=user).delete()
    audit.record(actor=actor, action="accounts.user.activate" if active
                 else "accounts.user.deactivate", obj=user, before=before,
                 after=_snapshot(user), reason=reason)
    return user


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User, reason: str = "") -> None:
    """Forget a user's authenticator (lost phone): they enrol a new one at next login."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    policy.check_perm(actor, "accounts.manage_staff")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record_security(actor=actor, action="accounts.user.reset_two_factor", obj=user,
                          reason=reason)


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """Lift a lockout caused by repeated failed logins."""
    from axes.utils import reset

    policy.check_perm(actor, "accounts.manage_staff")
    reset(username=user.username)
    audit.record_security(actor=actor, action="accounts.user.unlock", obj=user)


def user_password_set(*, user: User, password: str, via: str) -> None:
    """The user chose a new password (reset link, invitation or change form)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record_security(actor=user, action=f"accounts.password.{via}", obj=user)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> bool:
    """Remember the language the user chose in the application (their notifications are
    then written in it); returns whether it changed. An unknown code changes nothing."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed(fields={"language": [_("Choose a language from the list.")]})
    if user.preferred_language == language:
        return False
    before = {"preferred_language": user.preferred_language}
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    audit.record(actor=user, action="accounts.user.language", obj=user, before=before,
                 after={"preferred_language": language})
    return True
