"""A department's annual assessment in a real browser: the department enters a count and
a value, sees the rule's score, is refused with the reason beside the field, marks an
item 不适用; the office adjusts a score with a reason and sees the ranking."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import department_fixtures
from tests.browser.test_workplan_e2e import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
dept_framework = department_fixtures.dept_framework
sheet = department_fixtures.sheet


def test_department_fills_and_office_adjusts(page, live_server, sheet):
    base = live_server.url
    sign_in(page, base, "kjj")
    page.get_by_role("link", name="科技经济局 2025 年度考核").click()
    page.wait_for_url(f"{base}/assessments/{sheet.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    item1 = page.locator("#item-1")
    expect(item1.locator(".rule-text")).to_have_text("每少一次扣 2 分，倒扣至 -1 分为止")

    page.fill("#count-1", "2")
    item1.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#computed-1")).to_have_text("按规则得分：6 分")
    expect(page.locator("#total-final")).to_have_text("6")

    page.fill("#count-1", "-1")
    item1.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#err-1")).to_have_text("次数不能小于 0")
    expect(page.locator("#count-1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#count-1")).to_have_value("-1")
    expect(page.locator("#total-final")).to_have_text("6")

    page.fill("#value-2", "92")
    page.locator("#item-2").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#computed-2")).to_have_text("按规则得分：15 分")

    item3 = page.locator("#item-3")
    page.check("#na-3")
    item3.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#err-3")).to_contain_text("不适用理由")
    page.fill("#na-reason-3", "本年度无执法案卷")
    page.locator("#item-3").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#total-applicable")).to_contain_text("90")
    expect(page.locator("#total-scaled")).to_have_text("23.33")  # 21 × 100 / 90
    assert page.locator('input[name="override_score"]').count() == 0

    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/assessments/{sheet.pk}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.fill("#override-k1-score", "25")
    page.fill("#override-k1-reason", "宣传台账不全")
    page.locator("#override-k1").get_by_role("button", name="调整得分").click()
    expect(page.locator("#override-mark-k1")).to_contain_text("创建办调整为 25 分")
    expect(page.locator("#total-final")).to_have_text("46")

    page.goto(f"{base}/assessments/departments/?framework={sheet.framework.code}&year=2025")
    ranking = page.locator("#ranking")
    expect(ranking.locator("tbody tr").first).to_contain_text("科技经济局")
    expect(ranking.locator("tbody tr").first).to_contain_text("51.11")  # 46 × 100 / 90
    assert page.js_errors == []
    assert page.server_errors == []
