"""The PDF helper: header, footer, languages, and what WeasyPrint may load."""

import pytest

from jisr.core import pdf
from jisr.testing import pdftext


def test_a_document_has_the_centre_in_its_header_and_its_reference_in_its_footer(world):
    data = pdf.render_pdf("core/pdf/base.html", {}, language="fr", reference="TEST-42",
                          title="Essai", centre=world.centre_marrakech)
    [page] = pdftext.pages(data)
    text = [pdftext.visual_text(line) for line in pdftext.lines(page)]
    assert any(world.centre_marrakech.name_fr in line for line in text[:3]), text
    assert "Royaume du Maroc" in text[0]
    assert any("TEST-42" in line for line in text[-2:]) and any("1 / 1" in line for line in text)
    assert data.startswith(b"%PDF-")


def test_an_arabic_document_is_right_to_left_with_the_shipped_font(world):
    data = pdf.render_pdf("core/pdf/base.html", {}, language="ar", reference="TEST-43",
                          centre=world.centre_marrakech)
    [page] = pdftext.pages(data)
    header = [pdftext.right_to_left_text(line) for line in pdftext.lines(page)[:3]]
    assert any("المملكة المغربية" in line for line in header), header
    assert any(g.font.endswith("Jisr-Arabic-Bold") for g in page)


def test_only_languages_with_a_layout_and_plain_references_are_accepted():
    with pytest.raises(ValueError):
        pdf.render_pdf("core/pdf/base.html", {}, language="en", reference="X-1")
    with pytest.raises(ValueError):
        pdf.render_pdf("core/pdf/base.html", {}, language="fr", reference='X"; } body {')


def test_weasyprint_may_load_only_the_shipped_fonts():
    fetcher = pdf._fetcher()
    font = (pdf.FONT_DIR / "NotoSansArabic-Regular.ttf").as_uri()
    response = fetcher.fetch(font)
    assert response is not None
    response.close()
    for url in ("file:///etc/passwd", "http://127.0.0.1:1/x.png",
                (pdf.FONT_DIR / ".." / "pdf.py").as_uri(), (pdf.FONT_DIR / "OFL.txt").as_uri()):
        with pytest.raises(pdf.PdfResourceRefused):
            fetcher.fetch(url)


def test_the_shipped_font_carries_its_licence():
    licence = (pdf.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Noto Sans Arabic" in licence
