"""The sentences of an import's report, by code.

Report lines store a code and its parameters, never a sentence, so the same report reads in
Arabic for one manager and in French for another (and in the downloaded file). Sentences
shared with the registry's forms use the registry's own wording, so a clerk meets one way of
saying each rule.
"""

from __future__ import annotations

import contextlib

from django.utils.translation import gettext_lazy as _

from jisr.matching import Reason
from jisr.registry.duplicates import reason_text

MESSAGES = {
    # refused rows
    "required_names": _("Give the first and family names in at least one script."),
    "required_sex": _("Give the sex."),
    "invalid_sex": _("Write the sex as F or M (female or male; أنثى or ذكر)."),
    "required_birth": _("Give the date of birth, or at least an (approximate) year."),
    "invalid_date": _("This is not a date: write it as 25/03/1984 or 1984-03-25, or the "
                      "year alone."),
    "birth_range": _("The date of birth must be between 1900 and today."),
    "invalid_year": _("The year of birth must be between 1900 and this year."),
    "year_differs": _("The year of birth differs from the date of birth."),
    "invalid_cin": _("A national identity card number (CIN) is one or two letters followed "
                     "by up to six digits, for example BE123456."),
    "invalid_digits": _("This identifier is written with digits only (6 to 20)."),
    "invalid_document": _("A document number is 4 to 20 letters and digits."),
    "invalid_country": _("Use the two-letter country code."),
    "invalid_phone": _("This is not a valid phone number, for example 0612345678 or "
                       "+212612345678."),
    "unknown_commune": _("No commune has this code or name: use the HCP code (for example "
                         "07.351.01.0) or the commune's exact name."),
    "ambiguous_commune": _("Several communes have this name (%(codes)s): use the HCP code."),
    "invalid_name": _("A name is written with letters only (spaces, hyphens and apostrophes "
                      "are allowed)."),
    "hostile_text": _("This value holds characters that are not allowed (control "
                      "characters, text-direction overrides, < or >)."),
    "bad_character": _("This value holds characters that could not be read: save the file "
                       "as UTF-8 (or choose its encoding) and import it again."),
    "formula": _("This value starts like a spreadsheet formula (= or @): remove the sign."),
    "too_long": _("This value is too long (at most %(max)s characters)."),
    "invalid_language": _("Unknown language: “%(value)s”."),
    "invalid_vulnerability": _("Unknown vulnerability category: “%(value)s”."),
    "invalid_relationship": _("Unknown relationship to the head of household: write head, "
                              "spouse, child, parent… (chef, conjoint, enfant…; رب الأسرة، "
                              "زوج، ابن…)."),
    "relationship_without_household": _("A relationship is given but no household."),
    "household_without_relationship": _("Give the relationship to the head of household."),
    "second_head": _("This household already has a head (row %(row)s)."),
    "household_has_head": _("This household already has a head in the registry."),
    "unreadable_row": _("This row cannot be read (a value is too large or a quotation mark "
                        "is not closed)."),
    # reported rows
    "same_national_id": _("Already registered with the same %(kind)s: not created again."),
    "matched": _("Already registered (probably the same person): not created again."),
    "duplicate_in_file": _("Same person as row %(row)s of this file: not created twice."),
    "identical_row": _("Identical to row %(row)s of this file: skipped."),
    "possible_duplicate": _("Created, but may be the same person as one already registered: "
                            "check it."),
    "possible_duplicate_in_file": _("Created, but may be the same person as row %(row)s of "
                                    "this file: check it."),
    # a whole run
    "file_unreadable": _("The file cannot be read: it is neither a CSV text file nor an "
                         "Excel workbook (XLSX)."),
    "file_empty": _("The file holds no rows."),
    "file_too_large": _("The file is too large: at most %(max)s MB."),
    "file_changed": _("The file differs from the one this import started with."),
    "failed": _("The import stopped on an unexpected error; it can be resumed."),
}

NATIONAL_KINDS = {"cin": _("CIN"), "rnp": _("RNP identifier")}


def message(code: str, params: dict | None = None) -> str:
    """The sentence of a report line in the active language."""
    text = MESSAGES.get(code)
    if text is None:
        return code
    params = dict(params or {})
    if "kind" in params:
        params["kind"] = str(NATIONAL_KINDS.get(params["kind"], params["kind"]))
    text = str(text)
    if "%(" in text:
        with contextlib.suppress(KeyError, ValueError, TypeError):
            text = text % params
    reasons = params.get("reasons") or []
    if reasons:
        said = "; ".join(reason_text(Reason(code=c, text=c, params={}, weight=0.0))
                         for c in reasons[:4])
        text = f"{text} ({said})"
    return text
