"""Centre staff at work, for the load benchmark (benchmarks/README.md, "Load").

Each simulated user is one real demo account of a centre (a social worker, a reception
officer or a centre manager, from ``plan.json`` written by ``prepare.py``), logged in through
the login page like a person, then, with 1 to 3 s of thought between actions, opening what
that role opens in a day: my work, the centre's queues, the cases it links to, the case
list, the registry search (names and birth years of persons of the
centre, some misspelt), the activity figures for the manager (the only one of the three
allowed them), and recording referrals and appointments through the case page's
forms. Reads and writes are named apart so their percentiles can be read apart
(``summary.py``): every request name starts with ``read:`` or ``write:``.

A write the application refuses (a full calendar slot, a stage that allows no referral)
is a failure of the benchmark, not a silent success: the landing page is checked for an
error message.

The users are locust's ``FastHttpUser`` (geventhttpclient), whose client costs a fraction of
what ``HttpUser``'s (requests) does: locust shares the two cores with the server and the
database, so its own CPU is taken from theirs.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ.get("LOAD_PLAN", "var/bench-load/plan.json")).read_text())
PASSWORD = PLAN["password"]
_accounts = {role: itertools.cycle([u for u in PLAN["users"] if u["role"] == role])
             for role in {u["role"] for u in PLAN["users"]}}

CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR = 'class="message-error'
REFERRAL_FORM = re.compile(r'class="referral-form".*?</form>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
SLOT = re.compile(r'<option value="(\d+\|[^"]+)"')


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--language", default="ar", help="Accept-Language of every user.")
    parser.add_argument("--times-out", default="var/bench-load/times.json",
                        help="Where every request's time goes, for summary.py.")
    parser.add_argument("--warmup", type=float, default=60,
                        help="Seconds after the last login before measuring.")


# Every response time of the measured phase, which starts --warmup seconds after every user
# has logged in (a login hashes the password on purpose, and staff log in once a day: fifty
# logins in ten seconds keep both cores busy, and the new server processes read their
# templates and open their connections, for the first seconds after), so that summary.py
# computes exact percentiles over all reads and over all writes rather than averaging
# locust's per-name percentiles.
_times: dict[str, list[float]] = {}
_errors: dict[str, int] = {}
_measuring = False
_logged_in = 0


def _user_ready(environment) -> None:
    global _logged_in, _measuring
    _logged_in += 1
    if _logged_in == environment.parsed_options.num_users:
        warmup = environment.parsed_options.warmup
        print(f"all {_logged_in} users logged in: measuring in {warmup:.0f} s", flush=True)
        gevent.spawn_later(warmup, _start_measuring)


def _start_measuring() -> None:
    global _measuring
    _measuring = True
    print("measuring from now", flush=True)


@events.request.add_listener
def _(name, response_time, exception, **kwargs):
    if not _measuring:
        return
    _times.setdefault(name, []).append(response_time)
    if exception is not None:
        _errors[name] = _errors.get(name, 0) + 1


@events.quitting.add_listener
def _(environment, **kwargs):
    path = environment.parsed_options.times_out
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as out:
        json.dump({"times_ms": _times, "errors": _errors}, out)


def _misspell(rng: random.Random, name: str) -> str:
    """One slip of the keyboard, as reception types in a hurry (a letter dropped or doubled)."""
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


class CentreStaff(FastHttpUser):
    wait_time = between(1, 3)
    abstract = True

    def on_start(self):
        account = next(_accounts[self.role])
        self.username = account["username"]
        self.persons = PLAN["persons"][str(account["centre"])]
        self.rng = random.Random(hash(self.username))
        self.cases: list[str] = []
        # geventhttpclient's user agent: its default headers go with every request
        self.client.client.default_headers["Accept-Language"] = (
            self.environment.parsed_options.language)
        page = self.client.get("/accounts/login/", name="login page")
        response = self.client.post("/accounts/login/", name="login", data={
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "username": self.username, "password": PASSWORD}, allow_redirects=False,
            headers={"Referer": self.host + "/accounts/login/"})
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")
        _user_ready(self.environment)
        self.my_work()

    # --- reads -----------------------------------------------------------------------
    def _read(self, path: str, name: str):
        with self.client.get(path, name=f"read: {name}", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response

    def _remember_cases(self, html: str) -> None:
        found = CASE_LINK.findall(html)
        if found:
            self.cases = list(dict.fromkeys(found + self.cases))[:200]

    def my_work(self):
        self._remember_cases(self._read("/cases/work/", "my work").text)

    def queues(self):
        self._remember_cases(self._read("/cases/work/queues/", "centre queues").text)

    def case_list(self):
        stage = self.rng.choice(["", "received", "listened", "oriented", "in_pathway"])
        self._remember_cases(self._read(f"/cases/?stage={stage}", "case list").text)

    def case_page(self):
        if not self.cases:
            return self.my_work()
        return self._read(f"/cases/{self.rng.choice(self.cases)}/", "case page")

    def figures(self):
        self._read("/reports/", "activity figures")

    def search(self):
        person = self.rng.choice(self.persons)
        name = person["name"]
        if self.rng.random() < 0.3:
            name = _misspell(self.rng, name)
        query = {"name": name}
        if person.get("birth_year") and self.rng.random() < 0.7:
            query["birth_year"] = person["birth_year"]
        if person.get("cin") and self.rng.random() < 0.2:
            query = {"identifier": person["cin"]}
        self.client.get("/registry/", params=query, name="read: registry search")

    # --- writes ----------------------------------------------------------------------
    def _landed_without_error(self, response, what: str) -> None:
        if response.status_code != 302:
            with self.client.get(response.url, name="read: case page", catch_response=True) as r:
                r.failure(f"{what}: form answered {response.status_code}, not a redirect")
            return
        with self.client.get(response.headers["Location"], name="read: case page",
                             catch_response=True) as landing:
            if ERROR in landing.text:
                message = landing.text.split(ERROR, 1)[1].split("</li>", 1)[0]
                landing.failure(f"{what} refused: {message[:200]}")

    def _draw_form(self, slot: str, path: str, name: str):
        """A case page, then the form its ``slot`` draws when opened (htmx, as a browser
        asks for it): (page, case id, the drawn form), the form None when there is none."""
        page = self.case_page()
        if page is None or slot not in page.text:
            return page, None, None
        case_id = page.url.rstrip("/").rsplit("/", 1)[1]
        with self.client.get(f"/cases/{case_id}/{path}", name=f"read: {name}",
                             headers={"HX-Request": "true"}, catch_response=True) as drawn:
            if drawn.status_code != 200:
                drawn.failure(f"HTTP {drawn.status_code}")
                return page, case_id, None
        return page, case_id, drawn

    def refer(self):
        # a case whose stage takes no referral now has no slot: the worker goes on
        page, case_id, drawn = self._draw_form("referral-form-slot", "referrals/new/",
                                               "referral form")
        if drawn is None:
            return
        form = REFERRAL_FORM.search(drawn.text)
        offerings = OPTION.findall(form.group(0)) if form else []
        if not offerings:
            return
        token = CSRF.search(drawn.text).group(1)
        response = self.client.post(f"/cases/{case_id}/referrals/", name="write: referral",
                                    allow_redirects=False, headers={"Referer": page.url},
                                    data={"csrfmiddlewaretoken": token,
                                          "offering": self.rng.choice(offerings),
                                          "note": "Benchmark"})
        self._landed_without_error(response, "referral")

    def book(self):
        """From the case page, "Book an appointment": one of the next free slots of the
        centre's workers, as the quick booking form offers them."""
        # a closed case, or a role that does not book, has no slot: the worker goes on
        page, case_id, drawn = self._draw_form("book-form-slot", "appointments/",
                                               "appointment form")
        if drawn is None:
            return
        slots = SLOT.findall(drawn.text)
        if not slots:
            return
        response = self.client.post(
            f"/cases/{case_id}/appointments/", name="write: appointment",
            allow_redirects=False, headers={"Referer": page.url},
            data={"csrfmiddlewaretoken": CSRF.search(drawn.text).group(1),
                  "slot": self.rng.choice(slots)})
        self._landed_without_error(response, "appointment")


class SocialWorker(CentreStaff):
    role, weight = "social_worker", 3

    @task(4)
    def t_work(self): self.my_work()
    @task(6)
    def t_case(self): self.case_page()
    @task(1)
    def t_queues(self): self.queues()
    @task(2)
    def t_list(self): self.case_list()
    @task(2)
    def t_search(self): self.search()
    @task(2)
    def t_refer(self): self.refer()
    @task(1)
    def t_book(self): self.book()


class ReceptionOfficer(CentreStaff):
    role, weight = "reception_officer", 1

    @task(5)
    def t_search(self): self.search()
    @task(2)
    def t_work(self): self.my_work()
    @task(3)
    def t_queues(self): self.queues()
    @task(2)
    def t_case(self): self.case_page()
    @task(1)
    def t_list(self): self.case_list()
    @task(2)
    def t_book(self): self.book()


class CentreManager(CentreStaff):
    role, weight = "centre_manager", 1

    @task(4)
    def t_figures(self): self.figures()
    @task(3)
    def t_queues(self): self.queues()
    @task(1)
    def t_work(self): self.my_work()
    @task(2)
    def t_case(self): self.case_page()
    @task(2)
    def t_list(self): self.case_list()
    @task(1)
    def t_search(self): self.search()
    @task(1)
    def t_refer(self): self.refer()
