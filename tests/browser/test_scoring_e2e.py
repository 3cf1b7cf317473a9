"""The scoring page in a real browser: log in, score, see a refusal, upload, export.

Everything goes through the page as a user would use it (typing, clicking, HTMX swaps),
against pytest-django's live server.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEW_SCREENSHOT = "/tmp/fazhi-scoring.png"


def open_scoring_page(page, base, assessment):
    """Log in as the zone's office and open the assessment from the home page."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="资阳高新区 2025 年度自评").click()
    page.wait_for_url(f"{base}/assessments/{assessment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("资阳高新区 2025 年度自评")
    # HTMX must be loaded, or the clicks below would be full-page form posts.
    page.wait_for_function("() => window.htmx !== undefined")


def test_office_scores_uploads_and_exports(page, live_server, assessment, tmp_path):
    base = live_server.url
    open_scoring_page(page, base, assessment)
    expect(page.locator("#total-final")).to_have_text("0")

    # Everything below must happen without leaving this document.
    page.evaluate("() => { window.__sameDocument = true; }")
    navigations = []
    page.on("framenavigated", lambda f: f == page.main_frame and navigations.append(f.url))

    # A valid score: the row and the totals are swapped in place.
    item1 = page.locator("#item-1")
    page.fill("#score-1", "4.5")
    item1.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#total-final")).to_have_text("4.5")
    expect(page.locator("#total-scored")).to_have_text("4.5")
    expect(page.locator("#score-1")).to_have_value("4.5")
    expect(page.locator("#score-1")).not_to_have_attribute("aria-invalid", "true")

    # An invalid score: refused with the reason next to the field, input kept.
    item2 = page.locator("#item-2")
    page.fill("#score-2", "9")
    item2.get_by_role("button", name="保存", exact=True).click()
    error = page.locator("#err-2")
    expect(error).to_have_text("自评分不能超过分值 5")
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator("#score-2")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#score-2")).to_have_attribute("aria-describedby", "err-2")
    expect(page.locator("#score-2")).to_have_value("9")
    expect(page.locator("#total-final")).to_have_text("4.5")

    # Upload a real PDF to item 1: the file is listed in the row.
    pdf = tmp_path / "年度普法计划.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#file-1", str(pdf))
    item1.locator("form.upload").get_by_role("button", name="上传", exact=True).click()
    expect(item1.locator(".evidence li a")).to_have_text("年度普法计划.pdf")
    # The score saved before the upload is still shown after the row was swapped again.
    expect(page.locator("#score-1")).to_have_value("4.5")

    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert navigations == [], f"unexpected navigations: {navigations}"

    page.evaluate("() => window.scrollTo(0, 0)")
    shot = tmp_path / "scoring.png"
    page.screenshot(path=str(shot))
    shutil.copyfile(shot, REVIEW_SCREENSHOT)

    # Export: the downloaded workbook carries the score typed above.
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    saved = tmp_path / "export.xlsx"
    download.save_as(saved)
    assert download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(saved).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = ["序号", "一级指标", "二级指标", "分值", "自评分", "自评说明", "佐证材料"]
    assert header in rows
    col = {name: i for i, name in enumerate(header)}
    row1 = next(r for r in rows if str(r[col["序号"]]) == "1")
    assert row1[col["自评分"]] == 4.5
    row2 = next(r for r in rows if str(r[col["序号"]]) == "2")
    assert row2[col["自评分"]] in (None, "")

    # Nothing was fetched from anywhere but the live server, and nothing broke.
    origin = urlsplit(base).netloc
    foreign = [u for u in page.requests if urlsplit(u).netloc != origin]
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert any("/static/vendor/htmx.min.js" in u for u in page.requests)
    assert page.js_errors == []
    assert page.server_errors == []


def test_group_progress_follows_an_in_place_save(page, live_server, assessment):
    open_scoring_page(page, live_server.url, assessment)
    progress = page.locator("#group-一 .group-progress")
    expect(progress).to_have_text("已自评 0/5 · 0/25 分")
    page.fill("#score-1", "4.5")
    page.locator("#item-1").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#total-final")).to_have_text("4.5")
    expect(progress).to_have_text("已自评 1/5 · 4.5/25 分", timeout=2_000)
