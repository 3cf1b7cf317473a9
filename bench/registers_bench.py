"""Benchmark of the registers at 100,000 cases on the embedded default (SQLite).

Creates 100,000 cases (disclosure requests and complaints, with 2–6 events each) in a
temporary SQLite database with bulk_create, then times:
  * `fazhi registers refresh` (registers.refresh.refresh): every case's deadlines computed by
    core.deadlines.compute from its events, first run (every row written) and a repeat
    (nothing changed, nothing written);
  * the register selector's first page (50 rows, with the count) as the office: newest
    first, overdue only, soonest due first, and a phone-number search.
Run: python bench/registers_bench.py   (BENCH_CASES=10000 for a quicker run)
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
CASES = int(os.environ.get("BENCH_CASES", "100000"))
TODAY = date(2025, 11, 3)


def main() -> None:
    os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-reg-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.orgs.services import add_org, add_user
    from fazhi.registers import codes
    from fazhi.registers.models import Case, CaseEvent
    from fazhi.registers.refresh import refresh
    from fazhi.registers.rules import load_shipped
    from fazhi.registers.selectors import RegisterFilter, register_page
    from fazhi.security.models import Person
    from fazhi.workdays.services import import_years

    call_command("migrate", verbosity=0)
    import_years([2024, 2025, 2026])
    rules = {r.kind: r for r, _ in load_shipped(ROOT / "rules")}
    add_org("sc", "四川省", "province")
    zone = add_org("zy", "资阳高新区", "zone", "sc")
    depts = [add_org(f"zy-d{i}", f"部门{i}", "department", "zy") for i in range(10)]
    office = add_user("office", "Bench-Passw0rd!", "office", "zy", must_change=False)
    person = Person.objects.create(name="张三", phone="13800138000")

    rnd = random.Random(20251103)
    t0 = time.perf_counter()
    start = date(2025, 1, 2)
    cases, plans = [], []
    for i in range(CASES):
        kind = "disclosure" if i % 3 else "complaint"
        received = start + timedelta(days=rnd.randrange(300))
        no = f"{codes.PREFIX[kind]}-2025-{i:08d}"
        cases.append(
            Case(
                kind=kind,
                tracking_no=no,
                query_digest="0" * 64,
                zone=zone,
                department=depts[i % 10],
                rules=rules[kind],
                channel="online" if kind == "disclosure" else "hotline",
                received_on=received,
                anonymous=i % 100 != 0,
                person=person if i % 100 == 0 else None,
                subject=f"事项 {i}",
                content="内容",
            )
        )
        plans.append((kind, received, rnd.random()))
    Case.objects.bulk_create(cases, batch_size=5000)
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    events = []
    for case_id, (kind, received, r) in zip(ids, plans, strict=True):
        d = received
        events.append(CaseEvent(case_id=case_id, kind="received", on=d))
        if kind == "disclosure" and r < 0.1:
            d += timedelta(days=2)
            events.append(CaseEvent(case_id=case_id, kind="correction_requested", on=d))
            d += timedelta(days=5)
            events.append(CaseEvent(case_id=case_id, kind="corrected", on=d))
        if r < 0.8:
            d += timedelta(days=1)
            events.append(CaseEvent(case_id=case_id, kind="accepted", on=d))
            if kind == "disclosure" and 0.1 <= r < 0.15:
                events.append(
                    CaseEvent(
                        case_id=case_id, kind="consultation_started", on=d + timedelta(days=3)
                    )
                )
                d += timedelta(days=10)
                events.append(CaseEvent(case_id=case_id, kind="consultation_ended", on=d))
            if 0.15 <= r < 0.2:
                d += timedelta(days=10)
                events.append(
                    CaseEvent(
                        case_id=case_id,
                        kind="extended",
                        on=d,
                        days=10 if kind == "disclosure" else 30,
                        period="reply" if kind == "disclosure" else "handle",
                    )
                )
            if r < 0.6:
                d += timedelta(days=rnd.randrange(5, 40))
                if d <= TODAY:
                    events.append(CaseEvent(case_id=case_id, kind="replied", on=d))
    CaseEvent.objects.bulk_create(events, batch_size=10000)
    t_create = time.perf_counter() - t0

    t0 = time.perf_counter()
    first = refresh(TODAY)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = refresh(TODAY)
    t_again = time.perf_counter() - t0
    t0 = time.perf_counter()
    nextday = refresh(TODAY + timedelta(days=1))
    t_nextday = time.perf_counter() - t0

    def page(f: RegisterFilter, repeat: int = 5):
        register_page(office, f, TODAY)  # warm
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                p = register_page(office, f, TODAY)
                times.append(time.perf_counter() - t)
        return statistics.median(times), p.count, len(ctx)

    pages = {
        "newest first": page(RegisterFilter()),
        "overdue only": page(RegisterFilter(overdue=True)),
        "soonest due first": page(RegisterFilter(order="due", state="open")),
        "phone search": page(RegisterFilter(q="138 0013 8000")),
    }

    # The register page as a user opens it (login, scope, rendering), through the test client.
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    client.force_login(office)
    client.get("/registers/")  # warm: the session's first request writes its timestamps
    html_times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = client.get("/registers/?overdue=1")
            html_times.append(time.perf_counter() - t)
        assert r.status_code == 200
    html_page = (statistics.median(html_times), len(ctx))

    print(
        f"Fazhi registers benchmark — SQLite, {CASES:,} cases, {len(events):,} events, as of {TODAY}"
    )
    print(f"create (bulk_create)               {t_create * 1000:9.0f} ms")
    print(
        f"refresh, first run                 {t_first * 1000:9.0f} ms  ({first.changed:,} rows written, {first.overdue:,} overdue, {first.errors} errors)"
    )
    print(
        f"refresh, repeat (nothing changed)  {t_again * 1000:9.0f} ms  ({again.changed} rows written)"
    )
    print(
        f"refresh, next day                  {t_nextday * 1000:9.0f} ms  ({nextday.changed:,} rows written)"
    )
    print(f"  per case (first run)             {t_first / CASES * 1e6:9.1f} µs")
    for name, (t, count, queries) in pages.items():
        print(
            f"register first page, {name:<15}{t * 1000:8.1f} ms  (of {count:,}; {queries} queries)"
        )
    print(
        f"register page /registers/?overdue=1 {html_page[0] * 1000:7.1f} ms  ({html_page[1]} queries, rendered HTML)"
    )


if __name__ == "__main__":
    main()
