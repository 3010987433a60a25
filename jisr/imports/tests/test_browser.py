"""A centre manager's import in a real browser: upload, check the columns, dry run with its
report, then the import for real. In Arabic (right-to-left) and in French."""

import pytest

from jisr.imports.tests.helpers import csv_bytes, person
from jisr.registry.models import Person
from jisr.testing.browser import browser_login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language, direction, refused", [
    ("ar", "rtl", "البطاقة الوطنية"), ("fr", "ltr", "carte nationale")])
def test_a_manager_tries_then_imports_a_list(browser_page, live_url, world, tmp_path,
                                             language, direction, refused):
    page = browser_page
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()
    browser_login(page, live_url, "khadija", "correct-horse-battery")
    path = tmp_path / "liste.csv"
    path.write_bytes(csv_bytes([person(first="Malika", family="Zerhouni"),
                                person(first="Driss", family="Zerhouni", sex="M",
                                       cin="1234")], encoding="utf-8-sig"))
    page.goto(f"{live_url}/imports/new/")
    assert page.get_attribute("html", "dir") == direction
    page.fill("#id_new_source", "Association Al Amal")
    page.set_input_files("#id_file", str(path))
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    # The columns were recognised from their headers
    assert page.input_value("#id_column_0") == "first_name_lat"
    assert page.input_value("#id_column_2") == "first_name_ar"
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#run-progress progress[value='100']")
    report = page.inner_text("main")
    assert refused in report
    assert not Person.objects.filter(family_name_lat="Zerhouni").exists()
    page.click("form[action$='/import/'] button")
    page.wait_for_selector("#run-progress progress[value='100']")
    assert Person.objects.filter(family_name_lat="Zerhouni").count() == 1
    assert page.blocked == []
