"""The leader's dashboard in a real browser: the three charts are drawn by the vendored ECharts
from the page's JSON block, nothing logs an error (CSP included), nothing comes from elsewhere,
and the printed page keeps the charts and tables without the navigation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_workplan_e2e import sign_in
from tests.test_home import zone  # noqa: F401  (the fixture: a zone in the middle of its year)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_draws_its_charts_without_console_errors(page, live_server, zone):  # noqa: F811
    base = live_server.url
    console = []
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning")
            and console.append((urlsplit(m.location.get("url", "")).path, m.text))
        ),
    )
    sign_in(page, base, "leader")
    expect(page.get_by_role("heading", level=1)).to_have_text("领导驾驶舱 · 资阳高新区")
    for name in ("groups", "lights", "trend"):
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("canvas")).to_have_count(1)
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] >= 240, (name, box)
    # a tooltip (drawn on the canvas, so no inline style for the CSP to refuse)
    page.locator('[data-chart="lights"] canvas').hover()
    # the numbers are in tables as well, for screen readers and for print
    expect(page.get_by_role("table", name="各牵头单位任务的红黄绿灯数")).to_contain_text(
        "科技经济局"
    )
    expect(page.get_by_role("table", name="各一级指标得分与满分")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator('[data-chart="trend"] canvas')).to_be_visible()
    expect(page.get_by_role("table", name="历年自评得分与台账收案数")).to_be_visible()
    page.emulate_media(media="screen")

    assert page.js_errors == [] and page.server_errors == []
    # The browser's own favicon request answers 404 until issue 9's defect 9 (fixed on its
    # own branch) adds one; it is the only message tolerated here.
    assert [(where, text) for where, text in console if where != "/favicon.ico"] == []
    hosts = {urlsplit(u).netloc for u in page.requests if u.startswith("http")}
    assert hosts == {urlsplit(base).netloc}
