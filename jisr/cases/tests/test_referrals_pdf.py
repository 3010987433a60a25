"""The referral slip (PDF): Arabic shaped and right-to-left, French left-to-right; printed by
both sides of the referral only, each printing audited."""

import pytest

from jisr.core.models import AuditEntry
from jisr.testing import pdftext
from jisr.testing.personas import CANARY_PERSON_MARRAKECH, OUTSIDER

MARGIN = 51.0  # 18 mm, the print stylesheet's side margins, in points
PAGE_WIDTH = 595.3  # A4


def _slip(client, referral, query=""):
    response = client.get(f"/cases/referrals/{referral.pk}/slip.pdf{query}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return pdftext.pages(response.content)



def test_the_arabic_slip_reads_right_to_left_and_is_shaped(world, client_for):
    referral = world.referrals["marrakech"]
    pages = _slip(client_for("youssef", "ar"), referral, "?lang=ar")
    for words in ("ورقة التوجيه", "فاطمة العلوي", referral.offering.partner.name_ar,
                  referral.offering.service.name_ar):
        pdftext.line_with(pages, words, rtl=True)
    title = pdftext.line_with(pages, "ورقة التوجيه", rtl=True)
    assert max(g.x1 for g in title) > PAGE_WIDTH / 2  # centred title, drawn right-to-left
    first = pdftext.line_with(pages, "يوجه المركز الاجتماعي", rtl=True)
    assert abs(max(g.x1 for g in first) - (PAGE_WIDTH - MARGIN)) < 2
    glyphs = [g for page in pages for g in page]
    forms: dict[str, set[int]] = {}
    for g in glyphs:
        if len(g.text) == 1 and "\u0621" <= g.text <= "\u064a":
            forms.setdefault(g.text, set()).add(g.cid)
    assert len([letter for letter, ids in forms.items() if len(ids) >= 2]) >= 8, forms
    assert any("Arabic" in g.font for g in glyphs)
    footer = " ".join(pdftext.visual_text(line) for line in pdftext.lines(pages[0])[-3:])
    assert referral.reference in footer


def test_the_french_slip_reads_left_to_right(world, client_for):
    referral = world.referrals["marrakech"]
    pages = _slip(client_for("rachid", "fr"), referral, "?lang=fr")
    for words in ("Fiche d'orientation", f"Fatima El {CANARY_PERSON_MARRAKECH}",
                  referral.reference):
        pdftext.line_with(pages, words, rtl=False)
    first = pdftext.line_with(pages, "oriente la personne", rtl=False)
    assert abs(min(g.x0 for g in first) - MARGIN) < 2
    pdftext.line_with(pages, "فاطمة العلوي", rtl=True)
    entry = AuditEntry.objects.get(action="cases.referral.slip.print")
    assert entry.actor == world.rachid and entry.object_id == str(referral.pk)


@pytest.mark.parametrize("persona", [OUTSIDER, "oriental_partner", "safi"])
def test_others_cannot_print_the_slip(world, client_for, persona):
    url = f"/cases/referrals/{world.referrals['marrakech'].pk}/slip.pdf"
    assert client_for(persona).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="cases.referral.slip.print").exists()


def test_a_bad_language_is_refused_clearly(world, client_for):
    response = client_for("youssef", "fr").get(
        f"/cases/referrals/{world.referrals['marrakech'].pk}/slip.pdf?lang=en")
    assert response.status_code == 400
    assert "arabe (ar) ou en français (fr)" in response.content.decode()
