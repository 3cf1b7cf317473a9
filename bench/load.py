"""A bounded load test of Fazhi at province scale (Locust), on loopback only.

Against a server holding the data of `bench/province.py generate` (its accounts and password):

    # every simulated member of the public comes from 127.0.0.1: lift the per-address limits,
    # and the challenge (a person solves it; a load test cannot)
    FAZHI_PUBLIC_CHALLENGE=off FAZHI_PUBLIC_SUBMIT_LIMIT=1000000 FAZHI_PUBLIC_LOOKUP_LIMIT=1000000 \
        fazhi serve --workers 2 --port 8000 &                     # or two instances on two ports
    locust -f bench/load.py --headless -u 20 -r 4 -t 10m --host http://127.0.0.1:8000 \\
           --csv var/load --only-summary

Two nodes (two `fazhi serve` on ports 8000 and 8001, one database): LOAD_HOSTS lists them; the
users are spread over them, and each signs in on one node and then works on the next, so every
session, CSRF token and version crosses nodes:

    LOAD_HOSTS=http://127.0.0.1:8000,http://127.0.0.1:8001 locust -f bench/load.py --headless \\
           -u 20 -r 4 -t 10m --host http://127.0.0.1:8000 --csv var/load2 --only-summary

Twenty users in the mix of a working day: zone offices (the scoring page and score updates, the
register with filters, their home page), department clerks (the plan page, progress reports,
their home page), leaders (the dashboard), the province (its ranking of all applications) and the
public (the portal and tracking). Every write goes through the API with the user's token, with
the version the server gave, so a lost update shows as a 409. Hard caps: LOAD_MAX_REQUESTS (default
100,000) requests, and Locust's -t. At the end it prints the CPU time that PostgreSQL's and the
app's processes used during the run, as a share of the wall time of both cores.

Settings (environment): LOAD_ZONES (200), LOAD_PASSWORD (the generator's), LOAD_YEAR (this year),
LOAD_PUBLIC_SUBMIT (1: the public also files complaints; needs the server settings above),
LOAD_HOSTS (several nodes, comma-separated; default: --host alone).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

ZONES = int(os.environ.get("LOAD_ZONES", "200"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "Province-Bench-2026!")
YEAR = int(os.environ.get("LOAD_YEAR", str(date.today().year)))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "100000"))
PUBLIC_SUBMIT = os.environ.get("LOAD_PUBLIC_SUBMIT", "1") == "1"
HOSTS = [h.rstrip("/") for h in os.environ.get("LOAD_HOSTS", "").split(",") if h.strip()]
DEPARTMENTS = 10
_next_user = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# ---------------------------------------------------------------- caps and CPU shares

_sent = 0
_cpu_before: dict[str, float] = {}
_started = 0.0
_environment = None


def _cpu_by_program() -> dict[str, float]:
    """CPU seconds used so far by PostgreSQL's processes and by the app's (fazhi, gunicorn),
    counting the processes that have ended (a backend closed after CONN_MAX_AGE, a worker
    replaced) through their parent's children's time: without it, most of PostgreSQL's work
    went unseen."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"postgres": 0.0, "app": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # utime, stime, and cutime, cstime: the ended children the process has waited for
        seconds = sum(int(f) for f in fields[11:15]) / tick
        if name.startswith("postgres"):
            used["postgres"] += seconds
        elif name.startswith(("fazhi", "gunicorn")):
            used["app"] += seconds
    return used


@events.test_start.add_listener
def _start(environment, **kwargs):
    global _started, _environment
    _environment = environment
    for url in [environment.host or "", *HOSTS]:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("只对本机（127.0.0.1）做压力测试：请用 --host http://127.0.0.1:端口")
    for url in HOSTS or [environment.host]:
        _wait_for(url)
    _cpu_before.update(_cpu_by_program())
    _started = time.monotonic()


def _wait_for(host: str) -> None:
    """Up to a minute for the server to answer its health check."""
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"{host}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{host}/healthz 没有应答：请先启动 fazhi serve")


@events.request.add_listener
def _count(**kwargs):
    global _sent
    _sent += 1
    if _sent == MAX_REQUESTS and _environment is not None and _environment.runner:
        print(f"LOAD_MAX_REQUESTS ({MAX_REQUESTS:,}) reached: stopping")
        _environment.runner.quit()


@events.test_stop.add_listener
def _stop(environment, **kwargs):
    wall = max(time.monotonic() - _started, 1e-9) * (os.cpu_count() or 1)
    after = _cpu_by_program()
    for program, label in (("postgres", "PostgreSQL"), ("app", "Fazhi")):
        share = (after[program] - _cpu_before.get(program, 0.0)) / wall
        print(f"CPU share of {label}: {share:.0%} of {os.cpu_count()} cores")


# ---------------------------------------------------------------- the users


class _Spread(HttpUser):
    """A user on one of LOAD_HOSTS (in turn); `next_node` moves it to the following one."""

    abstract = True

    def __init__(self, environment):
        self.node = next(_next_user)
        if HOSTS:
            self.host = HOSTS[self.node % len(HOSTS)]
        super().__init__(environment)

    def next_node(self) -> None:
        if len(HOSTS) > 1:
            self.node += 1
            self.host = self.client.base_url = HOSTS[self.node % len(HOSTS)]


class Staff(_Spread):
    abstract = True
    wait_time = between(1, 3)

    def sign_in(self, username: str) -> None:
        """Signs in (page and API token) on its node, then goes on working on the next."""
        self.username = username
        page = self.client.get("/login/", name="/login/").text
        token = CSRF.search(page)[1]
        self.client.post(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{self.host}/login/"},
            name="/login/ (POST)",
        )
        answer = self.client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": PASSWORD, "name": "load"},
            name="/api/v1/auth/token",
        )
        self.api = {"Authorization": f"Bearer {answer.json()['token']}"}
        self.next_node()

    def zone(self) -> str:
        return f"z{random.randrange(ZONES):03d}"


class Office(Staff):
    weight = 6

    def on_start(self):
        self.sign_in(f"{self.zone()}-office")
        rows = self.client.get(
            f"/api/v1/assessments?year={YEAR}", headers=self.api, name="/api/v1/assessments"
        ).json()
        self.assessment = rows[0]["id"]

    @task(3)
    def scoring_page(self):
        self.client.get(f"/assessments/{self.assessment}/", name="/assessments/[id]/")

    @task(2)
    def update_score(self):
        a = self.client.get(
            f"/api/v1/assessments/{self.assessment}",
            headers=self.api,
            name="/api/v1/assessments/[id]",
        ).json()
        scored = [r for r in a["results"] if r["kind"] == "scored" and not r["rule"]]
        r = random.choice(scored)
        top = float(r["max_points"])
        self.client.put(
            f"/api/v1/assessments/{self.assessment}/results/{r['indicator_code']}",
            json={"version": r["version"], "self_score": round(random.uniform(0, top), 1)},
            headers=self.api,
            name="/api/v1/assessments/[id]/results/[code] (PUT)",
        )

    @task(2)
    def register(self):
        query = random.choice(["", "?overdue=1", "?kind=complaint", "?state=accepted"])
        self.client.get(f"/registers/{query}", name="/registers/?filters")

    @task(1)
    def home(self):
        self.client.get("/", name="/ (office)")


class Department(Staff):
    weight = 6

    def on_start(self):
        self.sign_in(f"{self.zone()}-d{random.randrange(DEPARTMENTS)}")
        plans = self.client.get("/api/v1/plans", headers=self.api, name="/api/v1/plans").json()
        self.plan = next(p["id"] for p in plans if p["year"] == YEAR)
        plan = self.client.get(
            f"/api/v1/plans/{self.plan}", headers=self.api, name="/api/v1/plans/[id]"
        ).json()
        parents = {t["parent"] for t in plan["tasks"]}
        # a clerk's account is named after its department (z003-d4); done tasks take no report
        self.progress = {
            t["id"]: t["progress"]
            for t in plan["tasks"]
            if t["lead_org"] == self.username and t["id"] not in parents and t["progress"] < 100
        }

    @task(3)
    def plan_page(self):
        self.client.get(f"/plans/{self.plan}/", name="/plans/[id]/")

    @task(2)
    def report(self):
        """A month's progress: forward from where the task stands, as a clerk reports it."""
        if not self.progress:
            return
        task_id = random.choice(list(self.progress))
        percent = min(99, self.progress[task_id] + random.randrange(1, 10))
        answer = self.client.post(
            f"/api/v1/tasks/{task_id}/reports",
            json={"percent": percent, "text": "按计划推进"},
            headers=self.api,
            name="/api/v1/tasks/[id]/reports (POST)",
        )
        if answer.status_code == 201:
            self.progress[task_id] = percent

    @task(1)
    def home(self):
        self.client.get("/", name="/ (department)")


class Leader(Staff):
    weight = 2

    def on_start(self):
        self.sign_in(f"{self.zone()}-leader")

    @task
    def dashboard(self):
        self.client.get("/", name="/ (leader dashboard)")


class Province(Staff):
    weight = 1

    def on_start(self):
        self.sign_in("province")

    @task
    def ranking(self):
        self.client.get(f"/review/campaigns/sc-{YEAR}/", name="/review/campaigns/[code]/ (ranking)")


class Public(_Spread):
    weight = 5
    wait_time = between(1, 5)

    @task(3)
    def portal(self):
        self.client.get("/public/", name="/public/")

    @task(1)
    def submit(self):
        if not PUBLIC_SUBMIT:
            return
        with self.client.post(
            "/api/v1/public/complaints",
            json={
                "zone": f"z{random.randrange(ZONES):03d}",
                "anonymous": True,
                "subject": "反映园区企业夜间施工噪声扰民",
                "content": "每晚十点后仍在施工，请核查处理。",
            },
            name="/api/v1/public/complaints (POST)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 201:
                self.tracked = (answer.json()["tracking_no"], answer.json()["query_code"])

    @task(1)
    def track(self):
        tracked = getattr(self, "tracked", None)
        if tracked:  # what one filed, by its number and query code
            number, code = tracked
            self.client.post(
                "/api/v1/public/track",
                json={"tracking_no": number, "code": code},
                name="/api/v1/public/track (POST)",
            )
            return
        page = self.client.get("/public/track/", name="/public/track/").text
        token = CSRF.search(page)
        with self.client.post(
            "/public/track/",
            {
                "csrfmiddlewaretoken": token[1] if token else "",
                "tracking_no": f"GK-{YEAR}-{random.randrange(10**9):09d}",
                "code": "ABCD-EFGH",
            },
            headers={"Referer": f"{self.host}/public/track/"},
            name="/public/track/ (POST)",
            catch_response=True,
        ) as answer:
            # a made-up number is not found (404, the same answer as a wrong code)
            if answer.status_code == 404:
                answer.success()
