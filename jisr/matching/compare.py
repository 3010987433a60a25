"""Field comparisons: a pair of records becomes a *pattern*, a tuple of small integers.

One integer per field is its comparison level (``MISSING`` when either side lacks it) and a
last integer holds flags for the rule caps. Patterns are plain tuples so that a whole list
is scored by pattern (a few thousand distinct ones) rather than pair by pair.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio, token_sort_ratio

from .record import Name, Record
from .translit import gaps_conflict

__all__ = [
    "FIELDS",
    "LEVELS",
    "MISSING",
    "NameFrequencies",
    "compare",
]

MISSING = -1

# Name levels.
N_EXACT, N_VARIANT, N_TRANSLIT, N_LOOKALIKE, N_FUZZY_HIGH, N_FUZZY_MID, N_DIFFERENT = range(7)
# Parent name levels.
P_SAME, P_SIMILAR, P_DIFFERENT = range(3)
# Birth date levels.
D_EXACT, D_SWAPPED, D_TYPO, D_YEAR, D_DIFFERENT = range(5)
# CIN levels.
C_SAME, C_TYPO, C_DIFFERENT = range(3)
# Address levels.
A_SAME, A_SIMILAR, A_DIFFERENT = range(3)

#: Field names in pattern order, with their level names (the last element is the flags).
LEVELS: dict[str, tuple[str, ...]] = {
    "first_name": (
        "exact", "variant", "translit", "lookalike", "fuzzy_high", "fuzzy_mid", "different",
    ),
    "last_name": (
        "exact", "variant", "translit", "lookalike", "fuzzy_high", "fuzzy_mid", "different",
    ),
    "father_name": ("same", "similar", "different"),
    "mother_name": ("same", "similar", "different"),
    "birth_date": ("exact", "swapped", "typo", "year", "different"),
    "sex": ("same", "different"),
    "cin": ("same", "typo", "different"),
    "other_id": ("same", "different"),
    "phone": ("same", "different"),
    "commune": ("same", "different"),
    "address": ("same", "similar", "different"),
}
FIELDS = tuple(LEVELS)
(
    F_FIRST, F_LAST, F_FATHER, F_MOTHER, F_DOB, F_SEX, F_CIN, F_OTHER, F_PHONE, F_COMMUNE,
    F_ADDRESS,
) = range(len(FIELDS))
# After the field levels: frequency buckets of the agreeing first and family names.
F_TF_FIRST = len(FIELDS)
F_TF_LAST = F_TF_FIRST + 1
F_FLAGS = F_TF_LAST + 1

# Flags (bits of the last pattern element).
FLAG_LOOKALIKE_AR = 1  # distinct Arabic names with one skeleton (امحمد / محمد, حسن / حسين)
FLAG_SWAPPED = 2  # first and last names swapped
FLAG_GENERATION = 4  # same names, a generation apart or one is the other's father
FLAG_FIRST_CONFLICT = 8  # first names plainly different
FLAG_TWINS = 16  # same birth date and family name, different first names
FLAG_HOUSEHOLD = 32  # shares phone or address but first names differ
FLAG_CIN_CONFLICT = 64  # two valid, different CINs
FLAG_ID_CONFLICT = 128  # two different other identifiers
FLAG_WEAK_EVIDENCE = 256  # no birth date nor identifier agrees: names and places only

FLAG_NAMES = {
    FLAG_LOOKALIKE_AR: "lookalike_ar",
    FLAG_SWAPPED: "swapped",
    FLAG_GENERATION: "generation",
    FLAG_FIRST_CONFLICT: "first_conflict",
    FLAG_TWINS: "twins",
    FLAG_HOUSEHOLD: "household",
    FLAG_CIN_CONFLICT: "cin_conflict",
    FLAG_ID_CONFLICT: "id_conflict",
    FLAG_WEAK_EVIDENCE: "weak_evidence",
}

_jw = JaroWinkler.normalized_similarity
_lev = Levenshtein.distance
_editops = Levenshtein.editops


def _same_script(a: Name, b: Name) -> int:
    if a.key == b.key:
        return N_EXACT
    if _share(a.skeletons, b.skeletons):
        if a.script == "ar":
            return N_LOOKALIKE
        # Within Latin, vowels only inserted or dropped (Fatimazahra / Fatim-Zahra) is a
        # spelling variant; a vowel replaced (Hassan / Houssine) is another name.
        # A vowel dropped right after the first consonant is another name too
        # (M'hamed / Mohamed, Mbarek / Moubarak).
        # A vowel of another quality (Hassan / Houssine) is another name, but a and i are
        # not told apart reliably (Latifa / Latefa / Latyfa).
        for op in _editops(a.key, b.key):
            if min(op.src_pos, op.dest_pos) == 1 and op.tag != "replace":
                return N_LOOKALIKE
            if op.tag == "replace" and "e" not in (a.key[op.src_pos], b.key[op.dest_pos]):
                return N_LOOKALIKE
        return N_VARIANT
    # The key folds vowels, which helps variants but blunts typos (Dylan / Dyan):
    # take the better of key and plain-text similarity.
    sim = max(_jw(a.key, b.key), _jw(a.text, b.text))
    if sim >= 0.92:
        return N_FUZZY_HIGH
    if sim >= 0.8:
        return N_FUZZY_MID
    return N_DIFFERENT


def _share(xs: tuple[str, ...], ys: tuple[str, ...]) -> bool:
    # Called for most pairs of names compared: a plain loop costs a third of any() over
    # a generator.
    for x in xs:  # noqa: SIM110
        if x in ys:
            return True
    return False


def _cross_script(a: Name, b: Name) -> int:
    if _share(a.skeletons, b.skeletons):
        if {a.onset, b.onset} == {"aCC", "CV"}:
            return N_LOOKALIKE
        ar, lat = (a, b) if a.script == "ar" else (b, a)
        if gaps_conflict(ar.gaps, lat.gaps):
            return N_LOOKALIKE
        return N_TRANSLIT
    sa, sb = a.skeletons[0] if a.skeletons else "", b.skeletons[0] if b.skeletons else ""
    if not sa or not sb:
        return N_DIFFERENT
    dist = _lev(sa, sb)
    if dist <= 1 and min(len(sa), len(sb)) >= 3:
        return N_FUZZY_HIGH
    if _jw(sa, sb) >= 0.85:
        return N_FUZZY_MID
    return N_DIFFERENT


def compare_names(xs: tuple[Name, ...], ys: tuple[Name, ...]) -> tuple[int, bool]:
    """Best level over the written forms, and whether Arabic spellings are look-alikes.

    Same-script evidence wins over cross-script; an Arabic look-alike (the spellings are
    deliberate in Arabic) is reported even when a Latin transliteration agrees, because
    transliterators commonly write امحمد as "Mohamed".
    """
    if not xs or not ys:
        return MISSING, False
    # Fast path: the same spelling (names are shared objects, so this is usually `is`).
    if len(xs) == 1 and len(ys) == 1 and xs[0] == ys[0]:
        return N_EXACT, False
    best = N_DIFFERENT
    lookalike_ar = False
    same_script = False
    for x in xs:  # noqa: SIM110 (a third of any() over a generator)
        for y in ys:
            if x.script == y.script:
                same_script = True
                level = _same_script(x, y)
                if level == N_LOOKALIKE and x.script == "ar":
                    lookalike_ar = True
                best = min(best, level)
    if lookalike_ar:
        return N_LOOKALIKE, True
    if same_script:
        # Spellings in one script are better evidence than a transliteration of either.
        return best, False
    lookalike = False
    for x in xs:  # noqa: SIM110 (a third of any() over a generator)
        for y in ys:
            level = _cross_script(x, y)
            lookalike = lookalike or level == N_LOOKALIKE
            best = min(best, level)
    if lookalike and best >= N_LOOKALIKE:
        return N_LOOKALIKE, True
    return best, False


def _parent(x: Name | None, y: Name | None) -> int:
    if x is None or y is None:
        return MISSING
    if x == y:
        return P_SAME
    level = _same_script(x, y) if x.script == y.script else _cross_script(x, y)
    if level <= N_TRANSLIT:
        return P_SAME
    if level <= N_FUZZY_MID:
        return P_SIMILAR
    return P_DIFFERENT


def _dob(a: Record, b: Record) -> tuple[int, int]:
    """Level and absolute difference in years."""
    da, db = a.birth_date, b.birth_date
    if da is None or db is None:
        return MISSING, 0
    years = abs(da.year - db.year)
    if not da.month or not db.month:
        return (D_YEAR if years == 0 else D_DIFFERENT), years
    if a.dob_digits == b.dob_digits:
        return D_EXACT, 0
    if da.year == db.year and da.month == db.day and da.day == db.month:
        return D_SWAPPED, 0
    if _lev(a.dob_digits, b.dob_digits) <= 1:
        return D_TYPO, years
    ta, tb = a.dob_digits, b.dob_digits
    diffs = [i for i in range(8) if ta[i] != tb[i]]
    if (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and ta[diffs[0]] == tb[diffs[1]]
        and ta[diffs[1]] == tb[diffs[0]]
    ):
        return D_TYPO, years  # two adjacent digits transposed
    same = (da.year == db.year) + (da.month == db.month) + (da.day == db.day)
    if same == 2:
        # Two of year, month and day agree: one component mistyped (1949 keyed 1994).
        return D_TYPO, years
    # Full dates of the same year but another day are not "the same year": they disagree.
    return D_DIFFERENT, years


class NameFrequencies:
    """How common each name skeleton is in a list, in half-bit buckets.

    Agreeing on "Mohamed" says much less than agreeing on "Ouhammou": the u probability of
    an agreement is the name's frequency (term-frequency adjustment). Bucket ``b`` stands
    for a frequency of ``2 ** (-b / 2)``, rounded to whole bits so that a list has few
    distinct patterns; 0 means unknown.
    """

    def __init__(self, records: Iterable[Record]) -> None:
        first: Counter[str] = Counter()
        last: Counter[str] = Counter()
        n = 0
        for rec in records:
            n += 1
            first.update({s for name in rec.first for s in name.skeletons[:1]})
            last.update({s for name in rec.last for s in name.skeletons[:1]})
        self.n = n
        self.first = {k: self._bucket(c, n) for k, c in first.items()}
        self.last = {k: self._bucket(c, n) for k, c in last.items()}

    @staticmethod
    def _bucket(count: int, n: int) -> int:
        return max(1, min(60, 2 * round(-math.log2(count / n))))

    def bucket(self, table: dict[str, int], xs: tuple[Name, ...], ys: tuple[Name, ...]) -> int:
        found = [table.get(name.skeletons[0], 60) for name in xs + ys if name.skeletons]
        return min(found) if found else 0


def compare(a: Record, b: Record, tf: NameFrequencies | None = None) -> tuple[int, ...]:
    """The comparison pattern of two records (symmetric: compare(a, b) == compare(b, a)).

    With ``tf`` (the list's name frequencies) agreeing names carry their frequency bucket.
    """
    flags = 0
    first, la1 = compare_names(a.first, b.first)
    last, la2 = compare_names(a.last, b.last)
    if first > N_TRANSLIT and last > N_TRANSLIT and a.first and a.last and b.first and b.last:
        # Family and given names entered in each other's column.
        sf, sl1 = compare_names(a.first, b.last)
        sl, sl2 = compare_names(a.last, b.first)
        if sf <= N_FUZZY_HIGH and sl <= N_FUZZY_HIGH and min(sf, sl) <= N_TRANSLIT:
            first, last, la1, la2 = sf, sl, sl1, sl2
            flags |= FLAG_SWAPPED
    if la1 or la2:
        flags |= FLAG_LOOKALIKE_AR

    dob, years = _dob(a, b)
    father = _parent(a.father, b.father)
    mother = _parent(a.mother, b.mother)

    sex = MISSING if not a.sex or not b.sex else (0 if a.sex == b.sex else 1)
    if not a.cin or not b.cin:
        cin = MISSING
    elif a.cin == b.cin:
        cin = C_SAME
    elif _lev(a.cin, b.cin) <= 1:
        cin = C_TYPO
    else:
        cin = C_DIFFERENT
        flags |= FLAG_CIN_CONFLICT
    if not a.other_id or not b.other_id:
        other = MISSING
    else:
        other = 0 if a.other_id == b.other_id else 1
        if other:
            flags |= FLAG_ID_CONFLICT
    phone = MISSING if not a.phone or not b.phone else (0 if a.phone == b.phone else 1)
    commune = MISSING if not a.commune or not b.commune else (0 if a.commune == b.commune else 1)
    if not a.address or not b.address:
        address = MISSING
    elif a.address == b.address:
        address = A_SAME
    else:
        xa, xb = a.address, b.address
        if a.address_ar != b.address_ar:
            # One address in Arabic, the other in Latin: compare word skeletons.
            xa, xb = a.address_skeleton, b.address_skeleton
        # Set ratio forgives a missing part (no suburb on one side); sort ratio on the
        # letters alone forgives words run together ("agnewstreet").
        ratio = max(
            token_set_ratio(xa, xb),
            token_sort_ratio(xa.replace(" ", ""), xb.replace(" ", "")),
        )
        address = A_SAME if ratio >= 90 else A_SIMILAR if ratio >= 70 else A_DIFFERENT

    if (
        first == N_DIFFERENT
        or (first == N_LOOKALIKE and la1)
        # Two weak agreements do not make a strong one: first names only alike and a
        # birth date only close is how cousins and twins written apart look.
        or (first > N_TRANSLIT and dob not in (D_EXACT, MISSING))
    ):
        flags |= FLAG_FIRST_CONFLICT
        if phone == 0 or address == A_SAME:
            flags |= FLAG_HOUSEHOLD
    if cin != C_SAME and other != 0 and (
        dob == D_DIFFERENT
        or (
            dob == MISSING
            and (address != A_SAME or father == P_DIFFERENT or mother == P_DIFFERENT)
        )
    ):
        # Names and places alone cannot tell a person from a namesake relative.
        flags |= FLAG_WEAK_EVIDENCE
    if (
        first > N_TRANSLIT
        and dob == D_EXACT
        and last != MISSING
        and last <= N_FUZZY_HIGH
    ):
        flags |= FLAG_TWINS
    if first != MISSING and first <= N_TRANSLIT and last != MISSING and last <= N_TRANSLIT:
        if years >= 14 and dob == D_DIFFERENT:
            flags |= FLAG_GENERATION
        elif father == P_DIFFERENT and (_is_parent_of(a, b) or _is_parent_of(b, a)):
            # Same names but one's father is named like the other: a father and the son
            # named after him, not one person (whose father's name would agree).
            flags |= FLAG_GENERATION

    tf_first = tf_last = 0
    if tf is not None:
        if first != MISSING and first <= N_TRANSLIT:
            table = tf.last if flags & FLAG_SWAPPED else tf.first
            tf_first = tf.bucket(table, a.first, b.first if not flags & FLAG_SWAPPED else b.last)
        if last != MISSING and last <= N_TRANSLIT:
            table = tf.first if flags & FLAG_SWAPPED else tf.last
            tf_last = tf.bucket(table, a.last, b.last if not flags & FLAG_SWAPPED else b.first)
    return (
        first, last, father, mother, dob, sex, cin, other, phone, commune, address,
        tf_first, tf_last, flags,
    )


def _is_parent_of(parent: Record, child: Record) -> bool:
    """The child's recorded father (or mother) name is the parent's own first name."""
    if child.father is None and child.mother is None:
        return False
    for rel in (child.father, child.mother):
        if rel is None:
            continue
        for name in parent.first:
            if _share(rel.skeletons, name.skeletons):
                return True
    return False
