"""A pathway plan in a real browser, in Arabic (right-to-left) and French: the social
worker starts a plan from a shipped template on the case page, then records the first
step's outcome inline (htmx) after the page refuses it without one, and starts a second
plan from the folded "Start a pathway plan", whose form is drawn when opened (htmx)."""

import pytest

from jisr.cases import services
from jisr.cases.pathways import Plan
from jisr.testing.browser import browser_login

pytestmark = pytest.mark.browser

TEMPLATE = {"ar": "التمكين الاقتصادي للنساء", "fr": "Autonomisation économique des femmes"}
FIRST_STEP = {"ar": "التكوين المهني أو التأهيلي", "fr": "Formation qualifiante"}
OUTCOME = {"ar": "أتمته وحصلت على شهادة", "fr": "Achevée, attestation obtenue"}
SECOND = {"ar": "رعاية الأشخاص المسنين", "fr": "Prise en charge des personnes âgées"}
REFUSAL = {"ar": "سجّل النتيجة", "fr": "Enregistrez le résultat"}


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_a_worker_starts_a_plan_and_completes_its_first_step(browser_page, live_url, world,
                                                             language, direction):
    youssef = world.users["youssef"]
    case = services.case_open(actor=youssef, person=world.persons["marrakech"],
                              channel="walk_in", request="Formation et emploi",
                              urgency="urgent", assigned_to=youssef)
    services.case_orient(actor=youssef, case=case)
    page = browser_page
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()
    browser_login(page, live_url, "youssef", "correct-horse-battery")
    page.goto(f"{live_url}/cases/{case.pk}/")
    assert page.get_attribute("html", "dir") == direction
    page.select_option(".plan-create select[name=template]", label=TEMPLATE[language])
    page.click(".plan-create button[type=submit]")
    page.wait_for_load_state()
    plan = Plan.objects.get(case=case)
    step = plan.steps.first()
    block = f"#plan-{plan.pk}"
    assert FIRST_STEP[language] in page.inner_text(block)
    case.refresh_from_db()
    assert case.stage == "in_pathway"
    # Without its outcome the step is refused, in the page's language
    page.click(f"#plan-step-{step.pk} .step-complete button[type=submit]")
    page.wait_for_selector(f"{block} .form-errors")
    assert REFUSAL[language] in page.inner_text(f"{block} .form-errors")
    page.select_option(f"#plan-step-{step.pk} select[name=outcome]", label=OUTCOME[language])
    page.click(f"#plan-step-{step.pk} .step-complete button[type=submit]")
    page.wait_for_selector(f"#plan-step-{step.pk}.step-done")
    assert OUTCOME[language] in page.inner_text(f"#plan-step-{step.pk}")
    step.refresh_from_db()
    assert (step.status, step.outcome) == ("done", "certified")
    # The timeline shows the plan and the step after a reload
    page.reload()
    timeline = page.inner_text(".timeline")
    assert TEMPLATE[language] in timeline and OUTCOME[language] in timeline
    # A case with a plan: "Start a pathway plan" is folded, its form drawn when opened
    assert page.locator(".plan-create").count() == 0
    page.click(".plan-create-box summary")
    page.wait_for_selector(".plan-create select[name=template]")
    page.select_option(".plan-create select[name=template]", label=SECOND[language])
    page.click(".plan-create button[type=submit]")
    page.wait_for_load_state()
    assert SECOND[language] in page.inner_text(".pathways-panel")
    assert Plan.objects.filter(case=case).count() == 2
    assert page.blocked == []
