import os
import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from jisr.core.middleware import SlidingSessionMiddleware
from jisr.core.models import AuditEntry
from jisr.testing.personas import PASSWORD, current_code, enrol_totp

ROOT = Path(__file__).resolve().parents[3]


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       **extra)


def test_a_social_worker_logs_in_lands_on_the_home_and_logs_out(world, client):
    response = _login(client, "youssef", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"My scope" in response.content and b"My team" in response.content
    assert AuditEntry.objects.filter(action="accounts.login", actor=world.youssef).exists()
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_shows_a_translated_error(world, client):
    client.cookies["jisr_language"] = "fr"
    response = _login(client, "youssef", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "nom d’utilisateur" in response.content.decode().lower() or \
        "nom d'utilisateur" in response.content.decode().lower()


def test_an_administrator_enrols_an_authenticator_at_first_login(world, client):
    response = _login(client, "admin", follow=True)
    # Every page leads to the second step until it is done
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    assert client.get("/audit/").url.startswith("/accounts/two-factor/")
    assert b"otp-secret" in response.content
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"token": "000000"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    # Right after a wrong code, even the right one waits (django-otp's throttling)
    assert client.post("/accounts/two-factor/", {"token": current_code(device)}
                       ).status_code == 200
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()
    response = client.post("/accounts/two-factor/", {"token": current_code(device)},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"Staff accounts" in response.content
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/audit/").status_code == 200


def test_a_coordinator_with_an_authenticator_enters_its_code(world, client):
    device = enrol_totp(world.omar)
    _login(client, "omar")
    page = client.get("/accounts/two-factor/")
    assert b"otp-secret" not in page.content
    response = client.post("/accounts/two-factor/?next=/accounts/team/",
                           {"token": current_code(device)})
    assert response.url == "/accounts/team/"
    assert client.get("/accounts/team/").status_code == 200


def test_roles_without_two_factor_are_not_asked(world, client):
    _login(client, "khadija")
    assert client.get("/").status_code == 200


def test_an_idle_session_expires(world, client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    _login(client, "youssef")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").url.startswith("/accounts/login/")


def test_a_request_slides_the_idle_window_at_most_once_a_minute(world, client):
    _login(client, "youssef")
    almost_over = timezone.now() + timedelta(minutes=2)
    Session.objects.update(expire_date=almost_over)
    assert client.get("/").status_code == 200
    # Saved at login less than a minute ago: no write, the window stays where it was
    assert Session.objects.get().expire_date == almost_over
    session = client.session
    session[SlidingSessionMiddleware.KEY] -= SlidingSessionMiddleware.REFRESH_SECONDS
    session.save()
    Session.objects.update(expire_date=almost_over)
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_password_reset_goes_out_over_smtp_and_the_link_sets_the_password(world, client,
                                                                          smtp_server):
    response = client.post("/accounts/password/reset/", {"email": world.youssef.email})
    assert response.url == "/accounts/password/reset/sent/"
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.rcpt_tos == [world.youssef.email]
    body = message.content.decode()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-Passphrase-9",
                                                    "new_password2": "a-new-Passphrase-9"})
    assert done.url == "/accounts/password/reset/complete/"
    assert _login(client, "youssef", "a-new-Passphrase-9").status_code == 302
    assert AuditEntry.objects.filter(action="accounts.password.reset").exists()
    # The link works once
    assert not client.get(link, follow=True).context["validlink"]


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(world, client,
                                                                       smtp_server):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.url == "/accounts/password/reset/sent/"
    assert smtp_server.messages == []


_OTHER_PROCESS = textwrap.dedent("""
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "jisr.test_settings"
    django.setup()
    from django.test import Client
    mode = sys.argv[1]
    client = Client()
    if mode == "fail":
        for _ in range(5):
            r = client.post("/accounts/login/", {"username": "youssef", "password": "wrong!"})
            assert r.status_code == 200, r.status_code
        print("done")
    else:
        r = client.post("/accounts/login/", {"username": "youssef",
                                             "password": "correct-horse-battery"})
        print(r.status_code)
""")


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{os.path.abspath(s['NAME'])}"
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{s.get('USER') or ''}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


def _other_process(mode: str) -> str:
    env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT),
           "JISR_ALLOWED_HOSTS": "testserver"}
    out = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, mode], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_ten_failures_from_two_processes_lock_the_account_for_both(client):
    from jisr.testing.personas import build_world

    build_world()
    # Given five failed web logins in another process…
    assert _other_process("fail") == "done"
    # …and five failed token requests here
    for _ in range(5):
        response = client.post("/api/v1/auth/token/", {"username": "youssef",
                                                        "password": "wrong!"})
    # Then the right password is refused on both endpoints, in both processes
    client.cookies["jisr_language"] = "fr"
    locked = client.post("/api/v1/auth/token/", {"username": "youssef",
                                                  "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert "verrouillé" in locked.json()["error"]["message"]
    assert _login(client, "youssef").status_code == 429
    assert _other_process("login") == "429"
    # Other accounts are not affected
    assert _login(client, "amina").status_code == 302
    # The tenth failure itself is answered with the lockout
    assert response.status_code == 429


def test_the_signed_in_user_comes_with_their_centre(world, django_assert_num_queries):
    from jisr.accounts.backends import StaffBackend

    backend = StaffBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(world.amina.pk)
        assert user.centre == world.centre_marrakech
    world.amina.is_active = False
    world.amina.save(update_fields=["is_active"])
    assert backend.get_user(world.amina.pk) is None
    assert backend.get_user(10**9) is None
