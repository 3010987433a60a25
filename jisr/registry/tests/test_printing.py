"""The consent form (PDF): Arabic shaped and right-to-left, French left-to-right, scoped."""

import pytest
from django.utils import timezone

from jisr.core.models import AuditEntry
from jisr.testing import pdftext
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, OUTSIDER

MARGIN = 51.0  # 18 mm, the print stylesheet's side margins, in points
PAGE_WIDTH = 595.3  # A4


def _form(client, person, query=""):
    response = client.get(f"/registry/persons/{person.pk}/consent-form.pdf{query}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return pdftext.pages(response.content)



@pytest.fixture
def arabic_form(world, client_for):
    person = world.persons["marrakech"]
    return person, _form(client_for("youssef", "ar"), person,
                         "?lang=ar&purpose=case_follow_up,sms_contact")


def test_the_arabic_form_reads_right_to_left(arabic_form):
    person, pages = arabic_form
    for words in ("الموافقة على معالجة المعطيات ذات الطابع الشخصي", "فاطمة العلوي",
                  "اللجنة الوطنية لمراقبة حماية المعطيات ذات الطابع الشخصي",
                  "بصمة الإبهام", "اسم الشاهد", "مركز جسر مراكش"):
        pdftext.line_with(pages, words, rtl=True)
    # the paragraph starts at the right margin: right-to-left, not merely reversed letters
    first_line = pdftext.line_with(pages, "أنا الموقع", rtl=True)
    assert abs(max(g.x1 for g in first_line) - (PAGE_WIDTH - MARGIN)) < 2


def test_the_arabic_form_is_shaped(arabic_form):
    _person, pages = arabic_form
    glyphs = [g for page in pages for g in page]
    forms: dict[str, set[int]] = {}
    for g in glyphs:
        if len(g.text) == 1 and "\u0621" <= g.text <= "\u064a":
            forms.setdefault(g.text, set()).add(g.cid)
    # Shaped text draws a letter with a different glyph at the start, middle and end of a
    # word; unshaped text would have one glyph per letter.
    contextual = [letter for letter, ids in forms.items() if len(ids) >= 2]
    assert len(contextual) >= 10, forms
    assert len(forms["م"]) >= 3 and len(forms["ع"]) >= 3
    # lam-alef is one ligature glyph
    assert any(g.text in ("لا", "لأ", "لإ") for g in glyphs)
    assert any("Arabic" in g.font for g in glyphs)


def test_the_chosen_purposes_are_ticked(arabic_form):
    _person, pages = arabic_form
    assert sum(g.text == "✓" for page in pages for g in page) == 2
    # the label beside each tick
    labels = [pdftext.right_to_left_text(sorted(
        (g for g in page if abs(g.y - tick.y) < 3 and g.text != "✓"), key=lambda g: g.x0))
        for page in pages for tick in page if tick.text == "✓"]
    assert any("تتبع الحالة" in label for label in labels), labels
    assert any("التواصل عبر الرسائل القصيرة" in label for label in labels), labels


def test_every_page_carries_its_reference_and_number(arabic_form):
    person, pages = arabic_form
    reference = f"CF-{person.pk}-{timezone.localdate():%Y%m%d}"
    for number, page in enumerate(pages, start=1):
        footer = " ".join(pdftext.visual_text(line) for line in pdftext.lines(page)[-3:])
        assert reference in footer and f"{number} / {len(pages)}" in footer


def test_the_french_form_reads_left_to_right(world, client_for):
    person = world.persons["marrakech"]
    pages = _form(client_for("youssef"), person, "?lang=fr")
    for words in ("Consentement au traitement des données",
                  f"Fatima El {CANARY_PERSON_MARRAKECH}", "loi n° 09-08",
                  "Empreinte du pouce", "Nom du témoin", "Contact par SMS"):
        pdftext.line_with(pages, words, rtl=False)
    first_line = pdftext.line_with(pages, "Je soussigné(e)", rtl=False)
    assert abs(min(g.x0 for g in first_line) - MARGIN) < 2
    # the Arabic name stays Arabic, shaped, in a French document
    pdftext.line_with(pages, "فاطمة العلوي", rtl=True)
    assert sum(g.text == "✓" for page in pages for g in page) == 0


def test_printing_is_an_audited_read(world, client_for):
    _form(client_for("amina"), world.persons["marrakech"], "?lang=fr")
    entry = AuditEntry.objects.get(action="registry.person.consent_form.print")
    assert entry.object_id == str(world.persons["marrakech"].pk)
    assert entry.actor == world.users["amina"]


@pytest.mark.parametrize("query", ["?lang=en", "?purpose=marketing", "?purpose=,statistics,x"])
def test_bad_options_are_refused_with_a_clear_error(world, client_for, query):
    response = client_for("youssef", "fr").get(
        f"/registry/persons/{world.persons['marrakech'].pk}/consent-form.pdf{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "arabe (ar) ou en français (fr)" in page or "finalité de consentement" in page
    assert not AuditEntry.objects.filter(action="registry.person.consent_form.print").exists()


def test_the_outsider_and_those_who_do_not_see_the_person_get_nothing(world, client_for,
                                                                     client):
    url = f"/registry/persons/{world.persons['marrakech'].pk}/consent-form.pdf"
    assert client_for(OUTSIDER).get(url).status_code == 404
    assert client_for("rachid").get(url).status_code == 403  # a partner sees no person
    assert client_for("safi").get(url).status_code == 404  # another centre of the region
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not AuditEntry.objects.filter(action="registry.person.consent_form.print").exists()


def test_the_person_page_links_to_the_form(world, client_for):
    person = world.persons["marrakech"]
    page = client_for("youssef").get(f"/registry/persons/{person.pk}/").content.decode()
    assert f"/registry/persons/{person.pk}/consent-form.pdf?lang=ar" in page
    assert "Print the consent form" in page
