"""Whole-list deduplication: block, compare, estimate the model on the list, score.

Pairs are compared once and reduced to their pattern; the model is estimated on the
pattern counts and every distinct pattern is scored once, so the cost per pair is one
``compare`` call plus a few bytes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .blocking import MAX_BLOCK, BlockIndex, blocking_keys, pair_targets
from .compare import NameFrequencies, compare
from .record import Record
from .score import (
    DEFAULT_MODEL,
    MATCH,
    NON_MATCH,
    Match,
    Model,
    estimate_m,
    estimate_u,
    explain,
    sample_pairs,
)

__all__ = ["DedupStats", "Pair", "dedup", "fit_model"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Pair:
    """Two records of the list judged a match or worth review (``i < j`` positions)."""

    i: int
    j: int
    id_a: str
    id_b: str
    match: Match


@dataclass
class DedupStats:
    records: int = 0
    blocks_used: int = 0
    blocks_oversized: int = 0
    candidate_pairs: int = 0
    distinct_patterns: int = 0
    matches: int = 0
    reviews: int = 0
    prior: float = 0.0
    model: Model | None = None
    extra: dict[str, object] = field(default_factory=dict)


# State shared with forked workers (read-only after fork: copy-on-write, no pickling).
_STATE: dict[str, object] = {}


def _compare_range(bounds: tuple[int, int]) -> tuple[bytes, bytes, bytes, list[tuple[int, ...]]]:
    records: Sequence[Record] = _STATE["records"]  # type: ignore[assignment]
    member_of: dict[int, list[list[int]]] = _STATE["member_of"]  # type: ignore[assignment]
    tf: NameFrequencies | None = _STATE["tf"]  # type: ignore[assignment]
    local: dict[tuple[int, ...], int] = {}
    ai, aj, ap = array("I"), array("I"), array("I")
    for i in range(*bounds):
        groups = member_of.get(i)
        if not groups:
            continue
        seen: set[int] = set()
        rec = records[i]
        for members in groups:
            for j in members:
                if j > i and j not in seen:
                    seen.add(j)
                    pattern = compare(rec, records[j], tf)
                    idx = local.get(pattern)
                    if idx is None:
                        idx = local[pattern] = len(local)
                    ai.append(i)
                    aj.append(j)
                    ap.append(idx)
    return ai.tobytes(), aj.tobytes(), ap.tobytes(), list(local)


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    return [(s, min(s + size, n)) for s in range(0, n, size)]


def _pool(workers: int):
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return None
    return mp.get_context("fork").Pool(workers)


def fit_model(
    records: Sequence[Record],
    pattern_counts: dict[tuple[int, ...], int],
    *,
    base: Model = DEFAULT_MODEL,
    u_sample: int = 100_000,
    seed: int = 0,
) -> Model:
    """The model re-estimated on a list: u from random pairs, m and prior by EM."""
    n = len(records)
    total_pairs = n * (n - 1) // 2
    if total_pairs and total_pairs <= u_sample:
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = sample_pairs(n, u_sample, seed=seed)
    u = estimate_u((compare(records[i], records[j]) for i, j in pairs), base=base)
    m, prior = estimate_m(pattern_counts, u, total_pairs=max(total_pairs, 1), base=base)
    return Model(
        m=m,
        u=u,
        prior=prior,
        match_threshold=base.match_threshold,
        review_threshold=base.review_threshold,
        caps=base.caps,
    )


def dedup(
    records: Sequence[Record],
    *,
    model: Model = DEFAULT_MODEL,
    estimate: bool = True,
    max_block: int = MAX_BLOCK,
    workers: int = 1,
    keys: Sequence[set[str]] | None = None,
    stats: DedupStats | None = None,
    progress: Progress | None = None,
    include_non_matches: bool = False,
    term_frequencies: bool = True,
) -> Iterator[Pair]:
    """Pairs of ``records`` judged ``match`` or ``review``, in order of position.

    With ``estimate`` the model's m, u and prior are re-estimated on the list (thresholds
    are kept); without it ``model`` is used as given (small lists, or reproducible runs).
    ``stats``, when given, is filled in as the run goes.
    """
    st = stats if stats is not None else DedupStats()
    clock = time.perf_counter()
    n = len(records)
    st.records = n
    if keys is None:
        keys = [blocking_keys(r) for r in records]
    index = BlockIndex(keys)
    blocks = index.usable(max_block)
    st.blocks_used = len(blocks)
    st.blocks_oversized = index.oversized(max_block)
    del index
    member_of = pair_targets(blocks, [bool(r.dob_digits) for r in records])
    del blocks
    st.extra["seconds_block"] = time.perf_counter() - clock
    clock = time.perf_counter()

    _STATE["records"] = records
    _STATE["tf"] = NameFrequencies(records) if term_frequencies else None
    _STATE["member_of"] = dict(member_of)
    del member_of
    patterns: dict[tuple[int, ...], int] = {}
    counts: dict[int, int] = defaultdict(int)
    all_i, all_j, all_p = array("I"), array("I"), array("I")
    chunk = max(1000, min(50_000, n // (8 * max(workers, 1)) or 1))
    bounds = _chunks(n, chunk)
    pool = _pool(workers)
    try:
        results = pool.imap(_compare_range, bounds) if pool else map(_compare_range, bounds)
        done = 0
        for (lo, hi), (bi, bj, bp, local) in zip(bounds, results, strict=True):
            remap = array("I")
            for pattern in local:
                gid = patterns.get(pattern)
                if gid is None:
                    gid = patterns[pattern] = len(patterns)
                remap.append(gid)
            ai, aj, ap = array("I"), array("I"), array("I")
            ai.frombytes(bi)
            aj.frombytes(bj)
            ap.frombytes(bp)
            for k in range(len(ap)):
                gid = remap[ap[k]]
                ap[k] = gid
                counts[gid] += 1
            all_i.extend(ai)
            all_j.extend(aj)
            all_p.extend(ap)
            done += hi - lo
            if progress:
                progress("compare", done, n)
    finally:
        if pool:
            pool.close()
            pool.join()
        _STATE.clear()
    st.candidate_pairs = len(all_p)
    st.distinct_patterns = len(patterns)
    st.extra["seconds_compare"] = time.perf_counter() - clock
    clock = time.perf_counter()

    if estimate and st.candidate_pairs:
        by_pattern = {p: counts[g] for p, g in patterns.items()}
        model = fit_model(records, by_pattern, base=model)
    st.extra["seconds_estimate"] = time.perf_counter() - clock
    clock = time.perf_counter()
    st.model = model
    st.prior = model.prior

    verdicts: list[Match | None] = [None] * len(patterns)
    for pattern, gid in patterns.items():
        verdicts[gid] = explain(pattern, model)
    st.extra["seconds_score"] = time.perf_counter() - clock
    for k in range(len(all_p)):
        verdict = verdicts[all_p[k]]
        assert verdict is not None
        if verdict.decision == NON_MATCH and not include_non_matches:
            continue
        if verdict.decision == MATCH:
            st.matches += 1
        elif verdict.decision != NON_MATCH:
            st.reviews += 1
        i, j = all_i[k], all_j[k]
        yield Pair(i, j, records[i].id, records[j].id, verdict)


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))
