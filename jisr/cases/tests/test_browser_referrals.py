"""In a real browser, in Arabic and French: the social worker refers an urgent case to the
partner from the case page; the partner's agent, logged in as such, finds it in the inbox
(the person's identity, not the request), accepts it (its delivery date then shows) and
reports the service delivered; the case's timeline shows it. Another partner's inbox stays
empty."""

import pytest
from django.utils import timezone

from jisr.cases.referrals import Referral
from jisr.cases.services import case_open
from jisr.testing.browser import log_in_as

pytestmark = pytest.mark.browser

DELIVERED = {"ar": "التوجيه: قُدِّمت الخدمة", "fr": "Orientation : service rendu"}



@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_the_partner_answers_a_referral_from_its_inbox(browser_page, live_url, world,
                                                      language, direction):
    page = browser_page
    case = case_open(actor=world.youssef, person=world.persons["marrakech"],
                     channel="walk_in", urgency="urgent", request="Demande confidentielle",
                     assigned_to=world.youssef)
    offering = world.offerings["partner_marrakech"]
    log_in_as(page, live_url, "youssef", language)
    page.goto(f"{live_url}/cases/{case.pk}/")
    assert page.get_attribute("html", "dir") == direction
    page.select_option("#referrals select[name=offering]", str(offering.pk))
    page.click("#referrals .referral-form button[type=submit]")
    page.wait_for_load_state()
    referral = Referral.objects.get(case=case)
    assert referral.status == "sent"
    page.wait_for_selector("#referrals .referral-row.referral-sent")

    log_in_as(page, live_url, "oriental_partner", language)
    page.goto(f"{live_url}/cases/referrals/")
    assert page.locator(".referral-row").count() == 0

    log_in_as(page, live_url, "rachid", language)
    page.goto(f"{live_url}/cases/referrals/")
    assert page.get_attribute("html", "dir") == direction
    row = page.locator(f".referral-row:has-text('{referral.reference}')")
    assert "العلوي" in row.inner_text()
    row.locator("a.referral-link").click()
    page.wait_for_load_state()
    assert "Demande confidentielle" not in page.content()
    # accepting commits to the offering's delivery time, prefilled, and shows its date
    assert page.input_value("#id_delivery_days") == str(offering.delivery_days_or_default)
    page.click("button.answer-accept")
    page.wait_for_load_state()
    referral.refresh_from_db()
    due = timezone.localtime(referral.delivery_due_at).date().isoformat()
    assert due in page.locator("dd.delivery-due").inner_text()
    page.fill("#id_text", "Inscrite à l'atelier")
    page.click("button.answer-deliver")
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == "delivered"

    log_in_as(page, live_url, "youssef", language)
    page.goto(f"{live_url}/cases/{case.pk}/")
    assert page.locator("li.event-referral_delivered").count() == 1
    assert DELIVERED[language] in page.locator("li.event-referral_delivered").inner_text()
