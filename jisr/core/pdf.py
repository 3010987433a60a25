"""Printed documents: an HTML template rendered to PDF bytes with WeasyPrint.

Templates extend ``core/pdf/base.html``, which carries the print stylesheet (A4, the page
header with the centre, the footer with the page numbers and the document's reference) and
sets ``lang`` and ``dir``, so Arabic documents are laid out right-to-left and shaped by
Pango/HarfBuzz. Arabic glyphs come from Noto Sans Arabic, shipped in ``jisr/core/fonts``
(SIL Open Font License) so that a machine with no Arabic font installed still prints Arabic;
Latin text uses the system's sans-serif (DejaVu Sans or Noto Sans).

WeasyPrint may fetch only the shipped fonts: any other URL in a template (an image on the
web, a local file) is refused, so a printed document can never be made to read the server's
files or call another host.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_info

_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_LANGUAGES = ("ar", "fr")


class PdfResourceRefused(ValueError):
    """A template asked WeasyPrint for something other than the shipped fonts."""


def _fetcher():
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    class ShippedFontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.parent == FONT_DIR and path.suffix == ".ttf":
                    return super().fetch(url, headers)
            elif parts.scheme == "data":
                return super().fetch(url, headers)
            raise PdfResourceRefused(
                f"printed documents load only the shipped fonts, not {url[:80]}")

    return ShippedFontsOnly(allowed_protocols=("file", "data"), allow_redirects=False)


def render_pdf(template_name: str, context: dict, *, language: str, reference: str,
               title: str = "", centre=None) -> bytes:
    """The template rendered to PDF in ``language`` (one of :data:`PDF_LANGUAGES`).

    ``reference`` is printed in every page's footer (and is the PDF's identifier);
    ``centre`` (a network Centre) heads every page.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not _REFERENCE.fullmatch(reference):  # printed as a CSS string in the page footer
        raise ValueError(f"a document reference is letters, digits and dashes: {reference!r}")
    if language not in PDF_LANGUAGES:
        raise ValueError(f"printed documents are written in {PDF_LANGUAGES}, not {language!r}")
    with translation.override(language):
        html = render_to_string(template_name, {
            **context, "pdf_language": language,
            "pdf_rtl": get_language_info(language)["bidi"], "pdf_reference": reference,
            "pdf_title": title, "pdf_centre": centre,
            "pdf_font_regular": (FONT_DIR / "NotoSansArabic-Regular.ttf").as_uri(),
            "pdf_font_bold": (FONT_DIR / "NotoSansArabic-Bold.ttf").as_uri()})
    document = HTML(string=html, url_fetcher=_fetcher(), base_url=FONT_DIR.as_uri() + "/")
    return document.write_pdf(font_config=FontConfiguration(),
                              pdf_identifier=reference.encode())


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    """A PDF shown in the browser (to print), never cached: it holds personal data."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
