"""What the demo's duplicate review queue holds: planted duplicates, or noise.

Run after `jisr demo` (with the same environment, so the same database):

    rm -rf /tmp/jdd && JISR_DATA_DIR=/tmp/jdd JISR_DEMO=1 jisr demo --no-serve
    JISR_DATA_DIR=/tmp/jdd JISR_DEMO=1 python benchmarks/registry/demo_queue.py

The demo's persons are generated again from the seeds and counts in the audit trail (the
generator is deterministic and the persons are written in the order generated, which the
script checks name by name), so each filed pair (`DuplicatePair`) can be put in one class:

* planted: two registrations of one generated person (what the queue is for);
* relative trap: a planted look-alike relative (twin, father and son of one name, cousin
  of a look-alike name, sibling) and the person they resemble: a reviewer should see it;
* same household: two other members of one household;
* unrelated: anyone else (namesakes).
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.settings")

import django  # noqa: E402

django.setup()

from jisr.core.models import AuditEntry  # noqa: E402
from jisr.registry import demo_people  # noqa: E402
from jisr.registry.demo import AUDIT_ACTION, _chunks  # noqa: E402
from jisr.registry.models import DuplicatePair, Person  # noqa: E402


def truth() -> list[tuple[str, str, object, str]]:
    """Per generated person, in the order written: (who, trap of whom, household, name)."""
    rows: list[tuple[int, tuple[str, str, object, str]]] = []
    person = demo_people._ChunkBuilder._person

    def recording(builder, someone, rec, centre, when, *, first):
        index = person(builder, someone, rec, centre, when, first=first)
        tag = f"/{builder.index}"
        rows.append((builder.offset + index, (
            someone.first["true_id"] + tag,
            someone.trap_of + tag if someone.trap_of else "",
            (someone.household, builder.index) if someone.household is not None else None,
            rec.get("first_name_ar") or rec.get("first_name_lat", ""))))
        return index

    demo_people._ChunkBuilder._person = recording
    ref = demo_people.reference()
    offset = 0
    try:
        for count, reason in AuditEntry.objects.filter(action=AUDIT_ACTION).order_by(
                "pk").values_list("count", "reason"):
            seed = int(re.search(r"seed (\d+)", reason).group(1))
            for spec in _chunks(count, seed, offset):
                builder = demo_people._ChunkBuilder(ref, *spec)
                builder.index, builder.offset = spec[0], offset
                builder.group()
                builder.make_migrants()
                builder.households()
                offset += len(builder.emit().persons)
    finally:
        demo_people._ChunkBuilder._person = person
    return [who for _pos, who in sorted(rows, key=lambda r: r[0])]


def main() -> int:
    people = truth()
    stored = list(Person.objects.order_by("pk").values_list(
        "pk", "first_name_ar", "first_name_lat")[:len(people)])
    if len(stored) != len(people) or any(
            who[3] not in (ar, lat)
            for (_pk, ar, lat), who in zip(stored, people, strict=True)):
        print("The stored persons are not the demo's generated persons in order.")
        return 1
    by_pk = {pk: who for (pk, _ar, _lat), who in zip(stored, people, strict=True)}
    sizes = Counter(who[0] for who in people)
    planted_records = sum(n - 1 for n in sizes.values())
    planted_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    classes: Counter[str] = Counter()
    for a, b in DuplicatePair.objects.values_list("person_a_id", "person_b_id"):
        x, y = by_pk.get(a), by_pk.get(b)
        if x is None or y is None:
            classes["not generated"] += 1
        elif x[0] == y[0]:
            classes["planted"] += 1
        elif x[1] == y[0] or y[1] == x[0]:
            classes["relative trap"] += 1
        elif x[2] is not None and x[2] == y[2]:
            classes["same household"] += 1
        else:
            classes["unrelated"] += 1
    total = sum(classes.values())
    print(f"{len(people):,} generated persons, {planted_records:,} planted duplicate "
          f"records ({planted_pairs:,} planted pairs)")
    print(f"{total:,} pairs filed: " + ", ".join(f"{k} {v:,}" for k, v in classes.most_common()))
    if total:
        print(f"planted {classes['planted'] / total:.1%}, planted or relative trap "
              f"{(classes['planted'] + classes['relative trap']) / total:.1%}; planted pairs "
              f"filed {classes['planted']:,} of {planted_pairs:,}; pairs filed per planted "
              f"record {total / max(planted_records, 1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
