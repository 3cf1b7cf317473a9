"""The public portal on a phone (390×844): inputs big enough not to zoom, a new challenge
without losing what was typed, a file attached to a complaint, and the same due dates under
the same names on the receipt and on tracking."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped
from tests.browser.test_submit_e2e import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.js_errors = []
    pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


def dates(page) -> dict[str, str]:
    """The <dt> → <dd> pairs of the due dates shown."""
    return page.evaluate(
        """() => Object.fromEntries(['reply-due', 'next-due']
            .map(id => document.getElementById(id)).filter(Boolean)
            .map(dd => [dd.previousElementSibling.textContent.trim(), dd.textContent.trim()]))"""
    )


def test_complaint_on_a_phone(phone, live_server, orgs, workcalendar, settings, tmp_path):
    page = phone
    settings.FAZHI_PUBLIC_CHALLENGE = "on"
    load_shipped(ROOT / "rules")
    base = live_server.url
    console = watch_console(page)
    page.goto(f"{base}/public/complaints/new/")

    # 16 px everywhere a phone would otherwise zoom in, and nothing wider than the screen
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
            .map(e => getComputedStyle(e).fontSize)"""
    )
    assert sizes and set(sizes) == {"16px"}, sizes
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    page.get_by_label("受理园区").select_option(value="zy-gxq")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("反映事项", exact=False).first.fill("企业资质审批拖延")
    page.get_by_label("具体内容").fill("申请材料齐全，超过承诺时限仍未办结。")

    # a new challenge in place: same document, new picture and token, typed text kept
    page.evaluate("() => { window.__sameDocument = true; }")
    token = page.locator("#challenge-token").input_value()
    picture = page.locator("#challenge-picture").inner_html()
    page.get_by_role("button", name="看不清，换一题").click()
    expect(page.locator("#challenge-status")).to_have_text("已换一题，请重新计算。")
    assert page.locator("#challenge-token").input_value() != token
    assert page.locator("#challenge-picture").inner_html() != picture
    assert page.locator("#challenge-picture svg").count() == 1
    assert page.evaluate("() => window.__sameDocument === true")
    expect(page.get_by_label("具体内容")).to_have_value("申请材料齐全，超过承诺时限仍未办结。")
    expect(page.locator("#f-challenge_answer")).to_be_focused()

    # (the sum is drawn, not written: the rest runs with the challenge off)
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    scan = tmp_path / "受理回执.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#f-files", str(scan))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="投诉举报：已提交")).to_be_visible()
    number = page.locator("#tracking-no").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    on_receipt = dates(page)
    assert on_receipt, "the receipt shows no due date"
    case = Case.objects.get(tracking_no=number)
    assert list(case.attachments.values_list("name", flat=True)) == ["受理回执.pdf"]

    page.goto(f"{base}/public/track/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#track-state")).to_contain_text("已收到")
    assert dates(page) == on_receipt
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert console == [] and page.js_errors == []
