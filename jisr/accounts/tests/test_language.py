"""A staff member's language choice is remembered on their account, and their notifications
are written in it."""

import pytest
from django.test import Client

from jisr.core.models import AuditEntry
from jisr.notifications.services import notify
from jisr.testing.personas import PASSWORD


def test_choosing_a_language_remembers_it(world, client_for):
    client = client_for("khadija", "ar")
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    world.khadija.refresh_from_db()
    assert world.khadija.preferred_language == "fr"
    entry = AuditEntry.objects.get(action="accounts.user.language")
    assert entry.after == {"preferred_language": "fr"} and entry.actor == world.khadija
    # Choosing it again writes nothing more.
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert AuditEntry.objects.filter(action="accounts.user.language").count() == 1


@pytest.mark.parametrize("language", ["xx", "", "<script>"])
def test_an_unknown_language_changes_nothing(world, client_for, language):
    client_for("khadija").post("/i18n/setlang/", {"language": language, "next": "/"})
    world.khadija.refresh_from_db()
    assert world.khadija.preferred_language == ""


def test_anonymous_visitors_switch_language_without_an_account(world, client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="accounts.user.language").exists()


def test_staff_notifications_are_written_in_their_language(world):
    world.khadija.preferred_language = "fr"
    world.khadija.save(update_fields=["preferred_language"])
    note = notify(event="test", key="1", channel="in_app",
                  template="notifications/messages/notice",
                  context={"title": "t", "text": "x"}, recipient=world.khadija)
    assert note.language == "fr"
    other = notify(event="test", key="1", channel="in_app",
                   template="notifications/messages/notice",
                   context={"title": "t", "text": "x"}, recipient=world.youssef)
    assert other.language == "ar"


def _log_in(client, username, password):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_chosen_language_comes_back_at_login_on_another_browser(world, settings):
    client = Client()
    # Given khadija chose French on the centre's computer
    world.khadija.preferred_language = "fr"
    world.khadija.save(update_fields=["preferred_language"])
    # When she logs in on a browser that never chose a language
    response = _log_in(client, "khadija", PASSWORD)
    # Then the browser is set to French and her pages are in French
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert 'lang="fr"' in client.get("/").content.decode()


def test_a_browser_that_chose_a_language_keeps_it_at_login(world, client, settings):
    world.khadija.preferred_language = "fr"
    world.khadija.save(update_fields=["preferred_language"])
    response = _log_in(client, "khadija", PASSWORD)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="en"' in client.get("/").content.decode()
