"""Reception to listening in a real browser, in Arabic (right-to-left) and in French: a new
person is registered (a possible duplicate is offered and declined), consents, the case is
opened with its listening interview booked and a confirmation to print; the worker answers
the listening, a conditional question appears, and the score is explained on screen."""

import pytest
from django.utils import timezone

from jisr.cases.models import Appointment, Case
from jisr.registry.models import Consent, Person
from jisr.testing.browser import browser_login
from jisr.testing.person_factories import PersonFactory

pytestmark = pytest.mark.browser

EXPLANATION = {"ar": "لا دخل للأسرة", "fr": "Aucun revenu dans le ménage"}


def _choose_language(page, live_url, language):
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_reception_then_listening_of_a_new_person(browser_page, live_url, world, language,
                                                  direction):
    page = browser_page
    # A namesake already registered, born another year: offered as a possible duplicate.
    namesake = PersonFactory(first_name_ar="حسن", family_name_ar="العمراني",
                             first_name_lat="Hassan", family_name_lat="Amrani",
                             sex="male", birth_year=1975,
                             registered_at=world.centre_marrakech)
    _choose_language(page, live_url, language)
    browser_login(page, live_url, "amina", "correct-horse-battery")
    page.goto(f"{live_url}/cases/reception/")
    assert page.get_attribute("html", "dir") == direction
    page.fill("#id_name", "حسن العمراني")
    page.fill("#id_birth_year", "1992")
    page.click(".person-search button[type=submit]")
    page.wait_for_selector("#reception-results a.register-new")
    page.click("#reception-results a.register-new")
    page.wait_for_load_state()
    assert page.input_value("#id_first_name_ar") == "حسن"
    page.fill("#id_first_name_lat", "Hassan")
    page.fill("#id_family_name_lat", "Amrani")
    page.select_option("#id_sex", "male")
    page.fill("#id_phone", "0661234567")
    page.fill("#id_document_number", "BK123456")
    # The live duplicate check offers the namesake; reception sees it is not him
    page.wait_for_selector(f"#duplicate-candidates a[href='/registry/persons/{namesake.pk}/']")
    page.click(".person-form button[type=submit]")
    page.wait_for_load_state()
    person = Person.objects.exclude(pk=namesake.pk).get(family_name_lat="Amrani")
    assert page.url == f"{live_url}/registry/persons/{person.pk}/"
    page.click("a.open-case")
    page.wait_for_load_state()
    page.select_option("#id_consent_method", "signature")
    page.check("#id_sms_consent")
    page.fill("#id_request", "أبحث عن عمل وعن سكن" if language == "ar"
              else "Je cherche un travail et un logement")
    page.select_option("#id_slot", index=1)
    page.check("#id_send_sms")
    page.click(".case-open-form button[type=submit]")
    page.wait_for_load_state()
    case = Case.objects.get(person=person)
    appointment = Appointment.objects.get(case=case)
    assert page.url == f"{live_url}/cases/{case.pk}/confirmation/"
    assert case.reference in page.inner_text(".confirmation .reference")
    assert f"{timezone.localtime(appointment.start):%Y-%m-%d %H:%M}" in page.inner_text(
        ".confirmation .appointment")
    assert page.is_visible(".print-button")
    assert set(Consent.objects.filter(person=person).values_list("purpose", flat=True)) == {
        "case_follow_up", "sms_contact"}
    # The social worker answers the listening interview
    page.context.clear_cookies()
    _choose_language(page, live_url, language)
    browser_login(page, live_url, "youssef", "correct-horse-battery")
    page.goto(f"{live_url}/cases/{case.pk}/")
    page.click(f"a[href='/cases/{case.pk}/listening/']")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == direction
    assert page.is_hidden("#question-job_seeking")
    page.check("input[name=q-income][value=none]")
    page.wait_for_selector("#question-job_seeking", state="visible")
    page.check("input[name=q-job_seeking][value=yes]")
    page.wait_for_selector(f"#score :text('{EXPLANATION[language]}')")
    assert "+3" in page.inner_text("#score")
    page.check("input[name=q-id_card][value=no]")
    page.check("input[name=q-housing][value=owner]")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert page.is_checked("input[name=q-job_seeking][value=yes]")  # the draft came back
    page.click("button[name=complete]")
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.stage == "listened"
    listening = case.listenings.get()
    assert listening.score == 6  # 2 (no CIN) + 3 (no income) + 1 (looking for work)
    score = page.inner_text(".score-panel")
    assert EXPLANATION[language] in score and "+2" in score and "6" in score
    assert page.blocked == []
