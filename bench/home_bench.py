"""Benchmark of the home pages (待办) and the leader's dashboard at full size.

Builds one zone with 1,000 tasks (lights of every colour), 100,000 cases and five years of
self-assessments, then times each page through the test client (sign-in, scope, queries,
rendering), the median of several runs after a warm-up, with its query count.

SQLite (default, a temporary data folder):
    python bench/home_bench.py
PostgreSQL (the database is dropped and created afresh):
    BENCH_PG=postgres://postgres@127.0.0.1:5432/fazhi_home_bench python bench/home_bench.py
Smaller: BENCH_TASKS=200 BENCH_CASES=10000. BENCH_PROFILE=1 prints each page's hottest
functions (cProfile, one request).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
TASKS = int(os.environ.get("BENCH_TASKS", "1000"))
CASES = int(os.environ.get("BENCH_CASES", "100000"))
YEARS = 5
TODAY = date(2025, 11, 3)
RUNS = 7


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-home-bench-")
    os.environ["FAZHI_TODAY"] = TODAY.isoformat()
    pg = os.environ.get("BENCH_PG")
    if pg:
        _fresh_postgres(pg)
        os.environ["FAZHI_DATABASE_URL"] = pg
    else:
        os.environ.pop("FAZHI_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    os.environ.setdefault("FAZHI_ALLOWED_HOSTS", "testserver")  # the test client's host
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.assessments.models import Assessment, Result
    from fazhi.assessments.services import create_assessment
    from fazhi.frameworks.services import load_file
    from fazhi.orgs.services import add_org, add_user
    from fazhi.registers import codes, states
    from fazhi.registers.models import Case
    from fazhi.registers.rules import load_shipped
    from fazhi.workdays.services import import_years
    from fazhi.workplan.models import Extension, Notice, Task
    from fazhi.workplan.services import create_plan, load_template

    settings.FAZHI_TODAY = TODAY
    call_command("migrate", verbosity=0)
    import_years(list(range(TODAY.year - YEARS, TODAY.year + 2)))
    framework = load_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")[0]
    load_template(ROOT / "plans" / "zy-gxq-sti-law-2020.yaml")
    rules = {r.kind: r for r, _ in load_shipped(ROOT / "rules")}
    add_org("sc", "四川省科学技术厅", "province")
    add_org("sc-zy", "资阳市科学技术局", "city", "sc")
    zone = add_org("zy-gxq", "资阳高新区", "zone", "sc-zy")
    depts = [add_org(f"zy-gxq-d{i}", f"部门{i}", "department", "zy-gxq") for i in range(10)]
    password = "Bench-Passw0rd!"
    users = {
        "office": add_user("office", password, "office", "zy-gxq", must_change=False),
        "kjj": add_user("kjj", password, "department", "zy-gxq-d0", must_change=False),
        "leader": add_user("leader", password, "leader", "zy-gxq", must_change=False),
        "city": add_user("city", password, "reviewer", "sc-zy", must_change=False),
    }

    t0 = time.perf_counter()
    rnd = random.Random(20251103)
    plan = create_plan(users["office"], "zy-gxq", "zy-gxq-sti-law-2020", TODAY.year, report_day=25)
    tasks = []
    for i in range(TASKS):
        start = date(TODAY.year, 1, 2) + timedelta(days=rnd.randrange(200))
        due = start + timedelta(days=rnd.randrange(30, 330))
        done = due < TODAY and rnd.random() < 0.5
        tasks.append(
            Task(
                plan=plan,
                number=f"B{i}",
                title=f"基准任务 {i}",
                position=1000 + i,
                lead_org=depts[i % len(depts)],
                responsible="张三",
                start_date=start,
                due_date=due,
                due_in_force=due,
                progress=100 if done else rnd.randrange(0, 100),
                done_at=due if done else None,
            )
        )
    Task.objects.bulk_create(tasks, batch_size=1000)
    some = list(Task.objects.filter(plan=plan, done_at__isnull=True, number__startswith="B")[:40])
    Extension.objects.bulk_create(
        Extension(
            task=t,
            requested_on=TODAY,
            old_due=t.due_date,
            new_due=t.due_date + timedelta(days=30),
            reason="基准",
        )
        for t in some[:20]
    )
    Notice.objects.bulk_create(
        Notice(
            plan=plan,
            task=t,
            number=f"督〔{TODAY.year}〕{i + 1}号",
            to_org=t.lead_org,
            text="请加快推进",
            issued_on=TODAY,
            reply_due=TODAY + timedelta(days=7),
            state="replied" if i % 2 else "issued",
        )
        for i, t in enumerate(some[20:])
    )
    cases = []
    open_states = sorted(states.OPEN_STATES)
    for i in range(CASES):
        kind = "disclosure" if i % 3 else "complaint"
        year = TODAY.year - (i % YEARS)
        received = date(year, 1, 2) + timedelta(days=rnd.randrange(300))
        is_open = year == TODAY.year and rnd.random() < 0.3
        due = received + timedelta(days=30)
        cases.append(
            Case(
                kind=kind,
                tracking_no=f"{codes.PREFIX[kind]}-{year}-{i:08d}",
                query_digest="0" * 64,
                zone=zone,
                department=None if i % 11 == 0 else depts[i % len(depts)],
                rules=rules[kind],
                state=rnd.choice(open_states) if is_open else "closed",
                channel="online" if kind == "disclosure" else "hotline",
                received_on=received,
                anonymous=True,
                subject=f"事项 {i}",
                content="内容",
                next_due=due if is_open else None,
                reply_due=due,
                overdue=is_open and due < TODAY,
                replied_late=not is_open and rnd.random() < 0.05,
            )
        )
    Case.objects.bulk_create(cases, batch_size=5000)
    for k, year in enumerate(range(TODAY.year - YEARS + 1, TODAY.year + 1)):
        a = create_assessment(users["office"], "zy-gxq", framework.code, None, year)
        Result.objects.filter(assessment=a, indicator__kind="scored").update(self_score=1 + k % 2)
    t_build = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load in a running system: planner statistics,
        # and the visibility map without which no count is answered from an index alone.
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    assert Assessment.objects.count() == YEARS

    pages = [
        ("部门填报员 待办", "kjj", "/"),
        ("创建办 待办", "office", "/"),
        ("市科技局 待办", "city", "/"),
        ("领导 首页（驾驶舱）", "leader", "/"),
        ("驾驶舱（市科技局看园区）", "city", "/dashboard/?zone=zy-gxq"),
    ]
    results = []
    for label, username, path in pages:
        client = Client()
        client.force_login(users[username])
        assert client.get(path).status_code == 200  # warm: caches, the session's first write
        times, cpus = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                r = client.get(path)
                times.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            assert r.status_code == 200
        results.append(
            (label, path, statistics.median(times), max(times), statistics.median(cpus), len(ctx))
        )
        if os.environ.get("BENCH_PROFILE"):
            _profile(label, client.get, path)
        if os.environ.get("BENCH_SQL"):  # the slowest statements of the last run
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                print(f"  {label} {q['time']} s  {q['sql'][:240]}")

    print(
        f"Fazhi home pages and dashboard — {connection.vendor}, {TASKS:,} tasks "
        f"(+{Task.objects.filter(plan=plan).count() - TASKS} from the template), "
        f"{CASES:,} cases, {YEARS} years of self-assessments, as of {TODAY}"
    )
    print(f"build data                               {t_build * 1000:8.0f} ms")
    # CPU time is this process's (on SQLite everything but the disk): the machine may be
    # shared, and wall time then includes waiting for a core.
    for label, path, median, worst, cpu, queries in results:
        print(
            f"{label:<22} {path:<26} median {median * 1000:6.1f} ms  "
            f"max {worst * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  ({queries} queries, {RUNS} runs)"
        )


def _profile(label: str, get, path: str) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(get, path)
    print(f"--- {label}: the project's functions by cumulative time, then all by own time")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"fazhi/(?!.*middleware)", 20)
    stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
