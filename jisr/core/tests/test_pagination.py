"""The capped paginator: a short list is read in one query and not counted, a long one is
counted up to the cap and its pages said as "N+"; the case list uses it."""

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from jisr.accounts.models import User
from jisr.core.pagination import CappedPaginator, KeyedPaginator
from jisr.testing.personas import CANARY_PERSON_MARRAKECH


def test_a_list_within_one_page_is_read_once_and_not_counted(world):
    users = User.objects.order_by("pk")
    total = users.count()
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(users, total + 5).get_page(1)
        rows = list(page)
    assert len(queries) == 1 and len(rows) == total
    assert page.paginator.count == total and not page.paginator.capped
    assert page.paginator.num_pages_label == "1"


def test_a_long_list_is_counted_up_to_the_cap(world):
    users = User.objects.order_by("pk")
    assert users.count() > 7
    paginator = CappedPaginator(users, 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        first = paginator.get_page(1)
    assert len(queries) == 2  # the first page (and one row more), the capped count
    assert [u.pk for u in first] == list(users.values_list("pk", flat=True)[:2])
    assert paginator.count == 6 and paginator.capped and paginator.num_pages_label == "2+"
    second = paginator.get_page(2)
    assert [u.pk for u in second] == list(users.values_list("pk", flat=True)[2:4])
    # past the counted pages: the last counted one, as Django's paginator does
    assert paginator.get_page(99).number == paginator.num_pages


def test_the_pager_says_the_pages_are_more_than_counted(world, rf):
    request = rf.get("/cases/?stage=received")
    page = CappedPaginator(User.objects.order_by("pk"), 2, cap=5).get_page(1)
    html = render_to_string("core/_pager.html", {"page": page, "request": request})
    assert "Page 1 of 2+" in html and "page=2" in html


def test_the_case_list_pages_with_it_and_the_outsider_reads_none_of_it(world, client_for):
    response = client_for("youssef").get("/cases/")
    assert isinstance(response.context["page"].paginator, CappedPaginator)
    # the outsider (another centre's worker) reads none of Marrakech's cases in it
    outsider = client_for("karim").get("/cases/").content.decode()
    assert CANARY_PERSON_MARRAKECH not in outsider
    assert client_for("rachid").get("/cases/").status_code == 403  # a partner: no list


def test_the_keyed_paginator_finds_the_matches_once(world):
    users = User.objects.order_by("-pk")
    expected = list(users.values_list("pk", flat=True))
    assert len(expected) > 7
    paginator = KeyedPaginator(users, 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        first = paginator.get_page(1)
    assert len(queries) == 2  # the keys (up to the cap and one more), the page's rows
    assert [u.pk for u in first] == expected[:2]
    assert paginator.count == 6 and paginator.capped and paginator.num_pages_label == "2+"
    assert [u.pk for u in paginator.get_page(3)] == expected[4:6]
    # a short list: its page, and nothing past it
    short = KeyedPaginator(users.filter(pk__in=expected[:3]), 25)
    assert [u.pk for u in short.get_page(1)] == expected[:3] and short.num_pages_label == "1"
    assert list(KeyedPaginator(users.none(), 25).get_page(1)) == []
