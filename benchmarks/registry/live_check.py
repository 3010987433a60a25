"""Client side of the live duplicate check benchmark (run by live_check.sh).

Logs in through the API token endpoint, then POSTs drafts to the duplicate-candidates
endpoint (``POST /api/v1/persons/duplicates/``) and measures each response's latency from
the client: first one request at a time, then from several concurrent clients. The drafts
are what reception types for a person who is already registered, misspelt (a Latin name
with a typo, Arabic only or Latin only, day and month swapped, year only, a CIN left out
or one digit off, the phone written otherwise), and for people who are not registered at
all (new persons from the matching engine's generator with a seed the load did not use).

The registered persons the variants start from are sampled from the database itself (the
harness reads it; the application is only reached over HTTP).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from urllib.parse import urlparse

import psycopg

from jisr.matching import generate_people

_SEX = {"M": "male", "m": "male", "H": "male", "ذكر": "male", "F": "female", "f": "female",
        "أنثى": "female"}
_AR_SWAPS = (("ة", "ه"), ("أ", "ا"), ("إ", "ا"), ("ى", "ي"), ("ه", "ة"))


def sample_persons(dsn: str, count: int, seed: int) -> list[dict]:
    """``count`` registered persons picked at random (their ids drawn from the id range)."""
    rng = random.Random(seed)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM registry_person")
        low, high = cur.fetchone()
        ids = rng.sample(range(low, high + 1), min(count * 2, high - low + 1))
        cur.execute(
            """SELECT p.id, p.first_name_ar, p.family_name_ar, p.father_name_ar,
                      p.first_name_lat, p.family_name_lat, p.father_name_lat, p.sex,
                      p.birth_date, p.birth_year, c.code, p.address,
                      (SELECT number FROM registry_identitydocument d
                        WHERE d.person_id = p.id AND d.kind = 'cin' LIMIT 1),
                      (SELECT number FROM registry_phone f WHERE f.person_id = p.id
                        ORDER BY f.id LIMIT 1)
                 FROM registry_person p LEFT JOIN territory_commune c ON c.id = p.commune_id
                WHERE p.id = ANY(%s) LIMIT %s""", [ids, count])
        columns = ("id", "first_name_ar", "family_name_ar", "father_name_ar",
                   "first_name_lat", "family_name_lat", "father_name_lat", "sex",
                   "birth_date", "birth_year", "commune", "address", "cin", "phone")
        return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def _latin_typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    op = rng.random()
    if op < 0.4:
        return name[:i] + rng.choice("aeioulnrstmdkb") + name[i + 1:]
    if op < 0.7:
        return name[:i] + name[i + 1:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _arabic_variant(rng: random.Random, name: str) -> str:
    for src, dst in rng.sample(_AR_SWAPS, len(_AR_SWAPS)):
        if src in name:
            return name.replace(src, dst, 1)
    return name[2:] if name.startswith("ال") and rng.random() < 0.5 else name


def misspelt(person: dict, rng: random.Random) -> dict:
    """The draft reception types when this registered person comes back."""
    draft = {k: person[k] or "" for k in ("first_name_ar", "family_name_ar",
                                          "first_name_lat", "family_name_lat")}
    both = (draft["first_name_ar"] or draft["family_name_ar"]) and \
        (draft["first_name_lat"] or draft["family_name_lat"])
    if both and rng.random() < 0.4:  # written in one script only this time
        script = rng.choice(("ar", "lat"))
        for key in list(draft):
            if key.endswith(script):
                draft[key] = ""
    for key in ("first_name_lat", "family_name_lat"):
        if draft[key] and rng.random() < 0.5:
            draft[key] = _latin_typo(rng, draft[key])
    for key in ("first_name_ar", "family_name_ar"):
        if draft[key] and rng.random() < 0.5:
            draft[key] = _arabic_variant(rng, draft[key])
    if not any(draft.values()):
        draft = {k: person[k] or "" for k in draft}
    if rng.random() < 0.3:
        draft["father_name_ar"] = person["father_name_ar"] or ""
        draft["father_name_lat"] = person["father_name_lat"] or ""
    draft["sex"] = person["sex"]
    birth = person["birth_date"]
    r = rng.random()
    if birth is None or r < 0.15:
        draft["birth_year"] = person["birth_year"]
    elif r < 0.3 and birth.day <= 12 and birth.day != birth.month:
        draft["birth_date"] = birth.replace(month=birth.day, day=birth.month).isoformat()
    elif r < 0.4:
        day = birth.day + 1 if birth.day < 28 else birth.day - 1
        draft["birth_date"] = birth.replace(day=day).isoformat()
    else:
        draft["birth_date"] = birth.isoformat()
    if person["commune"] and rng.random() < 0.85:
        draft["commune"] = person["commune"]
    if person["address"] and rng.random() < 0.4:
        draft["address"] = person["address"]
    cin = person["cin"]
    if cin and rng.random() < 0.3:
        if rng.random() < 0.3:  # one digit off
            i = len(cin) - 1 - rng.randrange(3)
            cin = cin[:i] + str((int(cin[i]) + 1) % 10) + cin[i + 1:]
        draft["document_kind"], draft["document_number"] = "cin", cin.lower()
    phone = person["phone"]
    if phone and phone.startswith("+212") and rng.random() < 0.5:
        national = "0" + phone[4:]
        draft["phone"] = " ".join(national[i:i + 2] for i in range(0, 10, 2))
    return draft


def new_persons(count: int, seed: int) -> list[dict]:
    """Drafts of people the registry does not hold (a seed the load never used)."""
    drafts = []
    for rec in generate_people(count * 2, seed=seed, duplicate_rate=0, trap_rate=0):
        if len(drafts) == count:
            break
        birth = rec.get("birth_date", "")
        if len(birth) != 10 or birth[4] != "-":
            continue
        draft = {"first_name_ar": rec.get("first_name_ar", ""),
                 "family_name_ar": rec.get("last_name_ar", ""),
                 "first_name_lat": rec.get("first_name_lat", ""),
                 "family_name_lat": rec.get("last_name_lat", ""),
                 "birth_date": birth, "commune": rec.get("commune_code")}
        sex = _SEX.get(rec.get("sex", ""))
        if sex:
            draft["sex"] = sex
        if rec.get("phone"):
            draft["phone"] = rec["phone"]
        drafts.append(draft)
    return drafts


class Client:
    """One keep-alive HTTP connection, as a reception desk's browser would hold."""

    def __init__(self, url: str, token: str = "") -> None:
        parsed = urlparse(url)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def post(self, path: str, body: dict) -> tuple[int, object, float]:
        data = json.dumps(body)
        start = time.perf_counter()
        self.conn.request("POST", path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - start
        return response.status, json.loads(payload or b"null"), elapsed


class ServerCpu:
    """CPU time (user + system) of the web server's worker processes and of the database
    backends serving this database: what the requests cost the machine, whatever else
    shares it (the sum over a run divided by its requests is the cost of one)."""

    def __init__(self, server_pid: int | None, dsn: str) -> None:
        self.server_pid, self.dsn = server_pid, dsn
        self.tick = os.sysconf("SC_CLK_TCK")

    def _pids(self) -> list[tuple[str, int]]:
        pids = []
        if self.server_pid:
            children = f"/proc/{self.server_pid}/task/{self.server_pid}/children"
            with open(children) as f:
                pids += [("web", int(p)) for p in f.read().split()]
        with psycopg.connect(self.dsn) as conn:
            pids += [("db", row[0]) for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")]
        return pids

    def seconds(self) -> dict[tuple[str, int], float]:
        out = {}
        for kind, pid in self._pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[kind, pid] = (int(fields[11]) + int(fields[12])) / self.tick
        return out


def run(url: str, token: str, drafts: list[tuple[int | None, dict]], clients: int,
        cpu: ServerCpu | None = None) -> dict:
    """Send the drafts from ``clients`` concurrent connections; latencies in ms."""
    before = cpu.seconds() if cpu else {}
    latencies: list[float] = []
    found = variants = errors = 0
    lock = threading.Lock()
    queue = list(enumerate(drafts))

    def work() -> None:
        nonlocal found, variants, errors
        client = Client(url, token)
        while True:
            with lock:
                if not queue:
                    return
                _i, (source, draft) = queue.pop()
            status, body, elapsed = client.post("/api/v1/persons/duplicates/", draft)
            ids = set()
            if status == 200:
                for candidate in body:
                    person = candidate["person"] or candidate["identity_card"]
                    ids.add(person.get("id") or person.get("person_id"))
            with lock:
                latencies.append(elapsed * 1000)
                errors += status != 200
                if source is not None:
                    variants += 1
                    found += source in ids

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    used = {}
    if cpu:
        for (kind, pid), t in cpu.seconds().items():
            used[kind] = used.get(kind, 0.0) + t - before.get((kind, pid), 0.0)
    return {"clients": clients, "requests": len(latencies), "errors": errors,
            "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1), "mean_ms": round(statistics.fmean(latencies), 1),
            "max_ms": round(max(latencies), 1),
            "throughput_rps": round(len(latencies) / wall, 1),
            "variants_found": round(found / variants, 3) if variants else None,
            # the web workers' and the database's CPU for one request
            "cpu_ms_per_request": {kind: round(t * 1000 / len(latencies), 1)
                                   for kind, t in sorted(used.items(), reverse=True)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--username", default="amina")
    parser.add_argument("--password", default=os.environ.get("JISR_DEMO_PASSWORD",
                                                             "jisr-demo-2026"))
    parser.add_argument("--variants", type=int, default=2000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-pid", type=int, default=None,
                        help="gunicorn's master process, to measure the CPU of its workers")
    args = parser.parse_args()

    status, body, _elapsed = Client(args.url).post(
        "/api/v1/auth/token/", {"username": args.username, "password": args.password})
    if status != 200:
        print(f"login failed ({status}): {body}", file=sys.stderr)
        return 1
    token = body["token"]
    rng = random.Random(args.seed)
    sources = sample_persons(args.dsn, args.variants + args.warmup, args.seed)
    drafts = [(p["id"], misspelt(p, rng)) for p in sources]
    drafts += [(None, d) for d in new_persons(args.new, seed=10_000 + args.seed)]
    rng.shuffle(drafts)
    warmup, drafts = drafts[:args.warmup], drafts[args.warmup:]
    # Every gunicorn worker connects and fills its caches.
    run(args.url, token, warmup, args.clients)
    cpu = ServerCpu(args.server_pid, args.dsn)
    results = [run(args.url, token, drafts, 1, cpu),
               run(args.url, token, drafts, args.clients, cpu)]
    for result in results:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
