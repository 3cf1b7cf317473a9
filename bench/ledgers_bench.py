"""Benchmark of the ledgers (issue 14) on the embedded default (SQLite), or PostgreSQL when
FAZHI_DATABASE_URL is set.

One zone with 2,000 科技计划项目 (events and funds), 300 activities a year for 5 years, 40
target indicators with monthly figures, 200 policies and 100 awards. Times, as the office
(median of 7 runs after a warm-up, wall and CPU, with the query count):
  * each register page: /targets/, /activities/, /awards/, /projects/, /policies/;
  * every ledger source's summarise() for the year, i.e. the figures the scoring page puts
    beside items 1, 2, 4, 5, 9, 10, 13, 14, 15 and 16;
  * the WHOLE scoring page: the zone's self-assessment of the year on the seed table
    (frameworks/sc-sti-law-zone-2019.yaml), with every register's box beside its items.
Run: python bench/ledgers_bench.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TODAY = date(2026, 11, 30)
YEAR = 2026
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    os.environ.setdefault("FAZHI_DATA_DIR", tempfile.mkdtemp(prefix="fazhi-ledgers-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.assessments.services import create_assessment
    from fazhi.assessments.sources import all_sources
    from fazhi.core import targets as target_rules
    from fazhi.frameworks.services import load_file
    from fazhi.ledgers.models import (
        Activity,
        Award,
        Benefit,
        Measure,
        Policy,
        Project,
        ProjectBudgetLine,
        ProjectEvent,
        ProjectExpert,
        ProjectFunds,
        ProjectIndicator,
        Target,
        TargetReport,
    )
    from fazhi.orgs.services import add_org, add_user
    from fazhi.registers.rules import load_shipped
    from fazhi.workdays.services import import_years

    call_command("migrate", verbosity=0)
    import_years([2022, 2023, 2024, 2025, 2026])
    settings.FAZHI_TODAY = TODAY.isoformat()  # the registers' today: the data's year
    framework = load_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")[0]
    load_shipped(ROOT / "rules")
    add_org("sc", "四川省", "province")
    zone = add_org("zy", "资阳高新区", "zone", "sc")
    depts = [add_org(f"zy-d{i}", f"部门{i}", "department", "zy") for i in range(10)]
    office = add_user("office", "Bench-Passw0rd!", "office", "zy", must_change=False)

    t0 = time.perf_counter()
    targets = Target.objects.bulk_create(
        Target(
            zone=zone,
            year=YEAR,
            indicator=f"指标{i}",
            unit="项",
            target=Decimal(100),
            weight=Decimal("2.5"),
            department=depts[i % 10],
            frequency="monthly",
        )
        for i in range(40)
    )
    TargetReport.objects.bulk_create(
        TargetReport(
            target=t,
            period=p.key,
            period_end=p.end,
            value=Decimal(8 * m),
            reported_on=p.end,
        )
        for t in targets
        for m, p in enumerate(target_rules.due_periods(YEAR, "monthly", TODAY), start=1)
    )
    Activity.objects.bulk_create(
        Activity(
            zone=zone,
            kind=("plan", "research", "study", "new_staff", "training", "publicity")[i % 6],
            status="held",
            held_on=date(y, 1, 1) + timedelta(days=i % 330),
            subject=f"活动{y}-{i}",
            organiser=depts[i % 10],
            attendee_count=20,
        )
        for y in range(YEAR - 4, YEAR + 1)
        for i in range(300)
    )
    Award.objects.bulk_create(
        Award(
            zone=zone,
            kind=("award", "instruction", "practice")[i % 3],
            level=("national", "provincial", "city")[i % 3],
            title=f"表彰{i}",
            issuer="省厅",
            on=date(YEAR, 1, 1) + timedelta(days=i * 3),
            where="全国",
        )
        for i in range(100)
    )
    projects = Project.objects.bulk_create(
        Project(
            zone=zone,
            title=f"项目{i}",
            applicant=f"公司{i}",
            applicant_code="91510100MA61234567",
            department=depts[i % 10],
            applied_on=date(YEAR, 1, 1) + timedelta(days=i % 300),
            stage=("applied", "executing", "accepted", "evaluated")[i % 4],
            budget=Decimal(100),
            paid=Decimal(60),
            spent=Decimal(40),
            due_on=date(YEAR, 6, 30) if i % 4 == 1 else None,
            last_event_on=date(YEAR, 1, 1),
        )
        for i in range(2000)
    )
    ProjectEvent.objects.bulk_create(
        ProjectEvent(project=p, kind=k, on=date(YEAR, 2, 1))
        for p in projects
        for k in ("apply", "screen", "review", "approve")
    )
    ProjectFunds.objects.bulk_create(
        ProjectFunds(project=p, kind=k, on=date(YEAR, 3, 1), amount=Decimal(30))
        for p in projects
        for k in ("paid", "paid", "spent")
    )
    ProjectExpert.objects.bulk_create(
        ProjectExpert(project=p, name=f"专家{e}", unit="大学", score=Decimal(80))
        for p in projects
        for e in range(5)
    )
    evaluated = [p for p in projects if p.stage == "evaluated"]
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(project=p, name=n, unit="件", planned=Decimal(2), achieved=Decimal(1))
        for p in evaluated
        for n in ("专利", "论文")
    )
    ProjectBudgetLine.objects.bulk_create(
        ProjectBudgetLine(project=p, line=n, budgeted=Decimal(50), spent=Decimal(20))
        for p in evaluated
        for n in ("设备费", "材料费")
    )
    pols = Policy.objects.bulk_create(
        Policy(
            zone=zone,
            title=f"政策{i}",
            level=("national", "provincial")[i % 2],
            issuer="国务院",
            issued_on=date(2025, 1, 1) + timedelta(days=i),
            measures_issued=i % 3 != 0,
            beneficiaries=3,
            benefit_total=Decimal(30),
        )
        for i in range(200)
    )
    Measure.objects.bulk_create(
        Measure(policy=p, title="细则", status="issued", issued_on=date(2025, 6, 1))
        for p in pols
        if p.measures_issued
    )
    Benefit.objects.bulk_create(
        Benefit(policy=p, enterprise="甲", amount=Decimal(10), on=date(2025, 7, 1))
        for p in pols
        for _ in range(3)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    print(f"load (bulk_create)                {(time.perf_counter() - t0) * 1000:8.0f} ms")

    client = Client(SERVER_NAME="localhost")
    client.force_login(office)

    def timed(fn):
        fn()  # warm-up
        walls, cpus = [], []
        for _ in range(7):
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return statistics.median(walls), max(walls), statistics.median(cpus), len(ctx)

    print(f"database: {connection.vendor}; pages as the office, year {YEAR}")
    for path in (
        f"/targets/?year={YEAR}",
        f"/activities/?year={YEAR}",
        f"/awards/?year={YEAR}",
        f"/projects/?year={YEAR}",
        "/policies/",
    ):

        def get(path=path):
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)

        med, worst, cpu, q = timed(get)
        print(
            f"  {path:<28} median {med * 1000:6.1f} ms  max {worst * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  {q:2d} queries"
        )

    def all_figures():
        for s in all_sources():
            s.summarise(zone, YEAR, TODAY)

    for src in all_sources():
        med, worst, cpu, q = timed(lambda src=src: src.summarise(zone, YEAR, TODAY))
        print(
            f"  source {src.key:<21} median {med * 1000:6.1f} ms  max {worst * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  {q:2d} queries"
        )
    med, worst, cpu, q = timed(all_figures)
    names = ", ".join(s.key for s in all_sources())
    print(f"  every source's figures ({names})")
    print(
        f"  {'':<28} median {med * 1000:6.1f} ms  max {worst * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  {q:2d} queries"
    )

    assessment = create_assessment(office, "zy", framework.code, None, YEAR)
    page = f"/assessments/{assessment.pk}/"

    def scoring_page():
        r = client.get(page)
        assert r.status_code == 200, (page, r.status_code)
        missing = [s.key for s in all_sources() if f'-{s.key}"'.encode() not in r.content]
        assert not missing, f"the scoring page lacks the boxes of {missing}"

    med, worst, cpu, q = timed(scoring_page)
    print(f"  the scoring page {page} (self-assessment, every register beside its items)")
    print(
        f"  {'':<28} median {med * 1000:6.1f} ms  max {worst * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  {q:2d} queries"
    )


if __name__ == "__main__":
    main()
