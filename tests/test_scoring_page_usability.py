"""The scoring page says what the table leaves unsaid, keeps what was typed, and its
assets (favicon, htmx's indicator) need nothing the CSP forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STATIC = Path(__file__).resolve().parent.parent / "src/fazhi/web/static"


def test_a_refused_veto_comes_back_ticked_with_its_reason_and_note(login, assessment):
    c = login("office")
    r = c.post(
        f"/assessments/{assessment.pk}/results/17/",
        {"version": "1", "veto": "1", "raised": "on", "reason": "  ", "note": "待核实"},
        headers=HTMX,
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "请填写情形说明" in html
    box = re.search(r'<input type="checkbox" name="raised" id="raised-17"[^>]*>', html).group(0)
    assert "checked" in box
    assert ">待核实</textarea>" in html
    # Unticked and refused for another reason (a stale version): it stays unticked.
    r = c.post(
        f"/assessments/{assessment.pk}/results/17/",
        {"version": "9", "veto": "1", "reason": "说明"},
        headers=HTMX,
    )
    assert r.status_code == 409
    box = re.search(
        r'<input type="checkbox" name="raised" id="raised-17"[^>]*>', r.content.decode()
    )
    assert "checked" not in box.group(0)


def test_the_page_explains_where_the_printed_table_disagrees_with_itself(login, assessment):
    html = login("office").get(f"/assessments/{assessment.pk}/").content.decode()
    note = re.search(r'<p class="table-note" id="group-五-note">(.*?)</p>', html).group(1)
    assert (
        note
        == "评分表原文如此：指标组 &quot;五&quot; 标注分值 30，下属评分项合计 29。计分以评分项分值为准。"
    )
    total = re.search(r'<div class="table-note" id="total-note">(.*?)</div>', html, re.S).group(1)
    assert "一级指标组标注分值合计 100，与标注总分 99 不一致" in total
    assert "满分按评分项分值合计为 99 分" in total
    assert 'id="group-一-note"' not in html  # groups that add up carry no note


def test_item_15_says_its_points_count_once_not_per_case(login, assessment):
    c = login("office")
    html = c.get(f"/assessments/{assessment.pk}/").content.decode()
    item15 = html[html.index('id="item-15"') : html.index('id="item-16"')]
    assert "原表印为“——”" in item15 and "计一次，不按起数累计" in item15
    item18 = html[html.index('id="item-18"') :]
    assert "每起 5 分" in item18[:2000]
    r = c.post(
        f"/assessments/{assessment.pk}/results/15/",
        {"version": "1", "cases": "2", "points": "3"},
        headers=HTMX,
    )
    assert r.status_code == 200
    assert "创建办设定 3 分（符合即计一次，不按起数累计）" in r.content.decode()


def test_favicon_and_htmx_indicator_are_the_apps_own(client, login, assessment):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/img/favicon.svg"
    assert (STATIC / "img/favicon.svg").read_text().startswith("<svg")
    for html in (
        login("office").get(f"/assessments/{assessment.pk}/").content.decode(),
        client.get("/public/").content.decode(),
    ):
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    # htmx must not inject its <style> (CSP: no inline style); the stylesheet carries it.
    page = login("office").get(f"/assessments/{assessment.pk}/").content.decode()
    assert '"includeIndicatorStyles": false' in page
    css = (STATIC / "css/app.css").read_text()
    assert ".htmx-indicator { opacity: 0; }" in css
    assert re.search(
        r"body\.portal input, body\.portal select, body\.portal textarea "
        r"\{ font-size: 16px; \}",
        css,
    )


def _score_all(c, assessment, evidence_for=()):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.assessments.models import Result

    for res in Result.objects.filter(
        assessment=assessment, indicator__kind="scored"
    ).select_related("indicator"):
        code = res.indicator.code
        c.post(
            f"/assessments/{assessment.pk}/results/{code}/",
            {"version": res.version, "self_score": "1"},
        )
        if code in evidence_for:
            pdf = SimpleUploadedFile(f"证明{code}.pdf", b"%PDF-1.4\n%%EOF\n")
            c.post(f"/assessments/{assessment.pk}/results/{code}/evidence/", {"file": pdf})


def test_submit_is_checked_before_it_is_confirmed(login, assessment):
    c = login("office")
    page = c.get(f"/assessments/{assessment.pk}/").content.decode()
    # the page's button leads to the check, not to a confirmation
    assert f'href="/assessments/{assessment.pk}/check/" id="submit-check"' in page
    assert "提交后自评将被锁定" not in page
    assert page.count('class="item kind-scored unfilled"') == 14
    r = c.get(f"/assessments/{assessment.pk}/check/")
    html = r.content.decode()
    assert r.status_code == 200 and "还有 14 项评分项未填写自评分" in html
    for code in ("1", "13", "14"):
        assert f'<a href="/assessments/{assessment.pk}/#item-{code}">第 {code} 项</a>' in html
    assert "确认提交" not in html
    # a submission that skips the check is refused, naming the items, and sent to the check
    r = c.post(f"/assessments/{assessment.pk}/submit/")
    assert r.status_code == 302 and r["Location"] == f"/assessments/{assessment.pk}/check/"
    html = c.get(r["Location"]).content.decode()
    assert "（第 1、2、3、4、5、6、7、8、9、10、11、12、13、14 项）" in html

    _score_all(c, assessment, evidence_for=("1", "2", "3"))
    page = c.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "unfilled" not in page.replace("unfilled-badge", "")
    r = c.get(f"/assessments/{assessment.pk}/check/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "11 项已计分但没有佐证材料" in html
    assert f'<a href="/assessments/{assessment.pk}/#item-4">第 4 项</a>' in html
    assert f'href="/assessments/{assessment.pk}/#item-1"' not in html
    assert "确认提交" in html and "提交后自评将被锁定" in html
    r = c.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "自评已提交" in r.content.decode()
    # submitted: the check page leads back to the assessment, and there is no button
    r = c.get(f"/assessments/{assessment.pk}/check/", follow=True)
    assert r.redirect_chain == [(f"/assessments/{assessment.pk}/", 302)]
    assert "无需再检查" in r.content.decode()
    assert 'id="submit-check"' not in c.get(f"/assessments/{assessment.pk}/").content.decode()


def test_submit_check_is_the_offices(login, assessment):
    assert login("leader").get(f"/assessments/{assessment.pk}/check/").status_code == 403
    assert login("office2").get(f"/assessments/{assessment.pk}/check/").status_code == 404


def test_api_submit_names_the_missing_items(api, assessment):
    r = api("office").post(f"/assessments/{assessment.pk}/submit")
    assert r.status_code == 422
    assert r.json()["detail"].startswith("还有 14 项评分项未填写自评分（第 1、2、3、")
