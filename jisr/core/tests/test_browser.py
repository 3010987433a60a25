"""The shell in a real browser: Arabic mirrored right-to-left, French left-to-right, every
demo persona logging in to its own home, all without a single request leaving the machine."""

import re

import pytest

from jisr.accounts import demo as accounts_demo
from jisr.core import demo
from jisr.testing.browser import browser_login

pytestmark = pytest.mark.browser

ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_the_arabic_ui_is_mirrored_right_to_left(browser_page, live_url, world):
    page = browser_page
    browser_login(page, live_url, "youssef", "correct-horse-battery")
    assert page.url == f"{live_url}/"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    width = page.viewport_size["width"]
    brand, nav = _box(page, ".brand"), _box(page, ".mainnav")
    # The brand sits at the right edge and the navigation follows it leftwards
    assert brand["x"] + brand["width"] > width * 0.9
    assert nav["x"] + nav["width"] <= brand["x"] + 1
    heading = page.locator("main h1")
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    h1, main = heading.bounding_box(), _box(page, "main")
    assert abs((h1["x"] + h1["width"]) - (main["x"] + main["width"])) < 40
    cell = page.locator(".panel-scope dd").first
    assert cell.evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
    assert not ARABIC_INDIC_DIGITS.search(page.inner_text("body"))
    assert page.blocked == []


def test_the_french_ui_reads_left_to_right(browser_page, live_url, world):
    page = browser_page
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", "fr")
    page.click(".langswitch button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.locator("main h1").inner_text() == "Se connecter"
    browser_login(page, live_url, "khadija", "correct-horse-battery")
    brand = _box(page, ".brand")
    assert brand["x"] < page.viewport_size["width"] * 0.1
    assert page.locator(".panel-centres h2").inner_text() == "Mon centre"
    assert page.blocked == []


# What each demo persona's home shows of its own scope (in Arabic, the default).
HOME_EXPECTATIONS = {
    "admin": ".panel-staff", "nadia": ".panel-centres", "omar": ".panel-centres",
    "laila": ".panel-centres", "khadija": ".panel-centres", "youssef": ".panel-team",
    "amina": ".panel-team", "said": ".panel-centres", "rachid": ".panel-team",
    "karim": ".panel-team",
}


def test_every_demo_persona_logs_in_and_lands_on_its_home(chromium, live_url):
    for _name, step in demo.steps():
        step()
    for username, *_rest in accounts_demo.PERSONAS:
        context = chromium.new_context()
        page = context.new_page()
        browser_login(page, live_url, username, accounts_demo.password())
        assert page.url == f"{live_url}/", username
        assert page.locator(".panel-scope").count() == 1, username
        assert page.locator(HOME_EXPECTATIONS[username]).count() == 1, username
        assert "لا توجد" not in page.inner_text(".panel-scope")
        assert not ARABIC_INDIC_DIGITS.search(page.inner_text("body")), username
        context.close()


# The work views of issue 8 with the demo data: (persona, path, what must be on it).
WORK_VIEWS = [
    ("youssef", "/cases/work/", "table.work tbody tr"),
    ("youssef", "/cases/work/queues/", "table.work tbody tr"),
    ("youssef", "/cases/calendar/", "body"),
    ("khadija", "/reports/", "table.kpis tbody tr"),
    ("rachid", "/cases/referrals/", ".referral-row"),
]


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_the_work_views_open_with_the_demo_data(chromium, live_url, language, direction):
    from jisr.testing.browser import log_in_as

    for _name, step in demo.steps():
        step()
    pages = {}
    for username in sorted({name for name, _path, _sel in WORK_VIEWS}):
        context = chromium.new_context()
        pages[username] = context.new_page()
        log_in_as(pages[username], live_url, username, language, accounts_demo.password())
    for username, path, selector in WORK_VIEWS:
        page = pages[username]
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, (username, path)
        assert page.get_attribute("html", "dir") == direction
        assert page.locator(selector).count() >= 1, (username, path)
        assert not ARABIC_INDIC_DIGITS.search(page.inner_text("body")), path
    # Khadija drills down to her centre: months and the caseload of each worker.
    page = pages["khadija"]
    page.click("table.kpis tbody tr th a")
    page.wait_for_load_state()
    assert page.locator("table.kpis tbody tr").count() >= 2
    assert page.locator("#caseload-title").count() == 1
    assert {"ar": "يوسف العمراني", "fr": "Youssef El Amrani"}[language] in page.inner_text(
        "#caseload-title + table")
