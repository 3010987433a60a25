import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from jisr.testing.browser import browser_page, chromium, live_url  # noqa: F401 (fixtures)
from jisr.testing.personas import build_world, login
from jisr.testing.smtp import smtp_server  # noqa: F401 (fixture)


@pytest.fixture
def world(db):
    return build_world()


def language_client(language: str = "en") -> Client:
    """A test client that chose a language (pages are Arabic unless one is chosen)."""
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


@pytest.fixture
def client():
    # Tests read English unless they ask for another language.
    return language_client("en")


@pytest.fixture
def client_for(world):
    """client_for("amina") -> a test client logged in as that persona (second factor done)."""

    def make(name, language="en"):
        c = language_client(language)
        login(c, world.users[name])
        return c

    return make


@pytest.fixture(autouse=True)
def _english_by_default():
    with translation.override("en"):
        yield


def pytest_sessionstart(session):
    from jisr.core.i18n import compile_catalogues

    compile_catalogues()


@pytest.fixture
def api(world, client):
    """api("khadija", "fr") -> a caller of the REST API with that persona's token."""
    def make(name, language="en"):
        token, _ = Token.objects.get_or_create(user=world.users[name])
        headers = {"HTTP_AUTHORIZATION": f"Token {token.key}",
                   "HTTP_ACCEPT_LANGUAGE": language}

        class Caller:
            def get(self, url, data=None):
                return client.get(url, data or {}, **headers)

            def post(self, url, data=None):
                return client.post(url, data or {}, content_type="application/json", **headers)

            def patch(self, url, data=None):
                return client.patch(url, data or {}, content_type="application/json",
                                    **headers)

        return Caller()

    del client.cookies["jisr_language"]
    return make
