"""The candidates of a chunk's keys: the same whichever way the keys travel."""

from __future__ import annotations

import pytest
from django.db import connection

from jisr.imports import lookup
from jisr.registry.models import PersonMatchKey
from jisr.testing.person_factories import PersonFactory


@pytest.mark.django_db
def test_keys_sent_as_lines_or_as_an_array_find_the_same_persons():
    if connection.vendor != "postgresql":
        pytest.skip("the lines are PostgreSQL's way")
    # Given persons sharing keys, one of them the odd key no name gives (a line break)
    people = [PersonFactory() for _ in range(3)]
    odd = "x:two\nlines"
    for p in people:
        PersonMatchKey.objects.bulk_create([PersonMatchKey(person=p, key="x:shared"),
                                            PersonMatchKey(person=p, key=odd)])
    wanted = {p.pk for p in people}
    # When the keys are asked as lines, and with the odd key (as an array)
    plain = lookup.registry_members({("x:shared", False), ("x:none", False)})
    mixed = lookup.registry_members({("x:shared", False), (odd, False)})
    # Then each way finds the same persons
    assert set(plain[("x:shared", False)]) >= wanted and ("x:none", False) not in plain
    assert set(mixed[("x:shared", False)]) == set(plain[("x:shared", False)])
    assert set(mixed[(odd, False)]) >= wanted
