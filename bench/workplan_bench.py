"""Benchmark of the work plan at 1,000 tasks on the embedded default (SQLite).

Prints the time of `fazhi tick` (first run, which sends the reminders, and a repeat
run, which must send none), of the backward-schedule export, and of the plan page.
Run: python bench/workplan_bench.py  (or `make bench`).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS = int(os.environ.get("BENCH_TASKS", "1000"))
TODAY = date(2025, 11, 3)


def main() -> None:
    os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-wp-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.frameworks.services import load_file
    from fazhi.orgs.services import add_org, add_user
    from fazhi.workdays.services import import_years
    from fazhi.workplan.exports import write_schedule_xlsx
    from fazhi.workplan.models import Task
    from fazhi.workplan.services import create_plan, load_template
    from fazhi.workplan.supervision import tick

    call_command("migrate", verbosity=0)
    import_years([2025, 2026])
    load_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")
    load_template(ROOT / "plans" / "zy-gxq-sti-law-2020.yaml")
    add_org("sc", "四川省", "province")
    add_org("zy", "资阳高新区", "zone", "sc")
    depts = [add_org(f"zy-d{i}", f"部门{i}", "department", "zy") for i in range(10)]
    office = add_user("office", "Bench-Passw0rd!", "office", "zy", must_change=False)
    for d in depts:
        add_user(f"u-{d.code}", "Bench-Passw0rd!", "department", d.code, must_change=False)
    plan = create_plan(office, "zy", "zy-gxq-sti-law-2020", 2025, report_day=25)
    parent = plan.tasks.get(number="一.1")
    start = date(2025, 9, 1)
    Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                parent=parent,
                number=f"一.1.{i}",
                title=f"分解任务 {i}",
                position=100 + i,
                lead_org=depts[i % 10],
                start_date=start,
                due_date=start + timedelta(days=20 + i % 120),
                due_in_force=start + timedelta(days=20 + i % 120),
                progress=(i * 7) % 100,
            )
            for i in range(1, TASKS + 1)
        ]
    )

    t0 = time.perf_counter()
    first = tick(TODAY)
    t_first = time.perf_counter() - t0
    repeats = []
    for _ in range(5):
        t0 = time.perf_counter()
        again = tick(TODAY)
        repeats.append(time.perf_counter() - t0)
        assert again.reminders == 0

    exports = []
    for _ in range(5):
        buf = io.BytesIO()
        t0 = time.perf_counter()
        write_schedule_xlsx(buf, plan, TODAY)
        exports.append(time.perf_counter() - t0)

    client = Client(SERVER_NAME="localhost")
    client.force_login(office)
    client.get(f"/plans/{plan.pk}/")
    pages = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = client.get(f"/plans/{plan.pk}/")
            pages.append(time.perf_counter() - t0)
        assert r.status_code == 200

    n = first.tasks
    print(f"Fazhi work-plan benchmark — SQLite, {n} task units, as of {TODAY}")
    print(
        f"fazhi tick, first run          {t_first * 1000:8.0f} ms  ({first.reminders} reminders; lights {first.lights})"
    )
    print(
        f"fazhi tick, repeat (median)    {statistics.median(repeats) * 1000:8.0f} ms  (0 reminders: idempotent)"
    )
    print(
        f"backward schedule xlsx (median){statistics.median(exports) * 1000:8.0f} ms  ({len(buf.getvalue()) // 1024} KB)"
    )
    print(
        f"plan page (median)             {statistics.median(pages) * 1000:8.0f} ms  ({len(ctx)} queries)"
    )


if __name__ == "__main__":
    main()
