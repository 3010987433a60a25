"""Every user-facing string is translated into Arabic and French, plurals included."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


@pytest.mark.parametrize("language, plurals", [("ar", 6), ("fr", 2)])
def test_the_catalogue_is_complete_and_not_fuzzy(language, plurals):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert not catalogue.metadata_is_fuzzy, "the header is marked fuzzy"
    assert f"nplurals={plurals};" in catalogue.metadata["Plural-Forms"].replace(" ", "")
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            forms = entry.msgstr_plural
            if sorted(forms) != list(range(plurals)) or not all(forms.values()):
                problems.append(f"plural forms missing: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
        if ARABIC_INDIC_DIGITS.search(entry.msgstr + "".join(entry.msgstr_plural.values())):
            problems.append(f"Arabic-Indic digits: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_the_catalogues_cover_the_same_strings():
    ar = {e.msgid for e in polib.pofile(str(LOCALE / "ar/LC_MESSAGES/django.po"))}
    fr = {e.msgid for e in polib.pofile(str(LOCALE / "fr/LC_MESSAGES/django.po"))}
    assert ar == fr


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_pages_use_western_digits_in_every_language(world, client_for, language):
    from jisr.accounts import services

    for n in range(3):
        services.user_update(actor=world.admin, user=world.youssef, phone=f"+2126000000{n}")
    client = client_for("admin", language=language)
    for url in ("/", "/audit/", "/accounts/staff/", f"/accounts/staff/{world.youssef.pk}/"):
        body = client.get(url).content.decode()
        assert not ARABIC_INDIC_DIGITS.search(body), url
        assert re.search(r"\d", body), url
