"""Work views: a worker's caseload with what is overdue first, and the centre's queues;
only the user's centre, restricted cases only for who may see them, nothing for the
outsider, and a number of queries that does not grow with the cases."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jisr.cases import services, work
from jisr.cases.models import Case
from jisr.registry.models import Consent
from jisr.testing.person_factories import PersonFactory
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, CANARY_PERSON_OUJDA


def _case(world, *, days_ago=0, assigned="youssef"):
    person = PersonFactory(registered_at=world.centre_marrakech)
    Consent.objects.create(person=person, purpose=Consent.Purpose.CASE_FOLLOW_UP,
                           method=Consent.Method.SIGNATURE, recorded_by=world.youssef,
                           centre=world.centre_marrakech)
    case = services.case_open(actor=world.amina, person=person, channel="walk_in",
                              request="Aide", assigned_to=world.users[assigned])
    moment = timezone.now() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(opened_at=moment, stage_changed_at=moment)
    case.refresh_from_db()
    return case


def test_overdue_work_comes_first(world):
    late = _case(world, days_ago=30)
    fresh = _case(world, days_ago=0)
    mine = work.my_work(user=world.youssef)
    overdue = [item.case_id for item in mine["overdue"]]
    upcoming = [item.case_id for item in mine["upcoming"]]
    assert late.pk in overdue and fresh.pk in upcoming
    assert all(item.overdue for item in mine["overdue"])
    # The interview booked for tomorrow in the shared world is not today's work.
    assert not any(i.what == "Interview" for i in mine["upcoming"] + mine["overdue"])


def test_today_s_interview_is_in_the_caseload(world):
    appointment = world.appointments["marrakech"]
    # Today at 00:00 (already past whatever the time of the run: it is overdue, not gone).
    soon = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    type(appointment).objects.filter(pk=appointment.pk).update(start=soon)
    mine = work.my_work(user=world.youssef)
    assert any(i.case_id == world.cases["marrakech"].pk and i.due == soon and i.overdue
               for i in mine["overdue"])


def test_the_centre_queues_list_waiting_cases_oldest_first(world):
    old = _case(world, days_ago=20, assigned="khadija")
    sections = {s.key: s for s in work.centre_queues(user=world.amina)}
    waiting = [item.case_id for item in sections["to_listen"].items]
    assert waiting[0] == old.pk
    assert world.cases["marrakech"].pk in waiting
    # The restricted case is not the reception officer's to see.
    assert world.cases["restricted"].pk not in waiting
    assert sections["to_orient"].total == 0


def test_the_pages_show_only_the_centre(world, client_for):
    for url in ("/cases/work/", "/cases/work/queues/"):
        page = client_for("youssef", "fr").get(url).content.decode()
        assert CANARY_PERSON_OUJDA not in page
    queues = html.unescape(client_for("youssef", "fr").get("/cases/work/queues/").content
                           .decode())
    assert CANARY_PERSON_MARRAKECH in queues and "En attente d'écoute" in queues


@pytest.mark.parametrize("name", ["karim", "safi"])
def test_workers_of_other_centres_see_none_of_marrakech(world, client_for, name):
    for url in ("/cases/work/", "/cases/work/queues/"):
        response = client_for(name).get(url)
        assert response.status_code == 200
        assert CANARY_PERSON_MARRAKECH not in response.content.decode()


@pytest.mark.parametrize("name", ["rachid", "laila", "omar", "nadia", "admin"])
def test_roles_without_cases_get_nothing(world, client_for, name):
    for url in ("/cases/work/", "/cases/work/queues/"):
        assert client_for(name).get(url).status_code == 403


def test_the_queries_do_not_grow_with_the_cases(world, client_for):
    client = client_for("youssef")
    for _i in range(2):
        _case(world, days_ago=3)
    counts = []
    for extra in (0, 8):
        for _i in range(extra):
            _case(world, days_ago=9)
        for url in ("/cases/work/", "/cases/work/queues/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


def _refer(world, *, capacity=None):
    from jisr.cases.referral_services import referral_send

    offering = world.offerings["partner_marrakech"]
    if capacity is not None:
        type(offering).objects.filter(pk=offering.pk).update(capacity=capacity)
        offering.refresh_from_db()
    # The urgent (restricted) case may be referred straight from reception.
    return referral_send(actor=world.youssef, case=world.cases["restricted"],
                         offering=offering)


def test_a_referral_awaiting_its_answer_is_in_the_worker_s_caseload(world):
    referral = _refer(world)
    items = [i for i in work.my_work(user=world.youssef)["upcoming"]
             if i.url == referral.get_absolute_url()]
    assert len(items) == 1 and items[0].case_id == world.cases["restricted"].pk
    assert items[0].due == referral.due_at
    # named with the other sections' referrals, in one query for the page
    offering = referral.offering
    assert items[0].detail == f"{offering.service.name} — {offering.provider.name}"
    # The reception officer does not see the restricted case, nor its referral.
    queues = {s.key: s for s in work.centre_queues(user=world.amina)}
    assert not queues["referrals_awaiting"].items


def test_a_full_service_s_waiting_list_is_a_queue_of_the_centre(world):
    _refer(world, capacity=0)
    queues = {s.key: s for s in work.centre_queues(user=world.khadija)}
    assert queues["waiting_lists"].total == 1
    label, count, _detail = queues["waiting_lists"].rows[0]
    assert count == 1 and world.partner_marrakech.name in label


def test_my_pathway_steps_and_follow_ups_are_in_my_work(world):
    mine = work.my_work(user=world.youssef)
    items = mine["overdue"] + mine["upcoming"]
    plan_url = f"/cases/plans/{world.plans['marrakech'].pk}/"
    steps = [i for i in items if i.url == plan_url]
    owned = world.plans["marrakech"].steps.filter(owner=world.youssef,
                                                  status__in=["pending", "in_progress"])
    assert len(steps) == owned.count() > 0
    follow_up = world.follow_ups["marrakech"]
    assert any(i.due == follow_up.due_date and i.case_id == world.cases["marrakech"].pk
               for i in mine["upcoming"])
    # Karim's plan at Oujda is not in Youssef's work.
    assert all(i.case_id != world.cases["oujda"].pk for i in items)


def test_large_totals_are_counted_up_to_the_cap_and_shown_with_a_plus(
        world, client_for, monkeypatch):
    # Given more cases waiting for listening than the list and the count cap hold
    monkeypatch.setattr(work, "LIMIT", 2)
    monkeypatch.setattr(work, "COUNT_CAP", 3)
    for days in range(5):
        _case(world, days_ago=days, assigned="khadija")
    # When the queues are read
    waiting = {s.key: s for s in work.centre_queues(user=world.amina)}["to_listen"]
    # Then two are listed, the total stops past the cap and reads "3+"
    assert len(waiting.items) == 2 and waiting.capped and waiting.shown_total == 3
    page = html.unescape(client_for("amina").get("/cases/work/queues/").content.decode())
    assert '<span class="count">3+</span>' in page
    # An exact total below the cap has no plus
    monkeypatch.setattr(work, "COUNT_CAP", 1000)
    waiting = {s.key: s for s in work.centre_queues(user=world.amina)}["to_listen"]
    assert not waiting.capped and waiting.shown_total == waiting.total >= 6


def test_my_work_lists_the_most_pressing_items_and_says_how_many_more_wait(
        world, client_for, monkeypatch):
    # Given more of youssef's cases waiting for listening than the page lists
    monkeypatch.setattr(work, "SHOWN", 3)
    for days in range(5):
        _case(world, days_ago=30 + days)
    # When he opens his work
    mine = work.my_work(user=world.youssef)
    # Then the three oldest overdue come first and the rest are counted, not listed
    assert len(mine["overdue"]) == 3 and mine["upcoming"] == []
    assert mine["overdue_count"] >= 5 and mine["not_shown"] == (
        mine["overdue_count"] + mine["upcoming_count"] - 3)
    for language, words in (("en", "more items are not listed"),
                            ("fr", "autres éléments ne sont pas listés"),
                            ("ar", "غير معروض")):
        page = html.unescape(client_for("youssef", language).get("/cases/work/")
                             .content.decode())
        assert words in page


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_each_line_reads_as_the_records_say(world, language):
    """Lines are read as plain values: each says what the models' own properties say."""
    _refer(world)
    _case(world, days_ago=5, assigned="khadija")
    with translation.override(language):
        mine = work.my_work(user=world.youssef)
        queues = work.centre_queues(user=world.khadija)
        lines = mine["overdue"] + mine["upcoming"]
        queued = [(s.key, i) for s in queues for i in s.items]
        assert lines and queued
        for key, item in [("mine", i) for i in lines] + queued:
            case = Case.objects.select_related("person", "assigned_to").get(pk=item.case_id)
            assert item.person == case.person.display_name
            assert item.reference == case.reference
            assert item.case_url == f"/cases/{case.pk}/"
            if key in ("to_listen", "to_orient"):
                assert item.detail == (case.assigned_to.display_name if case.assigned_to
                                       else "")
        plan = world.plans["marrakech"]
        step = plan.steps.filter(owner=world.youssef, status__in=["pending", "in_progress"]
                                 ).first()
        line = next(i for i in lines if i.what == step.name)
        assert line.detail == plan.name and line.due == step.due_date
        follow_up = world.follow_ups["marrakech"]
        assert any(i.what.startswith(str(follow_up.get_kind_display())) for i in lines)


# The rows' template that work_lines.work_rows replaced, kept as the reference it must match.
FORMER_ROWS = """{% load i18n %}{% for item in items %}<tr{% if item.overdue %} class="overdue"{% endif %}>
    <td dir="ltr">{% if item.due %}{{ item.due|date:"Y-m-d" }}{% if item.due.hour is not None %} {{ item.due|time:"H:i" }}{% endif %}{% else %}—{% endif %}{% if item.overdue %} <span class="tag tag-warn">{% translate "Overdue" %}</span>{% endif %}</td>
    <td><a href="{{ item.url }}">{{ item.what }}</a></td>
    <td>{{ item.person }}</td>
    <td dir="ltr">{% if item.case_id %}<a href="{{ item.case_url }}">{{ item.reference }}</a>{% else %}{{ item.reference }}{% endif %}</td>
    {% if show_detail %}<td>{{ item.detail|default:"—" }}</td>{% endif %}
  </tr>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_rows_written_in_python_are_the_former_template_s_byte_for_byte(world, language):
    from django.template import Context, Template

    from jisr.cases.templatetags.work_lines import work_rows

    hostile = '<script>alert("x")</script> & \'quoted\' «عربي»'
    now = timezone.now()
    items = [
        work.Item(hostile, "000042", hostile, now - timedelta(hours=30), f"/x?a=1&b={hostile}",
                  hostile, 42, overdue=True),
        work.Item("فاطمة الزهراء", "000043", "Interview", now.replace(hour=23, minute=30),
                  "/cases/43/", "", 43),
        work.Item("Ahmed", "REF-9", "Step", timezone.localdate(), "/cases/plans/1/", "Plan",
                  None),
        work.Item("", "", "", None, "", "", None),
    ]
    with translation.override(language):
        for show_detail in (True, False, ""):
            expected = Template(FORMER_ROWS).render(Context(
                {"items": items, "show_detail": show_detail}))
            assert work_rows(items, show_detail) == expected
        page = Template("{% load work_lines %}{% work_rows items %}").render(Context(
            {"items": items}))
        assert page == Template(FORMER_ROWS).render(Context({"items": items}))
        assert "<script>" not in page
