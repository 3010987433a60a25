"""Reception's journey in a real browser: search, see nothing, register with the typed values
carried over, land on the record. In Arabic (right-to-left) and in French."""

import pytest

from jisr.registry.models import Person
from jisr.testing.browser import browser_login
from jisr.testing.personas import CANARY_PERSON_MARRAKECH

pytestmark = pytest.mark.browser


def _log_in(page, live_url, language, username):
    """Choose the language on the login page, then log in as the persona."""
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()
    browser_login(page, live_url, username, "correct-horse-battery")


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_reception_searches_then_registers_a_new_person(browser_page, live_url, world,
                                                        language, direction):
    page = browser_page
    _log_in(page, live_url, language, "amina")
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


@pytest.mark.parametrize("language, reason", [("ar", "سنة الازدياد نفسها"),
                                              ("fr", "Même année de naissance")])
def test_possible_duplicates_appear_while_a_person_is_typed(browser_page, live_url, world,
                                                            language, reason):
    page = browser_page
    _log_in(page, live_url, language, "amina")
    page.goto(f"{live_url}/registry/persons/new/")
    assert page.inner_text("#duplicate-candidates .help")  # the empty panel explains itself
    # A spelling variant in Latin script, and the Arabic name typed by someone else.
    page.fill("#id_first_name_lat", "Fatema")
    page.fill("#id_family_name_lat", f"El {CANARY_PERSON_MARRAKECH}")
    page.fill("#id_birth_year", "1984")
    # The panel answers each pause in typing: wait for the answer to the full draft.
    page.wait_for_selector(f"#duplicate-candidates :text('{reason}')")
    assert CANARY_PERSON_MARRAKECH in page.inner_text("#duplicate-candidates")
    record = f"/registry/persons/{world.persons['marrakech'].pk}/"
    page.click(f"#duplicate-candidates a[href='{record}']")
    page.wait_for_load_state()
    assert page.url.endswith(record)
    assert page.blocked == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_manager_reviews_merges_and_undoes(browser_page, live_url, world, language):
    page = browser_page
    pair = world.pairs["marrakech"]
    _log_in(page, live_url, language, "khadija")
    page.goto(f"{live_url}/registry/duplicates/")
    page.click("form[action='/registry/duplicates/scan/'] button")
    page.wait_for_selector("#scan progress[value='100']")
    page.click(f"a[href='/registry/duplicates/{pair.pk}/']")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    # Line by line: keep the twin's Latin first name, then merge.
    page.check("input[name='first_name_lat'][value='b']")
    page.click("form[action$='/merge/'] button[type=submit]")
    page.wait_for_load_state()
    assert "/registry/merges/" in page.url
    twin = world.persons["marrakech_twin"]
    kept = world.persons["marrakech"]
    kept.refresh_from_db()
    assert kept.first_name_lat == "Fadma"
    page.fill("#id_reason", "Two different women: the birth years differ on the papers.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    kept.refresh_from_db()
    twin.refresh_from_db()
    assert kept.first_name_lat == "Fatima" and twin.merged_into_id is None
    assert page.blocked == []
