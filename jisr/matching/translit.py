"""Cross-script keys: one consonant skeleton for Arabic names and their Latin spellings.

Moroccan civil registers, French-era documents and English-speaking partners transliterate
the same Arabic name many ways (Mohamed, Mohammed, Muhammad, M'hamed; Chaimae, Shaima;
Youssef, Youcef). Vowels are the least stable part of a transliteration and are not written
in Arabic at all, so both scripts are mapped to a string of *consonant classes*: letters an
Arabic speaker hears as the same consonant, whichever convention spelt it, fall in one class
(ch/sh/sch -> ش, kh -> خ, gh -> غ, dj/j -> ج, ou/w -> vowel, q/k/c/g -> ق/ك, and the
emphatic/plain pairs ت/ط, د/ض/ذ/ظ, س/ص, ح/ه). The definite article and the ``abd el``
joint are dropped in both scripts, because writers add or omit them freely.

``skeleton`` is the cross-script key. ``latin_key`` keeps vowel *classes* so that, within
Latin script, Hassan and Houssine (distinct names, both ح-س-ن) do not collapse while
Mohamed/Mohammed/Muhammad do. ``arabic_key`` is the Arabic name without article and spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .normalise import (
    _AR_JOIN_NEXT,
    is_arabic,
    normalise_arabic_name,
    normalise_latin_name,
)

__all__ = [
    "arabic_key", "latin_key", "name_keys", "onset", "skeleton", "skeletons", "vowel_gaps",
]

# Consonant classes (one character each).
_AR_CLASS = {
    "ب": "b", "ت": "t", "ث": "t", "ط": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "x",
    "د": "d", "ذ": "d", "ض": "d", "ظ": "d", "ر": "r", "ز": "z", "س": "s", "ص": "s",
    "ش": "c", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n",
}
# Letters that are vowels or glides in a transliteration (ع is usually written as a vowel).
_AR_VOWELS = set("اويىعءئؤآأإة")
_AR_SUN = set("تثدذرزسشصضطظلن")

_LAT_DIGRAPHS = (
    ("sch", "c"), ("tch", "c"), ("ch", "c"), ("sh", "c"), ("kh", "x"), ("gh", "g"),
    ("dj", "j"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("qu", "k"), ("ck", "k"),
)
_LAT_SINGLE = {
    "b": "b", "p": "b", "t": "t", "d": "d", "j": "j", "h": "h", "x": "x", "r": "r",
    "z": "z", "s": "s", "f": "f", "v": "f", "k": "k", "q": "k", "g": "k", "l": "l",
    "m": "m", "n": "n",
}
_LAT_VOWELS = set("aeiouyw")
_VOWEL_CLASS_PRIORITY = (("i", "i"), ("y", "i"), ("o", "u"), ("u", "u"), ("w", "u"))

# Latin article at the start of a token: "el"/"al" joined by the normaliser, or the
# assimilated forms of sun letters ("ennaciri", "essaouira", "ettahiri").
_LAT_ARTICLE = re.compile(r"^(?:el|al|l)(?=[a-z]{3})|^[ae](?=(tt|dd|rr|zz|ss|nn|ch|sh|ts)[a-z])")
# Only "el" is unambiguous enough to drop from the spelling key (Alaoui is not al+aoui).
_LAT_EL = re.compile(r"^el(?=[a-z]{3})")
_LAT_SUN_ARTICLE = re.compile(r"^e(?=(tt|dd|rr|zz|ss|nn)[a-z]{2})")
# Abdelatif is abd-el-atif or abd-e-latif: the second reading keeps the l.
_LAT_ABD_KEEP_L = re.compile(r"^abd[aeiou]*(?=[a-z]{2})")
_LAT_ABD = re.compile(r"^abd(?:[aeiou]+l?)?(?=[a-z]{2})")
_AR_ABD = "عبد"


def _split_abd_latin(token: str, strip: bool = True) -> tuple[str, str]:
    m = (_LAT_ABD if strip else _LAT_ABD_KEEP_L).match(token)
    if not m or len(token) <= 4:
        return "", token
    return "abd", token[m.end():]


def _strip_article_latin(token: str) -> str:
    m = _LAT_ARTICLE.match(token)
    if m:
        rest = token[m.end():]
        if len(rest) >= 3:
            return rest
    return token


def _strip_article_arabic(token: str) -> str:
    if token.startswith("ال") and len(token) >= 4:
        return token[2:]
    return token


def _keep(token: str) -> str:
    return token


def _arabic_tokens(name: str, strip: bool = True) -> list[str]:
    """Arabic tokens with the abd/article joints cut, e.g. عبدالرحمن -> [عبد, رحمن]."""
    art = _strip_article_arabic if strip else _keep
    out: list[str] = []
    for tok in name.split():
        if tok.startswith(_AR_ABD) and len(tok) > 4:
            out.append(_AR_ABD)
            out.append(_strip_article_arabic(tok[3:]))
        else:
            out.append(art(tok))
    return out


# Particles the normaliser joins to the next word; cut again here so that the joint does
# not make a false digraph (Ait Hadi -> aithadi, whose "th" is not ث).
_LAT_PREFIX = re.compile(r"^(ait|oulad|ouled|ould|bent)(?=[a-z]{3})")


def _latin_tokens(name: str, strip: bool = True) -> list[str]:
    art = _strip_article_latin if strip else _keep
    out: list[str] = []
    words: list[str] = []
    for tok in name.split():
        m = _LAT_PREFIX.match(tok)
        if m:
            words.append(m.group(1))
            tok = tok[m.end():]
        words.append(tok)
    for tok in words:
        abd, rest = _split_abd_latin(tok, strip)
        if abd:
            # The joint already took the article (abd-el-kader); "Abdelah" is abd-allah.
            out.append(abd)
            out.append("lah" if rest == "ah" else rest)
        else:
            out.append(art(tok))
    return out


def _collapse(chars: list[str]) -> str:
    out: list[str] = []
    for ch in chars:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _arabic_skeleton(tokens: list[str]) -> str:
    chars: list[str] = []
    for tok in tokens:
        n = len(tok)
        for i, ch in enumerate(tok):
            if ch == "ه" and i == n - 1 and n > 2 and not (tok.endswith("لله") or tok == "اله"):
                # A final ه is nearly always a ta marbuta (فاطمه = فاطمة, حسنيه = حسنية),
                # written "a" in Latin, or "t" after a long a (نجاه = نجاة, Najat);
                # God's name keeps its h (Abdellah, Abdelilah).
                if tok[i - 1] == "ا":
                    chars.append("t")
                continue
            cls = _AR_CLASS.get(ch)
            if cls:
                chars.append(cls)
    return _collapse(chars)


_LAT_UNIT = re.compile(r"sch|tch|ch|sh|kh|gh|dj|th|dh|ph|qu|ck|.")
_LAT_DIGRAPH_CLASS = dict(_LAT_DIGRAPHS)


@lru_cache(maxsize=100_000)
def _latin_units(token: str) -> tuple[str, ...]:
    """Latin token as consonant classes and vowel markers ('V' + the vowel)."""
    units: list[str] = []
    n = len(token)
    start = 0
    # French silent final e (Yassine/Yassin, Amine/Amin); English final h of a ta
    # marbuta (Hamzah, Aminah), but not in Allah.
    silent_e = n > 3 and token.endswith("e") and token[-2] not in _LAT_VOWELS
    final_h = n > 4 and token.endswith("ah") and not token.endswith("lah")
    if silent_e or final_h:
        token, n = token[:-1], n - 1
    if token.startswith("rh") and n > 3 and token[2] in _LAT_VOWELS:
        # French colonial spelling of غ (Rharbi = Gharbi, Rhita = Ghita).
        units.append("g")
        start = 2
    for m in _LAT_UNIT.finditer(token, start):
        piece = m.group()
        if len(piece) > 1:
            units.append(_LAT_DIGRAPH_CLASS[piece])
        elif piece in _LAT_VOWELS:
            units.append("V" + piece)
        elif piece == "c":
            units.append("s" if m.end() < n and token[m.end()] in "eiy" else "k")
        elif piece == "g" and m.end() < n and token[m.end()] in "eiy":
            units.append("j")  # French soft g: Tanger = طنجة
        else:
            cls = _LAT_SINGLE.get(piece)
            if cls:
                units.append(cls)
    return tuple(units)


def _latin_skeleton(tokens: list[str]) -> str:
    chars: list[str] = []
    for tok in tokens:
        chars.extend(u for u in _latin_units(tok) if u[0] != "V")
    return _collapse(chars)


def _vowel_class(run: str) -> str:
    for letter, cls in _VOWEL_CLASS_PRIORITY:
        if letter in run:
            return cls
    # A lone e is written for fatha and kasra alike (Mohamed, Meryem, Latefa): its own
    # class, which the comparison lets agree with a or i.
    return "a" if "a" in run else "e"


def latin_key(name: str) -> str:
    """Within-Latin spelling key: consonant classes plus one vowel class per vowel run.

    Mohamed, Mohammed and Muhammad give the same key; Hassan and Houssine do not.
    ``name`` must already be normalised Latin.
    """
    out: list[str] = []
    for tok in _latin_tokens(name, strip=False):
        m = _LAT_EL.match(tok) or _LAT_SUN_ARTICLE.match(tok)
        if m:
            tok = tok[m.end():]
        run = ""
        for unit in _latin_units(tok):
            if unit[0] == "V":
                run += unit[1]
                continue
            if run:
                out.append(_vowel_class(run))
                run = ""
            out.append(unit)
        if run:
            out.append(_vowel_class(run))
    return _collapse(out)


# An article inside a word: a compound written without its space (نورالدين,
# فاطمهالزهرا). Needs three letters on each side so خالد or صالح are left alone.
_AR_INNER_ARTICLE = re.compile(r"(?<=[\u0621-\u064a]{3})ال(?=[\u0621-\u064a]{3})")


def arabic_key(name: str) -> str:
    """Within-Arabic key: normalised name without article, joints, spaces, doubled letters."""
    joined = "".join(_arabic_tokens(_AR_INNER_ARTICLE.sub(" ال", name)))
    return _collapse(list(joined))


@lru_cache(maxsize=200_000)
def skeletons(name: str) -> tuple[str, ...]:
    """Cross-script consonant skeletons of a normalised name in either script.

    The first has the article stripped from every word, the second (when different and
    not empty) keeps it: whether "Al"/"El"/ال is part of a name (Alaoui, Ilham = الهام
    once the hamza is folded) or an article cannot be told from the letters, so two names
    agree when any of their skeletons agree.
    """
    if not name:
        return ()
    if is_arabic(name):
        name = _AR_INNER_ARTICLE.sub(" ال", name)
        first = _arabic_skeleton(_arabic_tokens(name))
        second = _arabic_skeleton(_arabic_tokens(name, strip=False))
    else:
        first = _latin_skeleton(_latin_tokens(name))
        second = _latin_skeleton(_latin_tokens(name, strip=False))
    if not first:
        return (second,) if second else ()
    return (first,) if second in ("", first) else (first, second)


def skeleton(name: str) -> str:
    """The primary cross-script skeleton (article stripped), '' for an empty name."""
    found = skeletons(name)
    return found[0] if found else ""


def name_keys(raw: str) -> tuple[str, str, tuple[str, ...]]:
    """``(script, within-script key, skeletons)`` of a raw name; script 'ar', 'lat' or ''."""
    if not raw or not raw.strip():
        return "", "", ()
    if is_arabic(raw):
        norm = normalise_arabic_name(raw)
        return ("ar", arabic_key(norm), skeletons(norm)) if norm else ("", "", ())
    norm = normalise_latin_name(raw)
    return ("lat", latin_key(norm), skeletons(norm)) if norm else ("", "", ())


_AR_LONG = set("اويى")


def onset(name: str) -> str:
    """How the first word begins, where Arabic spelling and transliteration must agree.

    ``"aCC"`` for an Arabic word opening on a prosthetic alef and two consonants (امحمد,
    امبارك), ``"CV"`` for a Latin word opening consonant-vowel (Mohamed); '' otherwise.
    امحمد is never transliterated with a vowel after its first consonant, so an "aCC"
    Arabic name against a "CV" Latin one is a look-alike, not a transliteration.
    """
    if not name:
        return ""
    word = name.split()[0]
    if is_arabic(word):
        if (
            len(word) >= 4
            and word[0] == "ا"
            and word[1] not in _AR_LONG
            and word[2] not in _AR_LONG
            and not word.startswith("ال")
        ):
            return "aCC"
        return ""
    units = _latin_units(word)
    if len(units) >= 2 and units[0][0] != "V" and units[1][0] == "V":
        return "CV"
    return ""


_AR_GAP_VOWEL = {"ا": "a", "و": "u", "ي": "i", "ى": "i"}


def _close(gaps: list[str], consonants: list[str], cls: str, run: str) -> None:
    # Mirror the skeleton's collapse of a doubled consonant (Hassan: s-s).
    if consonants and consonants[-1] == cls and not run:
        return
    gaps.append(run)
    consonants.append(cls)


def vowel_gaps(name: str) -> tuple[str, ...]:
    """The vowel written between each pair of consonants of the primary skeleton.

    Arabic writes only long vowels (ا و ي), Latin writes every vowel, so a gap that holds
    a long vowel in Arabic must not hold a vowel of another quality in Latin: حسين has an
    i between s and n, Hassan an a, so they are two names (Hassan is حسن). Each gap is
    '' or a vowel class (a, i, u; e for a Latin lone e). The gap before the first
    consonant is left out (Ibrahim / Brahim). Empty when the name cannot be split.
    """
    if not name:
        return ()
    gaps: list[str] = []
    consonants: list[str] = []
    run = ""
    if is_arabic(name):
        name = _AR_INNER_ARTICLE.sub(" ال", name)
        for tok in _arabic_tokens(name):
            n = len(tok)
            # Where a word began before the normaliser joined a particle to it (آيت أم).
            starts = {0} | {
                len(p) for p in _AR_JOIN_NEXT if tok.startswith(p) and len(tok) > len(p)
            }
            for i, ch in enumerate(tok):
                if ch == "ه" and i == n - 1 and n > 2 and not (tok.endswith("لله") or tok == "اله"):
                    continue
                cls = _AR_CLASS.get(ch)
                if cls:
                    _close(gaps, consonants, cls, _gap_class(run))
                    run = ""
                elif ch == "ع" or (ch == "ا" and i in starts):
                    # ع is written as any vowel in Latin (Souad, Saeed), and a word-initial
                    # alef was a hamza of any vowel before folding (إله, Ilah).
                    run += "?"
                elif ch == "ي" and i == n - 1:
                    run += "?"  # perhaps an alef maqsura (موسى folded to موسي, Moussa)
                elif ch in _AR_GAP_VOWEL:
                    run += _AR_GAP_VOWEL[ch]
        # A final ي may be an alef maqsura (مصطفى folded to مصطفي, Mustapha): unknown.
        final = "" if run.endswith("i") else _gap_class(run)
    else:
        for tok in _latin_tokens(name):
            for unit in _latin_units(tok):
                if unit[0] == "V":
                    run += unit[1]
                    continue
                _close(gaps, consonants, unit, _vowel_class(run) if run else "")
                run = ""
        final = _vowel_class(run) if run else ""
    if "".join(consonants) != (skeletons(name)[:1] or ("",))[0]:
        return ()
    return (*gaps[1:], final)


def gaps_conflict(arabic: tuple[str, ...], latin: tuple[str, ...]) -> bool:
    """True when a long vowel of the Arabic spelling meets another vowel in the Latin."""
    if not arabic or len(arabic) != len(latin):
        return False
    return any(
        a and b and a != "?" and b != "e" and a != b
        for a, b in zip(arabic, latin, strict=True)
    )


def _gap_class(run: str) -> str:
    if not run:
        return ""
    return "?" if "?" in run else _vowel_class(run)
