"""Blocking keys: only records sharing a key are ever compared.

Keys are plain strings so the registry can store them in an indexed table and fetch the
candidates of one new person with one query. Each key combines a name skeleton (shared by
Arabic and Latin spellings) with a second, independent piece of evidence, so a typo in one
field still leaves another key in common:

* ``c:`` CIN, ``o:`` other identifier, ``p:`` phone;
* ``f:``, ``l:``, ``d:`` first name, family name, birth date alone: useful in small
  lists, and left out by the block-size limit in large ones;
* ``n:`` first and family name skeletons, in sorted order (survives swapped names), and
  ``ny:`` the same with the birth year: both only pair records lacking a full birth date
  with the others (see :data:`DATELESS`);
* ``fd:``/``ld:`` first / family name skeleton with the birth date, day and month sorted
  (survives a swap of day and month, and a typo in the other name);
* ``nm:``/``nd:`` both names with year and month / year and day (survive a typo in the
  day / the month);
* ``lc:`` family name skeleton with commune and birth year;
* ``a:``/``ay:`` each number of the address (house number, postcode) with the commune,
  with either name skeleton or with the birth year (survive typos in both names, or in
  a name and the date).

Very common keys (a "Mohamed Alaoui" in a national list) are skipped when a list is
deduplicated, see :data:`MAX_BLOCK`; the other keys still bring such pairs together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from .record import Record

__all__ = ["DATELESS", "MAX_BLOCK", "BlockIndex", "block_limit", "blocking_keys", "pair_targets"]

#: Blocks larger than this are not used to make pairs in a whole-list run: such a key says
#: too little (and would cost n² comparisons); the registry applies the same limit to the
#: number of candidates it fetches per key.
MAX_BLOCK = 60


def _dob_key(rec: Record) -> str:
    d = rec.birth_date
    if d is None or not d.month:
        return ""
    lo, hi = sorted((d.month, d.day))
    return f"{d.year}{lo:02d}{hi:02d}"


def blocking_keys(rec: Record) -> set[str]:
    """The blocking keys of one record."""
    keys: set[str] = set()
    if rec.cin:
        keys.add("c:" + rec.cin)
    if rec.other_id:
        keys.add("o:" + rec.other_id)
    if rec.phone:
        keys.add("p:" + rec.phone)
    firsts = [s for s in rec.first_skels if s]
    lasts = [s for s in rec.last_skels if s]
    dob = _dob_key(rec)
    year = str(rec.birth_date.year) if rec.birth_date else ""
    if dob:
        keys.add("d:" + dob)
    for f in firsts:
        keys.add("f:" + f)
        if dob:
            keys.add(f"fd:{f}/{dob}")
        for la in lasts:
            a, b = sorted((f, la))
            keys.add(f"n:{a}/{b}")
            if year:
                keys.add(f"ny:{a}/{b}/{year}")
            if dob:
                d = rec.birth_date
                keys.add(f"nm:{a}/{b}/{d.year}-{d.month}")
                keys.add(f"nd:{a}/{b}/{d.year}-{d.day}")
    for la in lasts:
        keys.add("l:" + la)
        if dob:
            keys.add(f"ld:{la}/{dob}")
        if rec.commune and year:
            keys.add(f"lc:{la}/{rec.commune}/{year}")
    if rec.address:
        for number in {t for t in rec.address.split() if t.isdigit()}:
            place = f"{number}@{rec.commune}"
            for s in (*firsts, *lasts):
                keys.add(f"a:{place}/{s}")
            if year:
                keys.add(f"ay:{place}/{year}")
    return keys


class BlockIndex:
    """Key -> record positions, for a list held in memory."""

    def __init__(self, keys_per_record: Iterable[Iterable[str]]) -> None:
        index: dict[str, list[int]] = defaultdict(list)
        for pos, keys in enumerate(keys_per_record):
            for key in keys:
                index[key].append(pos)
        self.index = dict(index)

    def usable(self, max_block: int = MAX_BLOCK) -> dict[str, list[int]]:
        """Blocks with at least two records and at most their limit."""
        return {k: v for k, v in self.index.items() if 1 < len(v) <= block_limit(k, max_block)}

    def oversized(self, max_block: int = MAX_BLOCK) -> int:
        return sum(1 for k, v in self.index.items() if len(v) > block_limit(k, max_block))


def block_limit(key: str, max_block: int = MAX_BLOCK) -> int:
    """The size above which a block is not used.

    Keys of one field alone (a family name, a first name) are useful only while they are
    rare: in a list of a million people every birth date is shared by thirty, so they get
    a fifth of the limit, and the birth date alone a tenth. Dateless keys pair only the
    records that lack a full birth date with the others, so a block may be larger.
    """
    kind = key[: key.index(":")]
    if kind == "d":
        return max(2, max_block // 10)
    if kind in _SINGLE_FIELD:
        return max(2, max_block // 5)
    if kind in DATELESS:
        return max_block * 4
    return max_block


_SINGLE_FIELD = frozenset({"f", "l"})
#: Keys of names without the birth date: a pair of records that both have a full birth
#: date is already brought together by the keys that include it (or is not a match), so
#: these keys only pair a record lacking a full date with the others. Without the rule
#: they would make most of a large list's comparisons for almost no true pair.
DATELESS = frozenset({"n", "ny"})


def pair_targets(
    blocks: dict[str, list[int]], dated: Sequence[bool]
) -> dict[int, list[list[int]]]:
    """For each record, the lists of records it is to be compared with, block by block."""
    targets: dict[int, list[list[int]]] = defaultdict(list)
    for key, members in blocks.items():
        if key[: key.index(":")] in DATELESS:
            undated = [m for m in members if not dated[m]]
            if not undated or len(undated) > MAX_BLOCK_UNDATED:
                continue
            for pos in members:
                targets[pos].append(members if not dated[pos] else undated)
        else:
            for pos in members:
                targets[pos].append(members)
    return targets


MAX_BLOCK_UNDATED = MAX_BLOCK


def candidate_pairs(
    keys_per_record: Sequence[Iterable[str]],
    dated: Sequence[bool],
    *,
    max_block: int = MAX_BLOCK,
) -> Iterator[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, sharing at least one usable key, each once.
    ``dated[i]`` says whether record ``i`` has a full birth date (see DATELESS)."""
    blocks = BlockIndex(keys_per_record).usable(max_block)
    member_of = pair_targets(blocks, dated)
    for i in range(len(keys_per_record)):
        seen: set[int] = set()
        for members in member_of.get(i, ()):
            for j in members:
                if j > i and j not in seen:
                    seen.add(j)
                    yield i, j
