"""Benchmark of the decision-making registers on the embedded default (SQLite).

Creates 10,000 normative documents and 2,000 major decisions in one zone (bulk_create, in a
temporary database), then times, as the zone's office through the test client (login, scope,
rendering): the register pages /documents/ and /decisions/ (first page, a filter), and the
yearly figures of items 6, 7 and 3 (the Sources' summarise, as the scoring page calls them).
Median of 5 runs after a warm-up: wall time, and the CPU time of this process (SQLite runs
in-process, so CPU time is what the request costs when the machine is shared). Run: python bench/decisions_bench.py
(BENCH_DOCUMENTS=… BENCH_DECISIONS=… to change the sizes).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "10000"))
DECISIONS = int(os.environ.get("BENCH_DECISIONS", "2000"))
TODAY = date(2026, 6, 30)


def timed(fn, repeat: int = 5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t, c = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), len(ctx)


def main() -> None:
    os.environ["FAZHI_DATA_DIR"] = tempfile.mkdtemp(prefix="fazhi-dec-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from fazhi.assessments.sources import summarise
    from fazhi.core import decision_steps as ds
    from fazhi.decisions.models import DecisionCatalogue, MajorDecision, NormativeDocument
    from fazhi.orgs.services import add_org, add_user
    from fazhi.workdays.services import import_years

    call_command("migrate", verbosity=0)
    import_years([2024, 2025, 2026])
    add_org("sc", "四川省", "province")
    zone = add_org("zy", "资阳高新区", "zone", "sc")
    depts = [add_org(f"zy-d{i}", f"部门{i}", "department", "zy") for i in range(10)]
    office = add_user("office", "Bench-Passw0rd!", "office", "zy", must_change=False)

    t0 = time.perf_counter()
    docs = []
    for i in range(DOCUMENTS):
        year = 2020 + i % 7
        published = date(year, 1, 1) + timedelta(days=i % 360)
        state = ("accepted", "published", "filed", "abolished", "expired")[i % 5]
        docs.append(
            NormativeDocument(
                zone=zone,
                department=depts[i % 10],
                title=f"规范性文件 {i}",
                drafted_on=published - timedelta(days=60),
                state=state,
                reviewed=i % 13 != 0,
                year=year,
                number=i // 7 + 1,
                doc_no=f"资高新规〔{year}〕{i // 7 + 1}号",
                published_on=published,
                filing_due=published + timedelta(days=30),
                filed_on=None if state == "published" else published + timedelta(days=10 + i % 30),
                valid_until=published + timedelta(days=5 * 365),
            )
        )
    NormativeDocument.objects.bulk_create(docs, batch_size=2000)
    cats = {
        y: DecisionCatalogue.objects.create(
            zone=zone, year=y, adopted_on=date(y, 1, 10), published_on=date(y, 1, 15)
        )
        for y in range(2020, 2027)
    }
    decisions = []
    full = [ds.LAUNCH, ds.EXPERT, ds.LEGALITY_SENT, ds.LEGALITY, ds.COLLECTIVE, ds.PUBLISH]
    for i in range(DECISIONS):
        year = 2020 + i % 7
        done = full[: 1 + i % len(full)]
        decisions.append(
            MajorDecision(
                zone=zone,
                catalogue=cats[year],
                department=depts[i % 10],
                title=f"重大行政决策 {i}",
                applicable=[ds.EXPERT],
                done=done,
                state=ds.state_of(frozenset(done)),
                launched_on=date(year, 2, 1) + timedelta(days=i % 300),
                review_due=date(year, 3, 1) + timedelta(days=i % 300),
            )
        )
    MajorDecision.objects.bulk_create(decisions, batch_size=2000)
    t_create = time.perf_counter() - t0

    client = Client(SERVER_NAME="localhost")
    client.force_login(office)

    def page(path):
        def run():
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)

        return run

    rows = {
        "/documents/": page("/documents/"),
        "/documents/?validity=valid": page("/documents/?validity=valid"),
        "/documents/?overdue=1": page("/documents/?overdue=1"),
        "/documents/figures/?year=2025": page("/documents/figures/?year=2025"),
        "/decisions/": page("/decisions/"),
        "/decisions/?overdue=1": page("/decisions/?overdue=1"),
        "/public/documents/zy/ (portal, 10k)": page("/public/documents/zy/"),
        "figures item 6 (documents 2025)": lambda: summarise(
            "normative-documents", zone, 2025, TODAY
        ),
        "figures item 7 (decisions 2025)": lambda: summarise("decisions", zone, 2025, TODAY),
        "figures item 3 (counsel 2025)": lambda: summarise("counsel", zone, 2025, TODAY),
    }
    print(
        f"Fazhi decision-making registers benchmark — SQLite, {DOCUMENTS:,} normative documents, "
        f"{DECISIONS:,} major decisions in one zone (created in {t_create * 1000:.0f} ms)"
    )
    for name, fn in rows.items():
        t, c, queries = timed(fn)
        print(f"{name:<40}{t * 1000:8.1f} ms wall {c * 1000:8.1f} ms CPU  ({queries} queries)")


if __name__ == "__main__":
    main()
