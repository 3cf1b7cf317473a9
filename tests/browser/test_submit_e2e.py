"""The scoring page in a real browser: a refused veto keeps its tick, the submit check lists
and links what is missing, unsaved input is not lost silently, and the console stays clean."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.test_scoring_e2e import open_scoring_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Chromium logs every 4xx answer; a refused save (422, the refusal shown beside its field)
# is the page working as designed. Anything else (CSP, 404, script errors) is a fault.
REFUSAL = re.compile(r"^error: Failed to load resource: .* status of 422 ")


def watch_console(page) -> list[str]:
    """Every console error and warning (CSP violations, 404s of the page's assets)."""
    seen: list[str] = []

    def log(m):
        line = f"{m.type}: {m.text}"
        if m.type in ("error", "warning") and not REFUSAL.match(line):
            seen.append(line)

    page.on("console", log)
    return seen


def reload_asks(page, dialogs: list[str]) -> bool:
    """Reload; True when the browser asked first (the question is dismissed: we stay)."""
    before = len(dialogs)
    with contextlib.suppress(PlaywrightTimeout):  # the dismissed question cancels the reload
        page.reload(timeout=3_000)
    return dialogs[before:] == ["beforeunload"]


def test_a_refused_veto_keeps_its_tick_and_saves_once_explained(page, live_server, assessment):
    console = watch_console(page)
    open_scoring_page(page, live_server.url, assessment)
    item = page.locator("#item-17")
    item.locator("#raised-17").check()
    item.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#err-17")).to_have_text("请填写情形说明")
    # The refusal came back with the box still ticked: typing the reason is enough.
    expect(page.locator("#raised-17")).to_be_checked()
    page.fill("#reason-17", "2025 年发生重大违法事件")
    page.locator("#item-17").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#veto-banner")).to_contain_text("第 17 项")
    expect(page.locator("#raised-17")).to_be_checked()
    page.reload()
    expect(page.locator("#raised-17")).to_be_checked()
    expect(page.locator("#reason-17")).to_have_value("2025 年发生重大违法事件")
    assert console == [], console
    assert page.js_errors == [] and page.server_errors == []


def test_submit_check_lists_and_links_the_missing_items(page, live_server, assessment):
    console = watch_console(page)
    base = live_server.url
    open_scoring_page(page, base, assessment)
    expect(page.locator("#item-13 .unfilled-badge")).to_have_text("未填写自评分")
    page.fill("#score-1", "5")
    page.locator("#item-1").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#item-1 .unfilled-badge")).to_have_count(0)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.click("#submit-check")
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/check/")
    assert dialogs == []  # nothing to confirm before the check
    expect(page.locator("#missing h2")).to_have_text("还有 13 项评分项未填写自评分，填完后才能提交")
    expect(page.locator("#missing li")).to_have_count(13)
    expect(page.get_by_role("button", name="确认提交")).to_have_count(0)
    page.locator("#missing").get_by_role("link", name="第 13 项").click()
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/#item-13")
    expect(page.locator("#item-13")).to_be_in_viewport()
    expect(page.locator("#item-13")).to_have_class("item kind-scored unfilled")
    assert console == [], console
    assert page.js_errors == [] and page.server_errors == []


def test_leaving_with_a_typed_but_unsaved_score_asks_first(page, live_server, assessment):
    open_scoring_page(page, live_server.url, assessment)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    assert not reload_asks(page, dialogs)  # nothing typed: no question
    page.fill("#score-2", "3")
    assert reload_asks(page, dialogs)  # typed, not saved
    expect(page.locator("#score-2")).to_have_value("3")
    # A refused save is still unsaved input, though the row was swapped in again.
    page.fill("#score-2", "9")
    page.locator("#item-2").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#err-2")).to_have_text("自评分不能超过分值 5")
    assert reload_asks(page, dialogs)
    # Saved: leaving is silent.
    page.fill("#score-2", "4")
    page.locator("#item-2").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#err-2")).to_have_count(0)
    assert not reload_asks(page, dialogs)
    expect(page.locator("#score-2")).to_have_value("4")
