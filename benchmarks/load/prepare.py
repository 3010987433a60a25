"""Write the load benchmark's plan (``var/bench-load/plan.json``): which demo accounts the
simulated users log in as, and what each centre's reception searches for.

Run with the app's environment (``DATABASE_URL`` of the loaded database):
``.venv/bin/python benchmarks/load/prepare.py [OUT] [--users 50]``.

The accounts are the social workers, reception officers and managers of the centres with
the most open cases (three workers for each reception officer and manager, as the
locustfile weighs them); a centre's searches are 300 of the persons registered there: a
name in one script (given and family name) and the birth year, or a CIN.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.settings")
os.environ.setdefault("JISR_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db.models import Count, Q  # noqa: E402

from jisr.accounts import demo as accounts_demo  # noqa: E402
from jisr.accounts.models import User  # noqa: E402
from jisr.accounts.roles import Role  # noqa: E402
from jisr.cases.models import Case, Stage  # noqa: E402
from jisr.registry.models import IdentityDocument, Person  # noqa: E402

SHARES = {Role.SOCIAL_WORKER: 3, Role.RECEPTION_OFFICER: 1, Role.CENTRE_MANAGER: 1}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "var/bench-load/plan.json"))
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(2026)
    busiest = list(Case.objects.exclude(stage=Stage.CLOSED).values("lead_centre_id")
                   .annotate(n=Count("id")).order_by("-n").values_list("lead_centre_id",
                                                                        flat=True))
    unit = args.users / sum(SHARES.values())
    users = []
    for role, share in SHARES.items():
        wanted = round(unit * share)
        staff = {u.centre_id: u for u in User.objects.filter(
            role=role, is_active=True, centre_id__in=busiest).order_by("id")}
        users += [{"username": staff[c].username, "role": role.value, "centre": c}
                  for c in busiest if c in staff][:wanted]
    persons = {}
    for centre in {u["centre"] for u in users}:
        rows = list(Person.objects.filter(registered_at_id=centre, merged_into=None)
                    .order_by("?").values("id", "first_name_lat", "family_name_lat",
                                          "first_name_ar", "family_name_ar",
                                          "birth_year", "birth_date")[:300])
        cins = dict(IdentityDocument.objects.filter(
            person_id__in=[r["id"] for r in rows], kind=IdentityDocument.Kind.CIN)
            .exclude(Q(number="")).values_list("person_id", "number"))
        persons[str(centre)] = [_search(rng, row, cins.get(row["id"])) for row in rows]
    plan = {"password": accounts_demo.password(), "users": users, "persons": persons}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    roles = {r: sum(u["role"] == r for u in users) for r in {u["role"] for u in users}}
    print(f"plan: {len(users)} accounts {roles} at {len(persons)} centres -> {args.out}")


def _search(rng: random.Random, row: dict, cin: str | None) -> dict:
    latin = (row["first_name_lat"] + " " + row["family_name_lat"]).strip()
    arabic = (row["first_name_ar"] + " " + row["family_name_ar"]).strip()
    name = latin if latin and (not arabic or rng.random() < 0.5) else arabic
    year = row["birth_year"] or (row["birth_date"].year if row["birth_date"] else None)
    return {"name": name, "birth_year": year, "cin": cin}


if __name__ == "__main__":
    main()
