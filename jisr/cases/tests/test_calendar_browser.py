"""The calendar in a real browser, in Arabic (right to left) and French: the week grid with
its days in reading order, htmx moving to the next week and back, then moving an
appointment from its page and finding it at its new time, with its history."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from jisr.cases import services
from jisr.cases.models import Appointment
from jisr.testing.browser import browser_login
from jisr.testing.personas import PASSWORD

pytestmark = pytest.mark.browser

MOVED = {"ar": "تم تغيير الموعد", "fr": "Rendez-vous déplacé"}


def _at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _choose_language(page, live_url, language):
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_week_view_then_rescheduling(browser_page, live_url, world, language, direction):
    page = browser_page
    start = _at(7, 10)  # next week: nothing else of the world's there
    appointment = services.appointment_book(actor=world.amina, case=world.cases["marrakech"],
                                            worker=world.youssef, start=start,
                                            purpose="follow_up")
    _choose_language(page, live_url, language)
    browser_login(page, live_url, "amina", PASSWORD)
    page.goto(f"{live_url}/cases/calendar/?view=week&date={start.date().isoformat()}")
    assert page.get_attribute("html", "dir") == direction
    chip = page.locator(f"[data-appointment='{appointment.pk}']")
    assert chip.is_visible()
    # Monday is the first column: at the right in Arabic, at the left in French
    days = page.locator("th.calendar-day")
    assert days.count() == 7
    monday, tuesday = days.nth(0).bounding_box(), days.nth(1).bounding_box()
    assert (monday["x"] > tuesday["x"]) == (direction == "rtl")
    # htmx: next week has nothing, previous week comes back to it
    page.click(".calendar-next")
    following_monday = start.date() + timedelta(days=7 - start.weekday())
    page.wait_for_selector(f"#calendar[data-start='{following_monday.isoformat()}']")
    assert page.locator(f"[data-appointment='{appointment.pk}']").count() == 0
    assert "date=" in page.url  # the URL follows
    page.click(".calendar-prev")
    page.wait_for_selector(f"[data-appointment='{appointment.pk}']")
    # move it to 14:00 the day after, from its page
    page.click(f"[data-appointment='{appointment.pk}']")
    page.wait_for_load_state()
    new_start = start + timedelta(days=1, hours=4)
    page.fill("#id_start", new_start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_reason", "طلب الشخص" if language == "ar" else "Demande de la personne")
    page.click(".reschedule-button")
    page.wait_for_load_state()
    assert MOVED[language] in page.inner_text("body")
    assert new_start.strftime("%Y-%m-%d %H:%M") in page.inner_text(".appointment-start")
    assert page.locator(".appointment-change").count() == 1
    appointment.refresh_from_db()
    assert appointment.start == new_start and appointment.status == Appointment.Status.BOOKED
