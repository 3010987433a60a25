"""Fixtures of the cases tests: the world's cases (jisr.testing.personas) and helpers."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jisr.cases import services
from jisr.cases.listening import published_version
from jisr.testing.personas import login


@pytest.fixture
def case(world):
    """The Marrakech case, open at *received*, assigned to youssef."""
    return world.cases["marrakech"]


@pytest.fixture
def version(world):
    return published_version()


@pytest.fixture
def open_case(world):
    """open_case(actor="youssef", **values) -> a new case of the Marrakech person."""

    def make(actor="youssef", person="marrakech", **values):
        values.setdefault("channel", "walk_in")
        values.setdefault("request", "Demande d'aide")
        return services.case_open(actor=world.users[actor], person=world.persons[person],
                                  **values)

    return make


@pytest.fixture
def api_for(world):
    """api_for("youssef") -> an API client with that persona's token (or session, second
    factor done, for roles that need one)."""

    def make(name):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        user = world.users[name]
        if user.requires_two_factor:
            login(client, user)
        else:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
