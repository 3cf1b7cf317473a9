"""The work plan in a real browser: the office assigns a task that is already late, the
department reports it done from "my tasks", the office closes it and sees it so on the plan.

Dates are relative to today (the holiday calendar covers 2024–2026), so the red light is
the one a user would see on the day the test runs.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, task_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_SCREENSHOT = "/tmp/fazhi-plan.png"
TIMELINE_SCREENSHOT = "/tmp/fazhi-timeline.png"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def sign_out(page, base):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base}/login/")


def task_row(page, task):
    return page.locator(f"#task-{task.pk}")


def test_late_task_assigned_reported_and_closed(page, live_server, plan, tmp_path):
    base = live_server.url
    today = date.today()
    start = max(date(today.year, 1, 1), today - timedelta(days=60))
    due = today - timedelta(days=7)
    task = task_of(plan, "一.1")
    csp_violations = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    page.on("dialog", lambda d: d.accept())

    # The office opens the plan from the navigation and assigns 一.1 to 科技经济局.
    sign_in(page, base, "office")
    page.get_by_role("link", name="工作方案", exact=True).click()
    page.wait_for_url(f"{base}/plans/")
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"{base}/plans/{plan.pk}/")
    expect(task_row(page, task).locator(".light")).to_have_text("未定时限")
    task_row(page, task).get_by_role("link", name=task.title).click()
    page.wait_for_url(f"{base}/tasks/{task.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.select_option("#assign-lead", label="科技经济局")
    page.fill("#assign-responsible", "张三")
    page.fill("#assign-start", start.isoformat())
    page.fill("#assign-due", due.isoformat())
    page.locator("#assign").get_by_role("button", name="保存分解").click()
    expect(page.locator("#assign .ok")).to_have_text("任务分解已保存")
    summary = page.locator("#task-summary")
    expect(summary.locator(".light")).to_have_text("红灯")
    expect(summary.locator(".light-reason")).to_contain_text("已逾期")
    expect(summary).to_contain_text("科技经济局")
    assert page.evaluate("() => window.__sameDocument === true"), "the assignment reloaded the page"

    # An invalid date order is refused beside the field, nothing typed is lost.
    page.fill("#assign-due", (start - timedelta(days=1)).isoformat())
    page.locator("#assign").get_by_role("button", name="保存分解").click()
    expect(page.locator("#assign-due-error")).to_contain_text("不能早于开始时间")
    expect(page.locator("#assign-due")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#assign-responsible")).to_have_value("张三")

    page.goto(f"{base}/plans/{plan.pk}/")
    expect(task_row(page, task).locator(".light")).to_have_text("红灯")
    page.evaluate("() => window.scrollTo(0, 0)")
    shot = tmp_path / "plan.png"
    page.screenshot(path=str(shot))
    shutil.copyfile(shot, PLAN_SCREENSHOT)
    page.get_by_role("link", name="时间轴").click()
    page.wait_for_url(f"{base}/plans/{plan.pk}/timeline/")
    expect(page.locator("svg.gantt rect.bar")).to_have_count(1)
    expect(page.locator("svg.gantt rect.bar-red")).to_have_count(1)
    shot = tmp_path / "timeline.png"
    page.screenshot(path=str(shot))
    shutil.copyfile(shot, TIMELINE_SCREENSHOT)
    sign_out(page, base)

    # The department finds the red task in "my tasks" and reports it done.
    sign_in(page, base, "kjj")
    page.get_by_role("link", name="我的任务").click()
    page.wait_for_url(f"{base}/my-tasks/")
    row = task_row(page, task)
    expect(row.locator(".light")).to_have_text("红灯")
    row.get_by_role("link", name=task.title).click()
    page.wait_for_url(f"{base}/tasks/{task.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    expect(page.locator("#assign")).to_have_count(0)
    page.fill("#report-percent", "100")
    page.fill("#report-text", "决策事项目录已印发，制度已建立")
    evidence = tmp_path / "决策事项目录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#report-files", str(evidence))
    page.locator("#report").get_by_role("button", name="提交填报").click()
    expect(page.locator("#report .ok")).to_contain_text("已填报进度 100%")
    expect(page.locator("#summary-progress")).to_have_text("100%")
    expect(page.locator("#report .history li").first).to_contain_text("决策事项目录已印发")
    expect(page.locator("#report .files a")).to_have_text("决策事项目录.pdf")
    sign_out(page, base)

    # The office closes the task and sees 已办结 on the plan.
    sign_in(page, base, "office")
    page.goto(f"{base}/tasks/{task.pk}/")
    expect(page.locator("#summary-progress")).to_have_text("100%")
    page.get_by_role("button", name="办结销号").click()
    page.wait_for_url(f"{base}/tasks/{task.pk}/")
    expect(page.locator(".messages")).to_contain_text("已办结销号")
    expect(page.locator("#task-summary .light")).to_have_text("已办结")
    page.get_by_role("link", name=plan.title).first.click()
    page.wait_for_url(f"{base}/plans/{plan.pk}/*")
    expect(task_row(page, task).locator(".light")).to_have_text("已办结")

    origin = urlsplit(base).netloc
    assert [u for u in page.requests if urlsplit(u).netloc != origin] == []
    assert page.js_errors == []
    assert page.server_errors == []
    assert csp_violations == []
