"""In a real browser, in Arabic and French: the assigned worker answers the restricted
protection section of the listening (its conditional questions appear); another worker of
the centre sees the section as restricted and a partial score, then starts a new listening
interview at follow-up; the earlier one stays listed, read-only."""

import pytest

from jisr.cases import listening, services
from jisr.cases.questionnaires import Listening
from jisr.testing.browser import log_in_as

pytestmark = pytest.mark.browser

SECRET = {"ar": "يصرح بالتعرض للعنف", "fr": "Déclare subir des violences"}
RESTRICTED = {"ar": "قسم مقيد", "fr": "Section restreinte"}



@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_a_restricted_section_then_a_new_listening(browser_page, live_url, world, language,
                                                   direction):
    page = browser_page
    case = world.cases["marrakech"]
    log_in_as(page, live_url, "youssef", language)
    page.goto(f"{live_url}/cases/{case.pk}/listening/")
    assert page.get_attribute("html", "dir") == direction
    assert not page.is_visible("#question-safe_tonight")
    page.check("input[name=q-id_card][value=yes]")
    page.check("input[name=q-income][value=regular]")
    page.check("input[name=q-housing][value=owner]")
    page.check("input[name=q-violence][value=yes]")
    page.wait_for_selector("#question-safe_tonight", state="visible")
    page.check("input[name=q-safe_tonight][value=no]")
    page.wait_for_selector(f"#score :text('{SECRET[language]}')")
    page.click("button[name=complete]")
    page.wait_for_load_state()
    done = Listening.objects.get(case=case)
    assert done.status == "completed" and done.score == 8  # 4 (violence) + 4 (not safe)
    assert SECRET[language] in page.inner_text(".score-panel")

    services.case_orient(actor=world.youssef, case=case)
    log_in_as(page, live_url, "marrakech_worker", language)
    page.goto(f"{live_url}/cases/{case.pk}/")
    listed = page.inner_text("table.listenings")
    assert "8" not in listed.split()
    page.click(f"a[href='/cases/{case.pk}/listenings/{done.pk}/']")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert RESTRICTED[language] in body and SECRET[language] not in body
    assert page.inner_text("[data-testid=score-total]") == "0"
    page.click("button.new-listening")
    page.wait_for_load_state()
    assert page.url == f"{live_url}/cases/{case.pk}/listening/"
    assert page.locator("input[name=q-violence]").count() == 0
    assert RESTRICTED[language] in page.inner_text("#listening-form")
    fresh = Listening.objects.get(case=case, status="draft")
    assert fresh.version == listening.published_version()
    page.goto(f"{live_url}/cases/{case.pk}/")
    assert page.locator("table.listenings tbody tr").count() == 2
