"""The whole second half of the pathway in a real browser, in Arabic (right-to-left) and in
French, as issue 7 asks: from a listened case, two referrals (one accepted and delivered by
the partner's agent logged in as such, one declined by the receiving centre), a pathway plan
with its first step completed, an appointment whose SMS reminder the fake gateway receives,
a follow-up recorded, and the closure; the case's timeline then shows all of it."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from jisr.cases import calendar, listening
from jisr.cases.models import Appointment
from jisr.cases.pathways import FollowUp, Plan
from jisr.cases.referrals import Referral
from jisr.cases.services import case_open
from jisr.registry.models import Consent
from jisr.testing.browser import log_in_as

pytestmark = pytest.mark.browser

# Needs found at the listening (identity documents, income, housing, family).
ANSWERS = {"id_card": "no", "income": "none", "job_seeking": "yes", "housing": "tenant",
           "eviction": "yes", "household_size": "7",
           "dependents": ["young_children", "elderly"]}
TEMPLATE = {"ar": "التمكين الاقتصادي للنساء", "fr": "Autonomisation économique des femmes"}
OUTCOME = {"ar": "أتمته وحصلت على شهادة", "fr": "Achevée, attestation obtenue"}
TIMELINE = {
    "ar": ["التوجيه: قُدِّمت الخدمة", "تم تغيير موعد", "أُغلق الملف"],
    "fr": ["Orientation : service rendu", "Rendez-vous déplacé", "Dossier clôturé"],
}



def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _answer(page, live_url, referral, button, text=""):
    page.goto(f"{live_url}/cases/referrals/")
    page.locator(f".referral-row:has-text('{referral.reference}') a.referral-link").click()
    page.wait_for_load_state()
    if text:
        page.fill("#id_text", text)
    _submit(page, f"button.{button}")


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_from_listening_to_closure(browser_page, live_url, world, sms_gateway, language,
                                   direction):
    page = browser_page
    youssef, person = world.youssef, world.persons["marrakech"]
    for purpose in (Consent.Purpose.PARTNER_SHARING, Consent.Purpose.SMS_CONTACT):
        Consent.objects.create(person=person, purpose=purpose, recorded_by=youssef,
                               method=Consent.Method.SIGNATURE, centre=world.centre_marrakech)
    case = case_open(actor=youssef, person=person, channel="walk_in",
                     request="Cherche une formation en couture", assigned_to=youssef)
    draft = listening.listening_start(actor=youssef, case=case)
    listening.listening_complete(actor=youssef, listening=draft, answers=ANSWERS)
    partner_offering = world.offerings["partner_marrakech"]
    centre_offering = world.offerings["marrakech"]

    # The social worker refers the case twice from its page, sharing the request with the
    # partner (the person consented to it).
    log_in_as(page, live_url, "youssef", language)
    page.goto(f"{live_url}/cases/{case.pk}/")
    assert page.get_attribute("html", "dir") == direction
    page.select_option("#referrals select[name=offering]", str(partner_offering.pk))
    page.check("#referrals input[name=shared][value=request]")
    _submit(page, "#referrals .referral-form button[type=submit]")
    page.click("#referrals details.refer summary")  # folded once the case has a referral
    page.select_option("#referrals select[name=offering]", str(centre_offering.pk))
    _submit(page, "#referrals .referral-form button[type=submit]")
    to_partner = Referral.objects.get(case=case, offering=partner_offering)
    to_centre = Referral.objects.get(case=case, offering=centre_offering)
    assert (to_partner.status, to_centre.status) == ("sent", "sent")
    case.refresh_from_db()
    assert case.stage == "oriented"

    # The partner's agent reads the shared request, accepts, then reports the service given.
    log_in_as(page, live_url, "rachid", language)
    page.goto(f"{live_url}/cases/referrals/")
    assert page.get_attribute("html", "dir") == direction
    assert page.locator(f".referral-row:has-text('{to_centre.reference}')").count() == 0
    _answer(page, live_url, to_partner, "answer-accept")
    assert "Cherche une formation en couture" in page.content()
    page.fill("#id_text", "Inscrite à l'atelier de couture")
    _submit(page, "button.answer-deliver")
    # The centre's manager declines the internal referral, with the reason.
    log_in_as(page, live_url, "khadija", language)
    _answer(page, live_url, to_centre, "answer-decline",
            "Plus de place avant la rentrée, voir l'association")
    to_partner.refresh_from_db()
    to_centre.refresh_from_db()
    assert (to_partner.status, to_centre.status) == ("delivered", "declined")

    # Back to the social worker: a pathway plan, its first step completed.
    log_in_as(page, live_url, "youssef", language)
    page.goto(f"{live_url}/cases/{case.pk}/")
    page.select_option(".plan-create select[name=template]", label=TEMPLATE[language])
    _submit(page, ".plan-create button[type=submit]")
    plan = Plan.objects.get(case=case)
    step = plan.steps.order_by("order").first()
    page.select_option(f"#plan-step-{step.pk} select[name=outcome]", label=OUTCOME[language])
    page.click(f"#plan-step-{step.pk} .step-complete button[type=submit]")
    page.wait_for_selector(f"#plan-step-{step.pk}.step-done")

    # An appointment booked from the case page, moved to tomorrow 10:00; the reminder job
    # sends its SMS the day before, through the HTTP gateway.
    page.goto(f"{live_url}/cases/{case.pk}/")
    page.click("summary:has-text('{}')".format(
        {"ar": "حجز موعد", "fr": "Réserver un rendez-vous"}[language]))
    _submit(page, "form[action$='/appointments/'] button[type=submit]")
    appointment = Appointment.objects.filter(case=case).latest("pk")
    # The shared world's own appointment of this person is tomorrow too, at this hour of the
    # day (two reminders): when the test runs between 9:00 and 11:00, it takes 10:00, and the
    # move goes to 14:00 instead.
    taken = timezone.localtime(world.appointments["marrakech"].start).hour
    hour = 14 if taken in (9, 10) else 10
    tomorrow = timezone.make_aware(datetime.combine(
        timezone.localdate() + timedelta(days=1), time(hour, 0)))
    calendar.appointment_reschedule(actor=youssef, appointment=appointment, start=tomorrow,
                                    reason="À la demande de la personne")
    assert calendar.appointment_reminders_send() >= 1
    [sms] = [m for m in sms_gateway.messages if case.reference in m["text"]]
    assert sms["to"] == "+212612345678" and f"{hour}:00" in sms["text"]

    # A follow-up scheduled, then recorded as held.
    page.goto(f"{live_url}/cases/{case.pk}/")
    page.click("#follow-ups .follow-up-box summary")
    page.fill("form.follow-up-schedule [name=due_date]", f"{timezone.localdate():%Y-%m-%d}")
    _submit(page, "form.follow-up-schedule button[type=submit]")
    follow_up = FollowUp.objects.get(case=case)
    page.click("#follow-ups .follow-up summary")
    page.select_option("form.follow-up-record select[name=status]", "done")
    page.fill("form.follow-up-record [name=note]", "Elle suit l'atelier chaque semaine")
    _submit(page, "form.follow-up-record button[type=submit]")
    follow_up.refresh_from_db()
    assert follow_up.status == "done"

    # Closure, with the person's satisfaction.
    page.click("summary:has-text('{}')".format(
        {"ar": "إغلاق الملف", "fr": "Clôturer le dossier"}[language]))
    page.select_option("form[action$='/close/'] select[name=reason]", "resolved")
    page.select_option("form[action$='/close/'] select[name=satisfaction]", "5")
    _submit(page, "form[action$='/close/'] button[type=submit]")
    case.refresh_from_db()
    assert case.stage == "closed" and case.satisfaction == 5

    # The timeline tells the whole story, in the page's language.
    page.goto(f"{live_url}/cases/{case.pk}/")
    timeline = page.inner_text(".timeline")
    for kinds in ("referral_sent", "referral_delivered", "referral_declined",
                  "plan_created", "plan_step", "appointment appointment_booked",
                  "appointment_rescheduled", "appointment_reminder", "follow_up_scheduled",
                  "follow_up_recorded", "closed"):
        selector = ", ".join(f".timeline li.event-{kind}" for kind in kinds.split())
        assert page.locator(selector).count() >= 1, kinds
    for words in TIMELINE[language]:
        assert words in timeline, words
    assert page.blocked == []
