"""The province data generator (bench/province.py) builds what it says, deterministically,
with deadlines from the engine and an audit chain that verifies."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import province

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[1] / "bench" / "province.py"


def _generated(data_dir: Path) -> list[tuple]:
    """Run the command into a fresh SQLite data folder; the cases it made."""
    env = {**os.environ, "FAZHI_DATA_DIR": str(data_dir)}
    env.pop("FAZHI_DATABASE_URL", None)
    args = [
        "generate",
        "--zones",
        "2",
        "--cities",
        "1",
        "--cases",
        "60",
        "--audit",
        "500",
        "--today",
        "2026-06-30",
    ]
    r = subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert "cases 60" in r.stdout and "z000-office" in r.stdout
    with sqlite3.connect(data_dir / "fazhi.sqlite3") as db:
        return db.execute(
            "SELECT tracking_no, state, received_on, next_due, overdue FROM registers_case"
            " ORDER BY tracking_no"
        ).fetchall()


def _indexes_and_constraints(*models) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        return {
            m._meta.db_table: connection.introspection.get_constraints(cur, m._meta.db_table)
            for m in models
        }


def test_small_province(settings, tmp_path):
    from fazhi.assessments.models import Assessment, Evidence
    from fazhi.audit.models import AuditEntry
    from fazhi.audit.services import verify
    from fazhi.orgs.models import Org, User
    from fazhi.registers.models import Case, CaseEvent
    from fazhi.workplan.models import Plan, ProgressReport

    today = date(2026, 6, 30)
    settings.FAZHI_TODAY = today
    settings.FAZHI_AUDIT_CHECKPOINT = str(tmp_path / "checkpoint.json")
    schema = _indexes_and_constraints(Case, CaseEvent, AuditEntry)
    counts = province.generate(zones=3, cities=2, cases=300, audit=3000, seed=7, today=today)
    # the bulk load dropped them (on PostgreSQL) and built every one again
    assert _indexes_and_constraints(Case, CaseEvent, AuditEntry) == schema
    assert Org.objects.filter(kind="zone").count() == 3
    assert Org.objects.filter(kind="department").count() == 30
    assert User.objects.filter(username="z002-office").exists()
    assert Assessment.objects.count() == 9 and Plan.objects.count() == 9
    assert Evidence.objects.count() == 45 and ProgressReport.objects.exists()
    from fazhi.review.models import Campaign
    from fazhi.review.panel import ranking

    assert len(ranking(Campaign.objects.get(code="sc-2026"))) == 3
    assert counts["cases"] == Case.objects.count() == 300
    assert CaseEvent.objects.filter(kind="received").count() == 300
    # the engine dated the cases: every open one has a due date, the same a refresh gives
    open_cases = Case.objects.exclude(state="closed")
    assert open_cases.exists() and not open_cases.filter(next_due=None).exists()
    from fazhi.registers.refresh import refresh

    assert refresh(today=today).changed == 0
    assert (
        Case.objects.filter(state="closed", reply_due__isnull=False).count()
        == Case.objects.filter(state="closed").count()
    )
    assert AuditEntry.objects.count() == counts["audit"] == 3000
    assert verify() == (3000, None, "")


def test_the_same_seed_builds_the_same_data(tmp_path):
    first = _generated(tmp_path / "a")
    assert len(first) == 60 and {state for _, state, *_ in first} > {"closed"}
    assert _generated(tmp_path / "b") == first


def test_refuses_a_database_in_use(users):
    with pytest.raises(SystemExit, match="数据库不是空的"):
        province.generate(zones=1, cities=1, cases=10, audit=10)


def test_verify_in_parallel_answers_as_one_walk(tmp_path):
    """`fazhi audit verify --workers 2` checks stretches in two processes: intact, and with an
    entry changed in the middle (by someone who dropped the append-only trigger), it says what
    one walk says."""
    _generated(tmp_path)
    env = {**os.environ, "FAZHI_DATA_DIR": str(tmp_path)}
    env.pop("FAZHI_DATABASE_URL", None)
    fazhi = str(Path(sys.executable).with_name("fazhi"))

    def verify(workers: int) -> subprocess.CompletedProcess:
        return subprocess.run(
            [fazhi, "audit", "verify", "--workers", str(workers)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    one, two = verify(1), verify(2)
    assert one.returncode == two.returncode == 0 and "已校验 500 条" in two.stdout
    assert one.stdout == two.stdout
    with sqlite3.connect(tmp_path / "fazhi.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET actor_name = 'x' WHERE id = 321")
    one, two = verify(1), verify(2)
    assert one.returncode == two.returncode == 1
    assert "第 321 条记录" in two.stderr and "此前 320 条完好" in two.stderr
    assert one.stderr == two.stderr
    assert verify(0).returncode != 0


def test_page_queries_do_not_grow_with_the_province(tmp_path):
    """Every page of the load test's mix runs as many queries on a province four times larger
    (zones, cases, audit entries), as bench/province_pages.py counts them."""
    pages = BENCH.with_name("province_pages.py")

    def counts(folder: str, zones: int, cases: int, audit: int) -> dict[str, int]:
        env = {**os.environ, "FAZHI_DATA_DIR": str(tmp_path / folder)}
        env.pop("FAZHI_DATABASE_URL", None)
        size = [
            "--zones",
            str(zones),
            "--cities",
            "2",
            "--cases",
            str(cases),
            "--audit",
            str(audit),
        ]
        run = [sys.executable, str(BENCH), "generate", *size, "--today", "2026-06-30"]
        assert subprocess.run(run, capture_output=True, env=env, timeout=300).returncode == 0
        r = subprocess.run(
            [sys.executable, str(pages), "--year", "2026", "--queries"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    small = counts("small", zones=2, cases=100, audit=300)
    large = counts("large", zones=8, cases=1600, audit=1200)
    assert set(small) >= {"province ranking", "scoring page", "register", "office home"}
    assert all(n > 0 for n in small.values())
    assert large == small
