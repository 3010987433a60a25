"""Rendering a message in its recipient's language.

A message is a family of plain-text templates named after a base, e.g.
``notifications/messages/appointment_reminder``:

- ``<base>.subject.<lang>.txt`` or ``<base>.subject.txt`` — the subject (e-mail, inbox);
- ``<base>.sms.<lang>.txt`` or ``<base>.sms.txt`` — the SMS text (short), else the body;
- ``<base>.<lang>.txt`` or ``<base>.txt`` — the body (required; a message with no body in
  the language asked falls back to the default language's).

A template written per language (``.ar.txt``, ``.fr.txt``) is used as it is; a template
without a language is rendered with that language active, so its ``{% translate %}``
strings, dates and lazily translated values in the context come out in that language.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import translation

_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def message_language(language: str | None) -> str:
    """One of the site's languages (``LANGUAGES``); the default (Arabic) otherwise."""
    supported = {code for code, _name in settings.LANGUAGES}
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return code if code in supported else settings.LANGUAGE_CODE


def language_for_person(person) -> str:
    """The language to write to a person in: the first of the languages they speak that
    messages are written in (Darija, Hassaniya… read Arabic script), Arabic otherwise."""
    arabic_script = {"ar", "ary", "mey"}
    for code in getattr(person, "languages", None) or []:
        if code in arabic_script:
            return "ar"
        if code == "fr":
            return "fr"
    return settings.LANGUAGE_CODE


def _tidy(text: str, *, one_line: bool = False) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()]
    if one_line:
        return " ".join(line for line in lines if line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _render_first(names: list[str], context: dict) -> str | None:
    try:
        template = select_template(names)
    except TemplateDoesNotExist:
        return None
    # Plain text: no HTML escaping of "d'apporter" or of a centre named "A & B".
    return template.template.render(Context(context, autoescape=False))


def render_message(*, template: str, language: str, context: dict, sms: bool = False) \
        -> tuple[str, str]:
    """(subject, body) of a message in ``language``; ``sms`` picks the short text."""
    language = message_language(language)
    with translation.override(language):
        subject = _render_first([f"{template}.subject.{language}.txt",
                                 f"{template}.subject.txt"], context) or ""
        body = None
        if sms:
            body = _render_first([f"{template}.sms.{language}.txt", f"{template}.sms.txt"],
                                 context)
        if body is None:
            body = _render_first([f"{template}.{language}.txt", f"{template}.txt"], context)
    if body is None and language != settings.LANGUAGE_CODE:
        # A message written only in Arabic and French, asked for in English: Arabic.
        return render_message(template=template, language=settings.LANGUAGE_CODE,
                              context=context, sms=sms)
    if body is None:
        raise TemplateDoesNotExist(f"{template}.txt")
    return _tidy(subject, one_line=True)[:200], _tidy(body)
