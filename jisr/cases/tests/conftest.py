"""Fixtures of the cases tests: the world's cases (jisr.testing.personas) and helpers."""

import pytest

from jisr.cases import services
from jisr.cases.listening import published_version


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
