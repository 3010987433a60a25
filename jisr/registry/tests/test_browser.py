"""Reception's journey in a real browser: search, see nothing, register with the typed values
carried over, land on the record. In Arabic (right-to-left) and in French."""

import pytest

from jisr.registry.models import Person
from jisr.testing.browser import browser_login
from jisr.testing.personas import CANARY_PERSON_MARRAKECH

pytestmark = pytest.mark.browser


def _choose_language(page, live_url, language):
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_reception_searches_then_registers_a_new_person(browser_page, live_url, world,
                                                        language, direction):
    page = browser_page
    _choose_language(page, live_url, language)
    browser_login(page, live_url, "amina", "correct-horse-battery")
    page.goto(f"{live_url}/registry/")
    assert page.get_attribute("html", "dir") == direction
    # Live results while typing (htmx): her centre's person appears from the first letters
    page.fill("#id_name", "fat")
    page.wait_for_selector(f"#search-results :text('{CANARY_PERSON_MARRAKECH}')")
    page.fill("#id_name", "حسن العمراني")
    page.fill("#id_identifier", "bj445566")
    page.fill("#id_birth_year", "1975")
    page.click(".person-search button[type=submit]")
    page.wait_for_selector("#search-results .muted")
    page.click("#search-results a.button-primary")
    page.wait_for_load_state()
    assert page.input_value("#id_first_name_ar") == "حسن"
    assert page.input_value("#id_family_name_ar") == "العمراني"
    assert page.input_value("#id_document_number") == "bj445566"
    assert page.get_attribute("#id_first_name_ar", "dir") == "rtl"
    assert page.get_attribute("#id_first_name_lat", "dir") == "ltr"
    page.fill("#id_first_name_lat", "Hassan")
    page.fill("#id_family_name_lat", "Amrani")
    page.select_option("#id_sex", "male")
    page.fill("#id_phone", "06 61 23 45 67")
    page.click(".person-form button[type=submit]")
    page.wait_for_load_state()
    person = Person.objects.get(family_name_lat="Amrani")
    assert page.url == f"{live_url}/registry/persons/{person.pk}/"
    assert "BJ445566" in page.inner_text("main") and "+212661234567" in page.inner_text("main")
    assert page.blocked == []
