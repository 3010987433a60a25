"""The inbox in a real browser: the bell counts, opening a notification follows its link and
marks it read. In Arabic (right-to-left) and in French."""

import pytest

from jisr.notifications import services
from jisr.notifications.models import Notification
from jisr.testing.browser import browser_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language, direction, open_label", [
    ("ar", "rtl", "فتح"), ("fr", "ltr", "Ouvrir")])
def test_a_worker_opens_a_notification_from_the_bell(browser_page, live_url, world, language,
                                                    direction, open_label):
    page = browser_page
    person = world.persons["marrakech"]
    services.notify(event="person.returned", key=f"person:{person.pk}",
                    channel=Notification.Channel.IN_APP, recipient=world.users["youssef"],
                    template="notifications/messages/notice", language=language,
                    context={"title": "Retour / عودة", "text": "Fatima"},
                    link_url=f"/registry/persons/{person.pk}/")
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()
    browser_login(page, live_url, "youssef", "correct-horse-battery")
    assert page.get_attribute("html", "dir") == direction
    assert page.inner_text(".bell .tag") == "2"
    page.click(".bell")
    page.wait_for_load_state()
    assert page.url == f"{live_url}/notifications/"
    card = page.locator(".notification", has_text="Retour / عودة")
    card.get_by_role("button", name=open_label).click()
    page.wait_for_load_state()
    assert page.url == f"{live_url}/registry/persons/{person.pk}/"
    assert page.inner_text(".bell .tag") == "1"
    assert page.blocked == []
