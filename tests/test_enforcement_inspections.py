"""执法检查 (层级监督): a plan, its findings, each finding's rectification task in the work plan."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core.errors import RuleErrors
from fazhi.enforcement.inspections import add_finding, add_plan
from fazhi.enforcement.models import Finding
from fazhi.workplan.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(plan, enf):
    return add_plan(
        enf["office"], {"title": "2025 年度行政执法检查", "kind": "periodic", "year": "2025"}
    )


def test_a_finding_becomes_a_supervised_task_of_the_work_plan(inspection, plan, enf):
    parent = plan.tasks.get(number="一.1")
    finding = add_finding(
        enf["office"], inspection.pk,
        {"text": "案卷缺少送达回证", "department": "zy-gxq-kjj", "due_on": "2026-01-31", "task": "一.1"},
    )  # fmt: skip
    task = finding.task
    assert task.parent_id == parent.pk and task.number == "一.1.1"
    assert task.lead_org.code == "zy-gxq-kjj" and task.due_date == date(2026, 1, 31)
    assert "案卷缺少送达回证" in task.title and task.text == "案卷缺少送达回证"


def test_bad_findings_are_refused_all_at_once_and_nothing_written(inspection, plan, enf):
    before = Task.objects.count()
    with pytest.raises(RuleErrors) as e:
        add_finding(
            enf["office"],
            inspection.pk,
            {"text": "", "department": "x", "due_on": "2025-01-01", "task": "九.9"},
        )
    assert set(e.value.errors) == {"text", "department", "due_on", "task"}
    assert Task.objects.count() == before and not Finding.objects.exists()


def test_only_the_office_plans_and_records(plan, enf):
    with pytest.raises(PermissionDenied):
        add_plan(enf["leader"], {"title": "x", "kind": "special", "year": "2025"})
    with pytest.raises(RuleErrors) as e:
        add_plan(enf["office"], {"title": "", "kind": "x", "year": "1"})
    assert set(e.value.errors) == {"title", "kind", "year"}


def test_pages(inspection, plan, enf, login):
    c = login("office")
    html = c.get("/enforcement/inspections/").content.decode()
    assert "2025 年度行政执法检查" in html and "制定执法检查计划" in html
    r = c.post(f"/enforcement/inspections/{inspection.pk}/", {"text": "保留的问题", "task": "九.9"})
    assert r.status_code == 422 and "保留的问题" in r.content.decode()
    r = c.post(
        f"/enforcement/inspections/{inspection.pk}/",
        {
            "text": "法制审核记录不全",
            "department": "zy-gxq-kjj",
            "due_on": "2026-02-28",
            "task": "一.1",
        },
    )
    assert r.status_code == 302
    html = c.get(f"/enforcement/inspections/{inspection.pk}/").content.decode()
    assert "法制审核记录不全" in html and "一.1.1" in html
    leader = login("leader").get(f"/enforcement/inspections/{inspection.pk}/").content.decode()
    assert "法制审核记录不全" in leader and "登记发现的问题" not in leader
