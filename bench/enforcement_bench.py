"""Benchmark of the enforcement register at 50,000 cases with 400,000 events (SQLite).

Creates 50,000 cases (8 steps each on average: clue, filing, investigation, notice, legal
review, decision, service, publication, closing) in a temporary SQLite database with
bulk_create, then times:
  * refreshing every case's cached deadlines (enforcement.refresh.refresh: core.deadlines
    over rules/enforcement.yaml), the first run (every row written), a repeat (nothing
    changed) and the next day;
  * the register's first page (50 rows with the count) through the selector and as the
    office opens it (/enforcement/, rendered HTML), newest first and overdue only;
  * the public 公示 page.
Run: python bench/enforcement_bench.py   (BENCH_CASES=5000 for a quicker run)
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = int(os.environ.get("BENCH_CASES", "50000"))
TODAY = date(2025, 11, 3)
FLOW = [
    "filed",
    "investigated",
    "notified",
    "legal_reviewed",
    "decided",
    "served",
    "published",
    "closed",
]


def main() -> None:
    os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-enf-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.enforcement.models import CaseStep, EnforcementCase
    from fazhi.enforcement.refresh import refresh, refresh_overdue
    from fazhi.enforcement.selectors import CaseFilter, case_page
    from fazhi.orgs.services import add_org, add_user
    from fazhi.registers.rules import load_shipped
    from fazhi.workdays.services import import_years

    call_command("migrate", verbosity=0)
    import_years([2024, 2025, 2026])
    rules = {r.kind: r for r, _ in load_shipped(ROOT / "rules")}["enforcement"]
    add_org("sc", "四川省", "province")
    zone = add_org("zy", "资阳高新区", "zone", "sc")
    depts = [add_org(f"zy-d{i}", f"部门{i}", "department", "zy") for i in range(10)]
    office = add_user("office", "Bench-Passw0rd!", "office", "zy", must_change=False)

    rnd = random.Random(20251130)
    t0 = time.perf_counter()
    start = date(2024, 11, 1)
    cases, plans = [], []
    for i in range(CASES):
        received = start + timedelta(days=rnd.randrange(300))
        cases.append(
            EnforcementCase(
                number=f"zy-ZF-2025-{i:06d}", zone=zone, department=depts[i % 10], rules=rules,
                source="inspection", received_on=received, subject=f"案由 {i}",
                party_kind="org", party_org=f"某公司{i}",
            )
        )  # fmt: skip
        plans.append(received)
    EnforcementCase.objects.bulk_create(cases, batch_size=5000)
    ids = list(EnforcementCase.objects.order_by("id").values_list("id", flat=True))
    steps = []
    for case_id, received in zip(ids, plans, strict=True):
        steps.append(CaseStep(case_id=case_id, kind="received", on=received))
        d = received
        steps.append(CaseStep(case_id=case_id, kind="recorded", on=received))
        for kind in FLOW[: rnd.randrange(6, len(FLOW) + 1)]:
            d += timedelta(days=rnd.randrange(1, 15))
            if d > TODAY:
                break
            steps.append(CaseStep(case_id=case_id, kind=kind, on=d))
    CaseStep.objects.bulk_create(steps, batch_size=10000)
    t_create = time.perf_counter() - t0

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(refresh, TODAY - timedelta(days=7))
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    timings = {}
    for name, day in (
        ("first run", TODAY),
        ("repeat", TODAY),
        ("next day", TODAY + timedelta(days=1)),
    ):
        t0 = time.perf_counter()
        result = refresh(day)
        timings[name] = (time.perf_counter() - t0, result)

    def page(f, repeat=5):
        case_page(office, f)
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                p = case_page(office, f)
                times.append(time.perf_counter() - t)
        return statistics.median(times), p.count, len(ctx)

    t0 = time.perf_counter()
    flipped = refresh_overdue(TODAY + timedelta(days=30))
    t_daily = time.perf_counter() - t0

    pages = {"newest first": page(CaseFilter()), "overdue only": page(CaseFilter(overdue=True))}

    client = Client(SERVER_NAME="localhost")
    client.force_login(office)

    def html(url):
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                r = client.get(url)
                times.append(time.perf_counter() - t)
            assert r.status_code == 200, r.status_code
        return statistics.median(times), len(ctx)

    rendered = {
        u: html(u) for u in ("/enforcement/", "/enforcement/?overdue=1", "/public/enforcement/")
    }

    print(
        f"Fazhi enforcement benchmark — SQLite, {CASES:,} cases, {len(steps):,} events, as of {TODAY}"
    )
    print(f"create (bulk_create)                 {t_create * 1000:9.0f} ms")
    for name, (t, r) in timings.items():
        print(
            f"refresh all due dates, {name:<13} {t * 1000:9.0f} ms  ({r.changed:,} rows written, {r.overdue:,} overdue)"
        )
    print(
        f"daily overdue refresh (tick), +30 days {t_daily * 1000:7.0f} ms  ({flipped:,} rows changed)"
    )
    for name, (t, count, queries) in pages.items():
        print(
            f"register selector, {name:<17} {t * 1000:8.1f} ms  (of {count:,}; {queries} queries)"
        )
    for url, (t, queries) in rendered.items():
        print(f"page {url:<31} {t * 1000:8.1f} ms  ({queries} queries, rendered HTML)")


if __name__ == "__main__":
    main()
