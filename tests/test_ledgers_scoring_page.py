"""The scoring page with every ledger beside its items (issue 14): its query count does not
grow with the registers' data (targets and figures, activities, awards, projects with their
experts, changes and 绩效评价, policies)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.assessments import sources
from fazhi.core import targets as target_rules
from fazhi.ledgers import models as m
from fazhi.orgs.models import Org
from fazhi.registers.rules import load_shipped

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025  # the assessment fixture's year


def add_ledgers(zone: Org, dept: Org, n: int, start: int) -> None:
    """n of each kind of ledger record, numbered from `start` (the names stay unique)."""
    on = date(YEAR, 3, 1)
    targets = m.Target.objects.bulk_create(
        m.Target(
            zone=zone,
            year=YEAR,
            indicator=f"指标{start + i}",
            unit="项",
            target=Decimal(100),
            weight=Decimal(1),
            department=dept,
            frequency="monthly",
        )
        for i in range(n)
    )
    m.TargetReport.objects.bulk_create(
        m.TargetReport(
            target=t, period=p.key, period_end=p.end, value=Decimal(9), reported_on=p.end
        )
        for t in targets
        for p in target_rules.due_periods(YEAR, "monthly", date(YEAR, 6, 30))
    )
    m.Activity.objects.bulk_create(
        m.Activity(
            zone=zone,
            kind=kind,
            status="held",
            held_on=on + timedelta(days=i),
            subject=f"活动{start + i}",
            organiser=dept,
        )
        for i in range(n)
        for kind in ("plan", "research", "study", "training", "publicity")
    )
    m.Award.objects.bulk_create(
        m.Award(
            zone=zone, kind="award", level=level, title=f"表彰{start + i}", issuer="省厅", on=on
        )
        for i in range(n)
        for level in ("national", "provincial")
    )
    projects = m.Project.objects.bulk_create(
        m.Project(
            zone=zone,
            title=f"项目{start + i}",
            applicant="某公司",
            applicant_code="91510100MA61234567",
            department=dept,
            applied_on=on,
            stage=("executing", "accepted", "evaluated")[i % 3],
            budget=Decimal(100),
            paid=Decimal(60),
            spent=Decimal(40),
            due_on=date(YEAR, 12, 31),
            certificate="高新技术企业证书",
            certificate_valid_to=date(YEAR, 4, 1),
            last_event_on=on,
        )
        for i in range(n)
    )
    for p in projects:
        m.ProjectExpert.objects.create(project=p, name="专家", unit="大学", score=Decimal(80))
        m.ProjectChange.objects.create(
            project=p, kind="content", status="approved", reason="调整", requested_on=on
        )
        m.ProjectIndicator.objects.create(
            project=p, name="专利", unit="件", planned=Decimal(2), achieved=Decimal(1)
        )
        m.ProjectBudgetLine.objects.create(
            project=p, line="设备费", budgeted=Decimal(50), spent=Decimal(40)
        )
    for i in range(n):
        policy = m.Policy.objects.create(
            zone=zone,
            title=f"政策{start + i}",
            level="national",
            issuer="国务院",
            issued_on=date(YEAR - 1, 1, 1),
            measures_issued=1,
        )
        m.Measure.objects.create(policy=policy, title="细则", status="issued", issued_on=on)
        m.Benefit.objects.create(policy=policy, enterprise="甲", amount=Decimal(5), on=on)


def test_the_scoring_page_with_every_ledger_does_not_grow_with_the_data(
    workcalendar, users, login, assessment, settings
):
    settings.FAZHI_TODAY = date(YEAR, 11, 30)
    load_shipped(ROOT / "rules")
    zone, dept = assessment.zone, Org.objects.get(code="zy-gxq-kjj")
    add_ledgers(zone, dept, 1, 0)
    office = login("office")
    url = f"/assessments/{assessment.pk}/"
    office.get(url)  # warm: caches of the table and calendar

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            r = office.get(url)
        assert r.status_code == 200
        return len(ctx), r.content.decode()

    few, html = count()
    keys = {s.key for s in sources.all_sources()}
    for key in ("targets", "projects", "policies"):
        assert key in keys
    for s in sources.all_sources():
        for code in s.codes:
            assert f'id="source-{code}-{s.key}"' in html, (s.key, code)
    assert "统计无法计算" not in html
    assert "科技计划项目与资金" in html and "主体考核目标" in html
    add_ledgers(zone, dept, 12, 1)
    many, html = count()
    assert many == few
    assert "<dt>申报项目</dt><dd>13 个</dd>" in html  # the page shows the grown data
