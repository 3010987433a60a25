"""Fellegi–Sunter scoring of comparison patterns, reasons, rule caps and decisions.

Each field level has an *m* probability (how often a true match shows it) and a *u*
probability (how often two different people show it); the match weight is
``log2(m/u)`` summed over fields, turned into a probability with the prior odds. The
defaults below are priors for checking one record against the registry; ``jisr dedup``
re-estimates them on the list itself without labels (u from random pairs, m and the prior
by expectation–maximisation on the candidate pairs), as Splink does.

Scores are probabilities only as far as the fields are independent given match status;
they rank well and are calibrated enough for two thresholds, not for arithmetic.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from . import compare as C

__all__ = [
    "DEFAULT_MODEL",
    "MATCH",
    "Match",
    "Model",
    "REVIEW",
    "Reason",
    "estimate_m",
    "estimate_u",
    "explain",
]

MATCH = "match"
REVIEW = "review"
NON_MATCH = "non_match"

# Priors, per field and level, in LEVELS order. u for names is the chance two different
# people agree: common given names (Mohamed, Fatima) make it higher than for family names.
_DEFAULT_M: dict[str, tuple[float, ...]] = {
    "first_name": (0.80, 0.05, 0.06, 0.02, 0.04, 0.02, 0.01),
    "last_name": (0.82, 0.05, 0.06, 0.01, 0.03, 0.02, 0.01),
    "father_name": (0.92, 0.05, 0.03),
    "mother_name": (0.92, 0.05, 0.03),
    "birth_date": (0.86, 0.03, 0.05, 0.04, 0.02),
    "sex": (0.99, 0.01),
    "cin": (0.97, 0.02, 0.01),
    "other_id": (0.95, 0.05),
    "phone": (0.6, 0.4),
    "commune": (0.85, 0.15),
    "address": (0.6, 0.2, 0.2),
}
_DEFAULT_U: dict[str, tuple[float, ...]] = {
    "first_name": (0.02, 0.003, 0.005, 0.01, 0.01, 0.03, 0.922),
    "last_name": (0.004, 0.001, 0.002, 0.002, 0.005, 0.02, 0.966),
    "father_name": (0.03, 0.05, 0.92),
    "mother_name": (0.03, 0.05, 0.92),
    "birth_date": (0.00005, 0.000005, 0.0005, 0.015, 0.98444),
    "sex": (0.5, 0.5),
    "cin": (1e-7, 1e-5, 0.9999899),
    "other_id": (1e-6, 0.999999),
    "phone": (2e-4, 0.9998),
    "commune": (0.01, 0.99),
    "address": (0.002, 0.01, 0.988),
}

#: Default thresholds: a probability at or above MATCH_THRESHOLD is an automatic match
#: (unless a rule caps it), at or above REVIEW_THRESHOLD a case for a person to decide.
MATCH_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.40

# Flags that forbid an automatic match whatever the score.
_CAPPING_FLAGS = (
    C.FLAG_LOOKALIKE_AR
    | C.FLAG_GENERATION
    | C.FLAG_FIRST_CONFLICT
    | C.FLAG_TWINS
    | C.FLAG_CIN_CONFLICT
    | C.FLAG_ID_CONFLICT
    | C.FLAG_WEAK_EVIDENCE
)


#: Rule caps by name (the names ``--relax`` accepts).
CAPS: dict[str, int] = {
    "lookalike_names": C.FLAG_LOOKALIKE_AR,
    "father_son": C.FLAG_GENERATION,
    "first_names_conflict": C.FLAG_FIRST_CONFLICT,
    "twins": C.FLAG_TWINS,
    "cin_conflict": C.FLAG_CIN_CONFLICT,
    "id_conflict": C.FLAG_ID_CONFLICT,
    "no_date_or_identifier": C.FLAG_WEAK_EVIDENCE,
}


@dataclass(frozen=True)
class Model:
    """m and u probabilities per field level, the prior match probability, thresholds,
    and the rule caps in force (bit flags of :mod:`compare`)."""

    m: dict[str, tuple[float, ...]] = field(default_factory=lambda: dict(_DEFAULT_M))
    u: dict[str, tuple[float, ...]] = field(default_factory=lambda: dict(_DEFAULT_U))
    prior: float = 0.01
    match_threshold: float = MATCH_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    caps: int = _CAPPING_FLAGS

    @cached_property
    def _weights(self) -> list[tuple[float, ...]]:
        return [
            tuple(math.log2(m / u) for m, u in zip(self.m[f], self.u[f], strict=True))
            for f in C.FIELDS
        ]

    def weights(self) -> list[tuple[float, ...]]:
        """log2(m/u) per field and level, in pattern order."""
        return self._weights

    def with_thresholds(
        self, match: float | None = None, review: float | None = None
    ) -> Model:
        return replace(
            self,
            match_threshold=self.match_threshold if match is None else match,
            review_threshold=self.review_threshold if review is None else review,
        )


DEFAULT_MODEL = Model()


@dataclass(frozen=True)
class Reason:
    """Why a pair scored as it did. ``code`` is stable; ``text`` is English for logs and
    the CLI; the registry translates from ``code`` and ``params``. ``weight`` is the
    field's log2 Bayes factor (positive for a match), 0 for rule caps."""

    code: str
    text: str
    params: dict[str, object] = field(default_factory=dict)
    weight: float = 0.0


@dataclass(frozen=True)
class Match:
    """The verdict on a pair: probability, ``match``/``review``/``non_match``, reasons."""

    score: float
    decision: str
    reasons: tuple[Reason, ...]


# Reason vocabulary: (field, level) -> (code, English text). Levels absent here say nothing
# worth a social worker's attention (e.g. same sex).
_NAME_REASONS = {
    0: ("{f}_equal", "{F} equal after normalisation"),
    1: ("{f}_spelling_variant", "{F} are spelling variants"),
    2: ("{f}_transliterated", "{F} match across Arabic and Latin script"),
    3: ("{f}_lookalike", "{F} look alike but differ"),
    4: ("{f}_similar", "{F} similar"),
    5: ("{f}_somewhat_similar", "{F} somewhat similar"),
    6: ("{f}_differs", "{F} differ"),
}
_FIELD_REASONS: dict[str, dict[int, tuple[str, str]]] = {
    "father_name": {
        0: ("same_father_name", "same father's name"),
        1: ("similar_father_name", "similar father's name"),
        2: ("father_name_differs", "father's names differ"),
    },
    "mother_name": {
        0: ("same_mother_name", "same mother's name"),
        1: ("similar_mother_name", "similar mother's name"),
        2: ("mother_name_differs", "mother's names differ"),
    },
    "birth_date": {
        0: ("same_birth_date", "same birth date"),
        1: ("dob_day_month_swapped", "birth date day/month swapped"),
        2: ("dob_typo", "birth dates differ by one digit"),
        3: ("same_birth_year", "same birth year"),
        4: ("birth_date_differs", "birth dates differ"),
    },
    "sex": {1: ("sex_differs", "sex differs")},
    "cin": {
        0: ("same_cin", "same CIN"),
        1: ("cin_typo", "CINs differ by one character"),
        2: ("different_cin", "different valid CINs"),
    },
    "other_id": {
        0: ("same_other_id", "same identifier"),
        1: ("different_other_id", "different identifiers"),
    },
    "phone": {0: ("same_phone", "same phone"), 1: ("different_phone", "different phones")},
    "commune": {
        0: ("same_commune", "same commune"),
        1: ("different_commune", "different communes"),
    },
    "address": {
        0: ("same_address", "same address"),
        1: ("similar_address", "similar address"),
        2: ("different_address", "different addresses"),
    },
}
_FLAG_REASONS = {
    C.FLAG_SWAPPED: ("names_swapped", "first and last names swapped"),
    C.FLAG_LOOKALIKE_AR: (
        "lookalike_names",
        "look-alike but distinct Arabic names: a person must decide",
    ),
    C.FLAG_GENERATION: (
        "possible_father_son",
        "same name a generation apart: possibly parent and child",
    ),
    C.FLAG_TWINS: ("possible_twins", "same birth date and family, different first names"),
    C.FLAG_HOUSEHOLD: (
        "possible_relatives",
        "shares phone or address but first names differ: possibly relatives",
    ),
    C.FLAG_FIRST_CONFLICT: ("first_names_conflict", "first names do not agree"),
    C.FLAG_CIN_CONFLICT: ("cin_conflict", "two different valid CINs"),
    C.FLAG_ID_CONFLICT: ("id_conflict", "two different identifiers"),
    C.FLAG_WEAK_EVIDENCE: (
        "no_date_or_identifier",
        "neither birth date nor an identifier confirms it",
    ),
}


def _name_reason(fname: str, level: int) -> tuple[str, str]:
    short = "first_name" if fname == "first_name" else "last_name"
    label = "first names" if fname == "first_name" else "family names"
    code, text = _NAME_REASONS[level]
    return code.format(f=short), text.format(F=label.capitalize())


def _field_weight(
    model: Model, weights: list[tuple[float, ...]], pattern: Sequence[int], i: int
) -> float:
    level = pattern[i]
    if i in (C.F_FIRST, C.F_LAST) and level <= C.N_TRANSLIT:
        bucket = pattern[C.F_TF_FIRST if i == C.F_FIRST else C.F_TF_LAST]
        if bucket:
            u = min(0.5, 2.0 ** (-bucket / 2))
            return math.log2(model.m[C.FIELDS[i]][level] / u)
    return weights[i][level]


def explain(pattern: Sequence[int], model: Model = DEFAULT_MODEL) -> Match:
    """Score, decision and reasons of one comparison pattern."""
    weights = model.weights()
    total = math.log2(model.prior / (1 - model.prior))
    reasons: list[Reason] = []
    names_equal = pattern[C.F_FIRST] == 0 and pattern[C.F_LAST] == 0
    if names_equal:
        reasons.append(
            Reason(
                "names_equal",
                "names equal after normalisation",
                {},
                _field_weight(model, weights, pattern, C.F_FIRST)
                + _field_weight(model, weights, pattern, C.F_LAST),
            )
        )
    flags = pattern[C.F_FLAGS]
    family_only = _family_only(pattern, model)
    for i, fname in enumerate(C.FIELDS):
        level = pattern[i]
        if level == C.MISSING:
            continue
        if family_only and i == C.F_LAST:
            w = weights[i][level]  # without the rarity of the name: see _FAMILY_FIELDS
        else:
            w = _field_weight(model, weights, pattern, i)
        if family_only and i in _FAMILY_FIELDS and w > 0:
            w = 0.0
        total += w
        if fname in ("first_name", "last_name"):
            if names_equal:
                continue
            code, text = _name_reason(fname, level)
        else:
            entry = _FIELD_REASONS[fname].get(level)
            if entry is None:
                continue
            code, text = entry
        reasons.append(Reason(code, text, {"field": fname, "level": C.LEVELS[fname][level]}, w))
    for bit, (code, text) in _FLAG_REASONS.items():
        if flags & bit:
            reasons.append(Reason(code, text, {"cap": bool(bit & model.caps)}, 0.0))
    # Strongest evidence first, so the first reasons are the ones a worker reads.
    reasons.sort(key=lambda r: (r.weight == 0.0, -abs(r.weight)))
    prob = _sigmoid2(total)
    if _namesake(pattern, model):
        decision = NON_MATCH
    elif prob >= model.match_threshold and not flags & model.caps:
        decision = MATCH
    elif prob >= model.review_threshold or (
        prob >= model.review_threshold / 4 and flags & model.caps and _strong_names(pattern)
    ):
        decision = REVIEW
    else:
        decision = NON_MATCH
    return Match(prob, decision, tuple(reasons))


# What a family shares: its members' records agree on parents' names, address, phone and
# commune, and the model's weights for those fields assume that agreeing there is
# independent of agreeing on the family name, which is false within a family. Once the
# first names conflict and the birth dates differ, such agreements are what brothers, a
# mother and her son or cousins look like, not what one person registered twice looks
# like, so they stop counting for a match (they still count against it); the family name,
# the birth date and the identifiers decide. The family name itself is shared by the
# family whatever its rarity, so it then counts as much as a common one (its prior
# weight, without the term-frequency bonus a rare name earns between strangers). Twins
# (one birth date), a misspelt first name with a birth date only close (a typo, a swap,
# the year alone) or missing are left as they were.
_FAMILY_FIELDS = frozenset({C.F_FATHER, C.F_MOTHER, C.F_PHONE, C.F_ADDRESS, C.F_COMMUNE})


def _family_only(pattern: Sequence[int], model: Model) -> bool:
    # Lifting the first-names rule (--relax first_names_conflict, for a list known to hold
    # no relatives) lifts this too: it rests on the same premise.
    return bool(pattern[C.F_FLAGS] & model.caps & C.FLAG_FIRST_CONFLICT) \
        and pattern[C.F_DOB] == C.D_DIFFERENT


def _namesake(pattern: Sequence[int], model: Model) -> bool:
    """Agreements a namesake shares by chance: not worth a person's time.

    Without an identifier, a phone or an address in common, a pair is left out when
    * the family names differ (or are only somewhat similar) and either the communes or
      the first names differ too: what remains, a first name or a commune and a birth
      date, is what the Mohameds born on one day share;
    * or they live in different communes, no parent's name agrees, and either the first
      names conflict or the birth dates differ (a generation apart or not): a namesake
      elsewhere, not one person whose record was miswritten. A missing date proves
      nothing either way: a rare name then still reaches a person.
    Relatives at one address or with one phone are still shown (see the rules on
    relatives). Lifted with ``--relax no_date_or_identifier``, the rule it extends.
    """
    if not model.caps & C.FLAG_WEAK_EVIDENCE:
        return False
    if (pattern[C.F_CIN] in (C.C_SAME, C.C_TYPO) or pattern[C.F_OTHER] == 0
            or pattern[C.F_PHONE] == 0 or pattern[C.F_ADDRESS] in (C.A_SAME, C.A_SIMILAR)):
        return False
    elsewhere = pattern[C.F_COMMUNE] == 1
    if pattern[C.F_LAST] in (C.N_FUZZY_MID, C.N_DIFFERENT):
        return elsewhere or bool(pattern[C.F_FLAGS] & C.FLAG_FIRST_CONFLICT)
    unconfirmed = pattern[C.F_DOB] == C.D_DIFFERENT \
        or bool(pattern[C.F_FLAGS] & C.FLAG_FIRST_CONFLICT)
    return elsewhere and unconfirmed \
        and C.P_SAME not in (pattern[C.F_FATHER], pattern[C.F_MOTHER])


def _strong_names(pattern: Sequence[int]) -> bool:
    # Look-alike names of one family are shown to a person even on a middling score:
    # the cap exists because such pairs are where the arithmetic is least trustworthy.
    return bool(pattern[C.F_FLAGS] & C.FLAG_LOOKALIKE_AR) and pattern[C.F_LAST] in (0, 1, 2)


def _sigmoid2(log2_odds: float) -> float:
    if log2_odds > 60:
        return 1.0
    if log2_odds < -60:
        return 0.0
    odds = 2.0**log2_odds
    return odds / (1.0 + odds)


# --- Estimation ---------------------------------------------------------------------------


def estimate_u(
    patterns: Iterable[Sequence[int]], *, smoothing: float = 1.0, base: Model = DEFAULT_MODEL
) -> dict[str, tuple[float, ...]]:
    """u probabilities from the patterns of random pairs (nearly all of which are
    non-matches). Levels never seen keep a fraction of the prior so no weight is infinite."""
    counts = [Counter() for _ in C.FIELDS]
    for p in patterns:
        for i in range(len(C.FIELDS)):
            if p[i] != C.MISSING:
                counts[i][p[i]] += 1
    u: dict[str, tuple[float, ...]] = {}
    for i, fname in enumerate(C.FIELDS):
        n = sum(counts[i].values())
        prior = base.u[fname]
        if n < 50:
            u[fname] = prior
            continue
        # One pseudo-pair spread as the prior keeps levels the sample never saw (same CIN
        # in 100,000 random pairs) finite without overriding what it did see.
        vals = [
            (counts[i][lv] + smoothing * prior[lv]) / (n + smoothing) for lv in range(len(prior))
        ]
        total = sum(vals)
        u[fname] = tuple(v / total for v in vals)
    return u


def _tf_log_u(bucket: int) -> float:
    return math.log(min(0.5, 2.0 ** (-bucket / 2)))


def _log_mu(
    pattern: Sequence[int], m: dict[str, list[float]], u: dict[str, tuple[float, ...]],
    fields: Sequence[int],
) -> tuple[float, float]:
    lm = lu = 0.0
    for i in fields:
        lv = pattern[i]
        if lv == C.MISSING:
            continue
        fname = C.FIELDS[i]
        lm += math.log(m[fname][lv])
        if i in (C.F_FIRST, C.F_LAST) and lv <= C.N_TRANSLIT:
            bucket = pattern[C.F_TF_FIRST if i == C.F_FIRST else C.F_TF_LAST]
            if bucket:
                lu += _tf_log_u(bucket)
                continue
        lu += math.log(u[fname][lv])
    return lm, lu


def _em_session(
    items: list[tuple[tuple[int, ...], int]],
    fields: Sequence[int],
    m: dict[str, list[float]],
    u: dict[str, tuple[float, ...]],
    base: Model,
    *,
    iterations: int,
    pseudo: float,
) -> dict[str, list[float]]:
    """EM over ``items`` using only ``fields``; returns their m (others untouched)."""
    m = {f: list(v) for f, v in m.items()}
    # log u does not change between iterations: compute it once per pattern.
    log_u = [_log_mu(p, m, u, fields)[1] for p, _ in items]
    names = [C.FIELDS[i] for i in fields]
    lam = 0.3
    for _ in range(iterations):
        log_m = {f: [math.log(x) for x in m[f]] for f in names}
        acc = {f: [pseudo * x for x in base.m[f]] for f in names}
        tot_p = 0.0
        tot_n = 0
        odds = math.log(lam / (1 - lam))
        for (pattern, count), lu in zip(items, log_u, strict=True):
            lm = 0.0
            for i, fname in zip(fields, names, strict=True):
                lv = pattern[i]
                if lv != C.MISSING:
                    lm += log_m[fname][lv]
            d = lu - lm - odds
            p = 1.0 / (1.0 + math.exp(d)) if d < 700 else 0.0
            w = p * count
            tot_p += w
            tot_n += count
            for i, fname in zip(fields, names, strict=True):
                lv = pattern[i]
                if lv != C.MISSING:
                    acc[fname][lv] += w
        new_lam = min(max(tot_p / max(tot_n, 1), 1e-6), 0.999)
        for fname, vals in acc.items():
            total = sum(vals)
            m[fname] = [x / total for x in vals]
        if abs(new_lam - lam) < 1e-7:
            break
        lam = new_lam
    return m


def estimate_m(
    pattern_counts: dict[tuple[int, ...], int],
    u: dict[str, tuple[float, ...]],
    *,
    total_pairs: int,
    base: Model = DEFAULT_MODEL,
    iterations: int = 30,
    pseudo: float = 20.0,
    fixed: frozenset[str] = frozenset({"cin", "other_id", "sex"}),
) -> tuple[dict[str, tuple[float, ...]], float]:
    """m probabilities by EM over candidate-pair patterns (u fixed), and the prior.

    Candidate pairs were chosen because names or birth dates agree, so among them even
    different people agree on those fields far more often than random pairs do; EM run on
    them naively takes every name-sharing pair for a match. As Splink does, m of the name
    fields is estimated only on pairs selected by birth date, and m of the other fields
    only on pairs selected by names. ``fixed`` fields keep their prior m: identifiers are
    too sparse in most lists to learn from, and their meaning is not in doubt.

    The prior is the probability that two records drawn at random from the whole list
    (``total_pairs`` pairs) are one person, solved as a fixed point with every pair
    outside the candidates taken as a non-match.
    """
    items = list(pattern_counts.items())
    m0 = {f: list(base.m[f]) for f in C.FIELDS}
    all_fields = [i for i, f in enumerate(C.FIELDS) if f not in fixed]
    name_fields = (C.F_FIRST, C.F_LAST)
    by_dob = [(p, c) for p, c in items if p[C.F_DOB] == C.D_EXACT]
    by_name = [
        (p, c) for p, c in items
        if 0 <= p[C.F_FIRST] <= C.N_TRANSLIT and 0 <= p[C.F_LAST] <= C.N_TRANSLIT
    ]
    m = {f: list(v) for f, v in m0.items()}
    sessions = []
    if sum(c for _, c in by_dob) >= 200:
        fields = [i for i in all_fields if i != C.F_DOB]
        sessions.append((fields, _em_session(by_dob, fields, m0, u, base,
                                             iterations=iterations, pseudo=pseudo)))
    if sum(c for _, c in by_name) >= 200:
        fields = [i for i in all_fields if i not in name_fields]
        sessions.append((fields, _em_session(by_name, fields, m0, u, base,
                                             iterations=iterations, pseudo=pseudo)))
    for i in all_fields:
        fname = C.FIELDS[i]
        found = [sm[fname] for fields, sm in sessions if i in fields]
        if found:
            m[fname] = [sum(col) / len(found) for col in zip(*found, strict=True)]
    # The prior: expected matches among all pairs, non-candidates counting as none.
    every = list(range(len(C.FIELDS)))
    scored = [(_log_mu(p, m, u, every), c) for p, c in items]
    lam = max(1.0 / max(total_pairs, 1), 1e-12)
    for _ in range(100):
        log_odds = math.log(lam / (1 - lam))
        expected = 0.0
        for (lm, lu), count in scored:
            d = lu - lm - log_odds
            expected += count / (1.0 + math.exp(d)) if d < 700 else 0.0
        new_lam = min(max(expected / max(total_pairs, 1), 1e-12), 0.5)
        if abs(new_lam - lam) <= 1e-4 * lam:
            lam = new_lam
            break
        lam = new_lam
    return {f: tuple(v) for f, v in m.items()}, lam


def sample_pairs(n: int, k: int, *, seed: int = 0) -> list[tuple[int, int]]:
    """``k`` random distinct index pairs of ``n`` records (for u estimation)."""
    if n < 2:
        return []
    rng = random.Random(seed)
    out = []
    for _ in range(k):
        i = rng.randrange(n)
        j = rng.randrange(n - 1)
        if j >= i:
            j += 1
        out.append((i, j))
    return out
