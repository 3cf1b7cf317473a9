"""The expert's scoring sheet in a real browser: sign in, find the sheet, a refused score,
every item scored, the sheet submitted and then locked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fazhi.assessments.selectors import items_by_code
from fazhi.core import framework as fw
from fazhi.review.models import PanelMember
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/fazhi-review-sheet.png"


def test_expert_scores_and_submits_the_sheet(page, live_server, in_review):
    base = live_server.url
    page.on("dialog", lambda d: d.accept())  # the confirmation before submitting
    page.goto(f"{base}/login/")
    page.fill("#id_username", "expert1")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/review/")
    page.get_by_role("link", name="资阳高新区").click()
    page.get_by_role("link", name="我的评分表").click()
    page.wait_for_url(f"{base}/review/applications/{in_review.pk}/sheet/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("我的评分表")

    # Out of range: refused beside the field, the typed value kept.
    page.fill("#s-1", "9")
    page.locator("#sheet-1").get_by_role("button", name="保存").click()
    expect(page.locator("#sheet-1 .error")).to_contain_text("不能超过分值 5")
    expect(page.locator("#s-1")).to_have_value("9")
    expect(page.locator("#s-1")).to_have_attribute("aria-invalid", "true")

    # Submitting early lists what is missing.
    page.get_by_role("button", name="提交评分表").click()
    expect(page.locator("#submit-error")).to_contain_text("未评分")

    scored = [c for c, i in items_by_code(in_review.assessment).items() if i.kind == fw.SCORED]
    for code in scored:
        page.fill(f"#s-{code}", "1")
        page.locator(f"#sheet-{code}").get_by_role("button", name="保存").click()
        expect(page.locator(f"#s-{code}")).to_have_value("1")
    expect(page.locator("#sheet-total")).to_contain_text(f"已评 {len(scored)} / {len(scored)} 项")
    page.get_by_role("button", name="提交评分表").click()
    expect(page.get_by_text("评分表已提交。")).to_be_visible()
    expect(page.locator("#s-1")).to_have_count(0)  # locked: no more inputs
    page.screenshot(path=SCREENSHOT, full_page=False)
    assert PanelMember.objects.get(application=in_review, expert__username="expert1").submitted_at
    assert not page.js_errors and not page.server_errors
    assert all(u.startswith(base) for u in page.requests)
