"""The registers beside the scoring items: one box, one evidence file and one API for every
register (fazhi.assessments.sources), whatever the register."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fazhi.assessments import sources
from fazhi.core.summary import Figure, Proposal, Summary
from fazhi.registers.rules import load_shipped

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def reg(workcalendar, users, settings):
    settings.FAZHI_TODAY = date(2025, 3, 10)
    load_shipped(ROOT / "rules")
    return users


def _counsel(zone, year, as_of):
    """A register as another app would declare it: two records, one missing, a proposal."""
    return Summary(
        title="法律顾问",
        figures=(Figure("出具法律意见", 2, "件"), Figure("审查率", 0.5, "%")),
        headers=("顾问", "日期"),
        rows=(("王律师", date(2025, 2, 1)), ("=cmd|' /C calc'!A0", date(2025, 3, 1))),
        missing=("2025 年度未签订法律顾问合同",),
        proposal=Proposal(Decimal("1.5"), "每出具 1 件意见计 0.75 分，最高 2 分"),
        note=f"{zone.name} {year} 截至 {as_of}",
    )


@pytest.fixture
def counsel(monkeypatch):
    monkeypatch.setitem(
        sources._SOURCES,
        "counsel-test",
        sources.Source("counsel-test", "法律顾问", frozenset({"3"}), _counsel),
    )


def test_box_shows_figures_missing_and_proposal_only_to_whom_it_may(
    reg, counsel, login, assessment
):
    page = login("office").get(f"/assessments/{assessment.pk}/").content.decode()
    box = page[page.index('id="source-3-counsel-test"') :]
    box = box[: box.index("</div>")]
    assert "出具法律意见</dt><dd>2 件" in box and "50.0%" in box
    assert "2025 年度未签订法律顾问合同" in box
    assert "按台账建议：<strong>1.5</strong>" in box and 'data-adopt="score-3"' in box
    assert "生成法律顾问统计并作为佐证材料" in box
    leader = login("leader").get(f"/assessments/{assessment.pk}/").content.decode()
    box = leader[leader.index('id="source-3-counsel-test"') :]
    box = box[: box.index("</div>")]
    assert "1.5" in box and "data-adopt" not in box and "<form" not in box


def test_attach_writes_the_stamped_file_and_the_audit_entry(reg, counsel, login, assessment):
    from fazhi.assessments.evidence import open_blob
    from fazhi.assessments.models import Evidence
    from fazhi.audit.models import AuditEntry

    r = login("office").post(f"/assessments/{assessment.pk}/results/3/sources/counsel-test/")
    assert r.status_code == 302
    item = Evidence.objects.get(result__indicator__code="3")
    assert item.name == f"{assessment.zone.name}2025年度台账统计（法律顾问）截至2025-03-10.xlsx"
    with open_blob(item.blob) as f:
        wb = load_workbook(io.BytesIO(f.read()))
    stats = {row[0]: row[1] for row in wb["统计"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert (
        stats["出具法律意见（件）"] == 2 and stats["审查率"] == 0.5 and stats["建议自评分"] == 1.5
    )
    assert "2025 年度未签订法律顾问合同" in stats
    records = list(wb["记录"].iter_rows(min_row=2, values_only=True))
    # a cell that would run as a formula is escaped
    assert records == [("王律师", "2025-02-01"), ("'=cmd|' /C calc'!A0", "2025-03-01")]
    after = json.loads(AuditEntry.objects.get(action="evidence.summary.attach").after)
    assert after["figures"] == {"出具法律意见": "2 件", "审查率": "50.0%"}
    assert after["proposal"] == "1.5" and after["source"] == "counsel-test"


def test_readers_download_the_summary_without_attaching_it(reg, counsel, login, assessment):
    from fazhi.assessments.models import Evidence

    url = f"/assessments/{assessment.pk}/results/3/sources/counsel-test.xlsx"
    for reader in ("office", "leader", "city"):
        r = login(reader).get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
        wb = load_workbook(io.BytesIO(r.content))
        assert wb["统计"]["A1"].value.endswith("年度法律顾问台账统计")
    assert login("office2").get(url).status_code == 404
    assert login("office").get(url.replace("/3/", "/8/")).status_code == 404
    assert not Evidence.objects.exists()
    page = login("leader").get(f"/assessments/{assessment.pk}/").content.decode()
    assert f'href="{url}"' in page


def test_api_lists_and_attaches(reg, counsel, api, assessment):
    office = api("office")
    r = office.get(f"/assessments/{assessment.pk}/items/3/sources")
    assert r.status_code == 200, r.content
    rows = {row["key"]: row for row in r.json()}
    assert set(rows) == {"counsel", "counsel-test"}  # the real register and the test's
    row = rows["counsel-test"]
    assert row["records"] == 2
    assert row["proposal"] == {
        "value": "1.5",
        "field": "self_score",
        "rule": "每出具 1 件意见计 0.75 分，最高 2 分",
    }
    assert office.get(f"/assessments/{assessment.pk}/items/17/sources").json() == []
    assert office.get(f"/assessments/{assessment.pk}/items/99/sources").status_code == 404
    r = office.post(f"/assessments/{assessment.pk}/items/3/sources/counsel-test")
    assert r.status_code == 201 and r.json()["source"] == "counsel-test"
    # a source backs only its items; an unknown source is not found; dates cannot be chosen
    assert (
        office.post(f"/assessments/{assessment.pk}/items/8/sources/counsel-test").status_code == 404
    )
    assert office.post(f"/assessments/{assessment.pk}/items/3/sources/nothing").status_code == 404
    r = office.post(f"/assessments/{assessment.pk}/items/3/sources/counsel-test?as_of=2025-01-01")
    assert r.status_code == 422 and r.json()["field"] == "as_of"
    r = office.post(f"/assessments/{assessment.pk}/items/3/sources/counsel-test?as_of=x")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["detail"]
    assert (
        api("leader").post(f"/assessments/{assessment.pk}/items/3/sources/counsel-test").status_code
        == 403
    )


def test_a_source_that_cannot_count_says_why_and_writes_nothing(
    reg, monkeypatch, login, assessment
):
    from fazhi.assessments.models import Evidence
    from fazhi.core.errors import RuleError

    def broken(zone, year, as_of):
        raise RuleError("calendar", "2025 年节假日安排未录入")

    monkeypatch.setitem(
        sources._SOURCES, "broken", sources.Source("broken", "坏台账", frozenset({"3"}), broken)
    )
    office = login("office")
    page = office.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "统计无法计算：2025 年节假日安排未录入" in page
    r = office.post(f"/assessments/{assessment.pk}/results/3/sources/broken/", follow=True)
    assert "未能生成台账统计：2025 年节假日安排未录入" in r.content.decode()
    assert not Evidence.objects.exists()


def test_registers_declare_their_items():
    keys = {s.key: s.codes for s in sources.all_sources()}
    assert keys["disclosure"] == {"8"} and keys["complaints"] == {"11", "12"}


def test_task_page_shows_the_registers_of_its_items(reg, counsel, plan, login):
    from fazhi.frameworks.models import Indicator

    task = plan.tasks.filter(parent=None).order_by("position").first()
    task.indicators.set(
        Indicator.objects.filter(code__in=["3", "8"], framework__code="sc-sti-law-zone-2019")
    )
    page = login("office").get(f"/tasks/{task.pk}/").content.decode()
    box = page[page.index('id="registers"') :]
    box = box[: box.index("</section>")]
    assert "相关台账（2025 年度）" in box and "法律顾问" in box and "依申请公开" in box
    assert "2025 年度未签订法律顾问合同" in box and "<form" not in box
    task.indicators.clear()
    assert 'id="registers"' not in login("office").get(f"/tasks/{task.pk}/").content.decode()


def test_a_departments_assessment_shows_no_zone_register(reg, counsel, login, framework):
    """A department's annual sheet numbers the same table's items, but the zone's registers
    are not its figures."""
    from fazhi.assessments.annual import create_department_assessments

    made, _ = create_department_assessments(
        reg["office"], framework.code, None, 2025, ["zy-gxq-kjj"]
    )
    r = login("office").get(f"/assessments/{made[0].pk}/")
    page = r.content.decode()
    assert r.status_code == 200 and 'id="item-3"' in page and 'id="source-' not in page
    r = login("office").post(f"/assessments/{made[0].pk}/results/3/sources/counsel-test/")
    assert r.status_code == 404


def test_the_scoring_page_shows_every_register_beside_its_items(reg, login, assessment):
    """Every register declared by the apps, on the real page, in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_register_pages import new_case

    new_case(reg)  # with no case at all, the events are not even asked for
    office = login("office")
    office.get(f"/assessments/{assessment.pk}/")  # warm: caches of the table and calendar
    with CaptureQueriesContext(connection) as ctx:
        r = office.get(f"/assessments/{assessment.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    for s in sources.all_sources():
        for code in s.codes:
            assert f'id="source-{code}-{s.key}"' in html, (s.key, code)
    assert "统计无法计算" not in html
    few = len(ctx)
    for n in range(5):
        new_case(reg, received=f"2025-02-0{n + 3}")
    with CaptureQueriesContext(connection) as ctx:
        office.get(f"/assessments/{assessment.pk}/")
    assert len(ctx) == few
