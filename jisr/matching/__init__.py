"""Person matching across Arabic and Latin script: is this the same person?

Pure Python, no Django, no database. The registry builds on this small, stable API; ``jisr
dedup`` (``jisr.matching.cli``) runs it on a CSV list.

Records
    ``normalise_record(raw: Mapping) -> Record``
        ``raw`` has any subset of :data:`COLUMNS` (``first_name_ar``, ``last_name_lat``,
        ``birth_date``, ``cin``, ``phone``…). Unreadable values are dropped and their codes
        listed in ``Record.problems`` (``invalid_date``, ``invalid_cin``, ``invalid_phone``,
        ``invalid_identifier``, ``invalid_sex``); a bad field never rejects a person.

One pair
    ``score_pair(a, b, model=DEFAULT_MODEL, tf=None) -> Match``
        ``Match.score`` is a probability, ``Match.decision`` one of ``"match"``,
        ``"review"``, ``"non_match"``, ``Match.reasons`` a tuple of :class:`Reason` with a
        stable ``code`` (``same_cin``, ``names_equal``, ``dob_day_month_swapped``,
        ``lookalike_names``…), English ``text``, ``params`` and ``weight`` (log2 Bayes
        factor), strongest first: the registry translates from ``code`` and ``params``.
        Symmetric: ``score_pair(a, b) == score_pair(b, a)``. ``tf`` (a
        :class:`NameFrequencies`) makes agreement on a common name count for less.

Candidates without scanning
    ``blocking_keys(record) -> set[str]``
        Store the keys in an indexed table; the candidates of a new person are the
        records sharing at least one key, skipping keys shared by more than
        ``block_limit(key)`` records; keys of the kinds in ``DATELESS`` (``n:``, ``ny:``)
        only pair records of which at least one lacks a full birth date (see
        :mod:`jisr.matching.blocking`).

Whole lists
    ``dedup(records, *, model=DEFAULT_MODEL, estimate=True, ...) -> Iterator[Pair]``
        Every pair judged ``match`` or ``review``; with ``estimate`` the model is
        re-estimated on the list without labels (``fit_model``). ``Pair`` has ``i``, ``j``
        (positions), ``id_a``, ``id_b`` and ``match``.

Model
    ``Model`` holds m/u probabilities, the prior, the two thresholds and the rule caps in
    force (``CAPS``: look-alike names, father/son, twins, conflicting first names, CINs or
    identifiers, no confirming date or identifier). ``DEFAULT_MODEL`` holds priors for
    single-record checks.

Synthetic data
    ``generate_people(n, *, seed, duplicate_rate, ...) -> Iterator[dict]`` yields Moroccan
    person records with ``true_id`` (duplicates share it), ``kind`` and ``trap_of``.

See docs/matching.md for the method, the reason vocabulary and the thresholds.
"""

from __future__ import annotations

from .batch import DedupStats, Pair, dedup, fit_model
from .blocking import DATELESS, MAX_BLOCK, block_limit, blocking_keys
from .compare import NameFrequencies
from .compare import compare as _compare
from .normalise import InvalidValue, PartialDate
from .record import COLUMNS, Name, Record, normalise_record
from .score import CAPS, DEFAULT_MODEL, MATCH, NON_MATCH, REVIEW, Match, Model, Reason, explain
from .synth import generate_people

__all__ = [
    "CAPS",
    "COLUMNS",
    "DATELESS",
    "DEFAULT_MODEL",
    "MATCH",
    "MAX_BLOCK",
    "NON_MATCH",
    "REVIEW",
    "DedupStats",
    "InvalidValue",
    "Match",
    "Model",
    "Name",
    "NameFrequencies",
    "Pair",
    "PartialDate",
    "Reason",
    "Record",
    "block_limit",
    "blocking_keys",
    "dedup",
    "fit_model",
    "generate_people",
    "normalise_record",
    "score_pair",
]


def score_pair(
    a: Record, b: Record, model: Model = DEFAULT_MODEL, tf: NameFrequencies | None = None
) -> Match:
    """The verdict on two records (see the module docstring)."""
    return explain(_compare(a, b, tf), model)
