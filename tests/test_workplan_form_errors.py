"""The work-plan forms report every error at once, beside its field, keeping what was typed."""

from __future__ import annotations

import pytest

from tests.conftest import task_of
from tests.test_workplan_pages import HX, assigned, frozen_today, html  # noqa: F401

pytestmark = pytest.mark.django_db


def errors_of(page: str, prefix: str) -> set[str]:
    import re

    return set(re.findall(rf'id="{prefix}-([a-z-]+)-error"', page))


def test_notice_form_reports_all_its_errors(login, plan, assigned):  # noqa: F811
    r = login("office").post(
        f"/plans/{plan.pk}/notices/new/",
        {"to_org": "", "task": "九.9", "text": "", "reply_due": "2025-01-01"},
    )
    page = html(r)
    assert r.status_code == 422
    assert errors_of(page, "issue") == {"to", "task", "text", "due"}
    assert "工作方案中没有任务 九.9" in page and "要求回复日期不能早于今天" in page


def test_report_form_reports_all_its_errors(login, plan, assigned):  # noqa: F811
    task = assigned["green"]
    r = login("kjj").post(f"/tasks/{task.pk}/report/", {"percent": "120", "text": ""}, headers=HX)
    page = html(r)
    assert r.status_code == 422
    assert {"percent", "text"} <= errors_of(page, "report")
    assert 'value="120"' in page


def test_extension_and_milestone_forms_report_all_their_errors(login, plan, assigned):  # noqa: F811
    task = assigned["green"]  # due 2025-10-31
    r = login("kjj").post(
        f"/tasks/{task.pk}/extensions/", {"new_due": "2025-10-01", "reason": ""}, headers=HX
    )
    page = html(r)
    assert r.status_code == 422
    assert "延期后的完成时限须晚于现行完成时限 2025-10-31" in page and "请填写延期理由" in page
    r = login("office").post(
        f"/tasks/{task.pk}/milestones/", {"title": "", "due_date": "2026-01-01"}, headers=HX
    )
    page = html(r)
    assert r.status_code == 422
    assert "请填写节点名称" in page and "不能晚于任务完成时限 2025-10-31" in page


def test_assign_form_reports_all_its_errors(login, plan):
    task = task_of(plan, "一.1")
    r = login("office").post(
        f"/tasks/{task.pk}/assign/",
        {
            "version": task.version,
            "lead_org": "nope",
            "responsible": "张" * 60,
            "start_date": "2025-10-01",
            "due_date": "2025-09-01",
            "indicators": ["99"],
        },
        headers=HX,
    )
    page = html(r)
    assert r.status_code == 422
    assert {"lead", "responsible", "due"} <= errors_of(page, "assign")
    assert "评分表中没有指标 99" in page
    task.refresh_from_db()
    assert task.lead_org_id is None and task.start_date is None  # nothing half-written
