import pytest
from django.test import Client
from django.utils import translation

from jisr.testing.personas import build_world, login


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client():
    # Pages are Arabic by default; tests read English unless they ask for another language.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client_for(world):
    """client_for("amina") -> a test client logged in as that persona (second factor done)."""

    def make(name, language="en"):
        c = Client(HTTP_ACCEPT_LANGUAGE=language)
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
