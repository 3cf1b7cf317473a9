"""Benchmark of the departments' annual assessment (部门年度考核).

A generated department table (100 common items, some with rules, and one `choose: one`
group of 31 blocks of 15 items: 115 items per department) and a zone with 31
departments. Prints the median and p95 of creating all 31 assessments at once (rolled
back each time) and of the ranking page and API with every sheet filled, with their
queries. Run: `python bench/annual_bench.py` (SQLite in a temporary data folder; set
FAZHI_DATABASE_URL to an empty PostgreSQL database for PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

DEPARTMENTS = 31
COMMON, PER_BLOCK = 100, 15
RUNS = int(os.environ.get("BENCH_RUNS", "10"))
PASSWORD = "Bench-Passw0rd!"


def table_yaml() -> str:
    lines = [
        "code: bench-dept",
        "title: 部门年度考核（基准测试）",
        "version: 1",
        "grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}]",
        "indicators:",
        "  - code: 共性",
        "    title: 共性指标",
        "    children:",
    ]
    rules = [
        "rule: {per_shortfall: 0.5}",
        "rule: {tiers: [[95, 0.4], [90, 0.2]], unit: '%'}",
        "rule: {proportional: true}",
        "optional: true",
        "min_points: -0.5",
    ]
    for i in range(COMMON):
        extra = rules[i % len(rules)] if i % 2 else ""
        lines.append(f"      - {{code: c{i}, title: 共性指标{i}, kind: scored, max_points: 0.4}}")
        if extra:
            lines[-1] = lines[-1][:-1] + f", {extra}}}"
    lines += ["  - code: 个性", "    title: 个性指标", "    choose: one", "    children:"]
    for d in range(DEPARTMENTS):
        lines += [f"      - code: b{d}", f"        title: 部门{d}", f"        org: d{d}"]
        lines.append("        children:")
        for i in range(PER_BLOCK):
            lines.append(
                f"          - {{code: b{d}-{i}, title: 个性指标{i}, kind: scored, max_points: 4}}"
            )
    return "\n".join(lines) + "\n"


def summary(name: str, samples: list[tuple[float, float]], queries) -> str:
    """Wall time, and this process's CPU time (on SQLite, everything but the disk: what
    the wall time would be on an idle machine; the benchmark machine is often shared)."""
    ms = sorted(wall * 1000 for wall, _ in samples)
    cpu = statistics.median(c * 1000 for _, c in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"{name:<34} median {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms"
        f"   cpu {cpu:8.2f} ms   n={len(ms):<3} queries {queries}"
    )


class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.sample = (time.perf_counter() - self.wall, time.process_time() - self.cpu)


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fazhi-annual-bench-"))
    os.environ["FAZHI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.assessments.annual import create_department_assessments
    from fazhi.assessments.models import Result
    from fazhi.frameworks.schema import parse_framework
    from fazhi.frameworks.services import load_parsed
    from fazhi.orgs.services import add_org, add_user

    call_command("migrate", verbosity=0)
    text = table_yaml()
    parsed = parse_framework(text, "bench-dept.yaml")
    assert parsed.ok, parsed.errors[:3]
    framework, _ = load_parsed(parsed, text)
    add_org("zone", "基准高新区", "zone")
    for d in range(DEPARTMENTS):
        add_org(f"d{d}", f"部门{d}", "department", "zone")
    office = add_user("office", PASSWORD, "office", "zone", must_change=False)

    creates, queries = [], 0
    for _ in range(RUNS):
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as ctx, Clock() as clock:
                    made, _ = create_department_assessments(office, framework.code, None, 2025)
                creates.append(clock.sample)
                queries = len(ctx)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    made, _ = create_department_assessments(office, framework.code, None, 2025)
    results = Result.objects.filter(assessment__in=made).select_related("indicator")
    for n, r in enumerate(results):
        r.self_score = r.indicator.max_points if r.indicator.rule is None else None
        r.count = n % 3 if r.indicator.rule and "per_shortfall" in r.indicator.rule else None
        r.value = 92 if r.indicator.rule and "per_shortfall" not in r.indicator.rule else None
    Result.objects.bulk_update(results, ["self_score", "count", "value"], batch_size=1000)
    per_sheet = Result.objects.filter(assessment=made[0]).count()

    client = Client()
    client.force_login(office)
    page = f"/assessments/departments/?framework={framework.code}&year=2025"
    api = f"/api/v1/assessments/ranking?framework={framework.code}&year=2025"
    from fazhi.orgs.models import ApiToken

    headers = {"Authorization": f"Bearer {ApiToken.issue(office)}"}
    client.get(page)  # warm the table's tree cache, as a running server would be
    timings = {}
    for name, url, extra in (("ranking page", page, {}), ("ranking API", api, headers)):
        samples = []
        for _ in range(RUNS * 3):
            with CaptureQueriesContext(connection) as ctx, Clock() as clock:
                r = client.get(url, headers=extra)
            samples.append(clock.sample)
            assert r.status_code == 200, r.status_code
        timings[name] = (samples, len(ctx))

    print(
        f"{connection.vendor}: table of {len(list(parsed.indicators[0].children)) + PER_BLOCK} items"
        f" per department ({per_sheet} results each), {DEPARTMENTS} departments"
    )
    print(summary(f"create all {DEPARTMENTS} assessments", creates, queries))
    for name, (samples, n) in timings.items():
        print(summary(name, samples, n))


if __name__ == "__main__":
    main()
