"""The public portal in a real browser: a citizen files a disclosure request (challenge off),
reads the tracking number and query code off the receipt, and looks the case up."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fazhi.registers.rules import load_shipped

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_citizen_files_disclosure_request_and_tracks_it(
    page, live_server, orgs, workcalendar, settings
):
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    load_shipped(ROOT / "rules")
    base = live_server.url
    csp_violations = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )

    page.goto(f"{base}/public/")
    page.get_by_role("link", name="申请政府信息公开").first.click()
    page.wait_for_url(f"{base}/public/disclosure/new/")
    page.get_by_label("受理园区").select_option(value="zy-gxq")
    page.get_by_label("姓名或名称").fill("王五")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("所需信息名称").fill("2024年科技专项资金分配表")
    page.get_by_label("信息内容描述").fill("请提供高新区2024年科技专项资金分配表")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", name="申请政府信息公开：已提交")).to_be_visible()
    number = page.locator("#tracking-no").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    assert number and code

    page.get_by_role("link", name="查询办理进度").first.click()
    page.wait_for_url(f"{base}/public/track/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#track-state")).to_contain_text("已收到")
    expect(page.get_by_role("heading", name=f"依申请公开 {number}")).to_be_visible()

    assert not page.js_errors and not page.server_errors and not csp_violations
    assert all(u.startswith((base, "data:")) for u in page.requests)
