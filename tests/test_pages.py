"""Pages: login, home, the scoring page with in-place edits, evidence, export."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def page(a):
    return f"/assessments/{a.pk}/"


def test_login_required_and_login_page(client, users):
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = client.get("/login/")
    assert "登录" in r.content.decode()
    r = client.post("/login/", {"username": "office", "password": "wrong"})
    assert "用户名或密码错误" in r.content.decode()
    r = client.post("/login/", {"username": "office", "password": PASSWORD})
    assert r.status_code == 302


def test_home_shows_progress_per_group(login, assessment):
    c = login("office")
    c.post(
        f"/assessments/{assessment.pk}/results/1/",
        {"version": 1, "self_score": "4"},
        headers={"HX-Request": "true"},
    )
    html = c.get("/").content.decode()
    assert "资阳高新区 2025 年度自评" in html
    assert "一、组织领导到位、机构能力健全" in html
    assert "1/5" in html and "4/25" in html


def test_home_empty_state_tells_what_to_do(login, framework, users):
    html = login("office").get("/").content.decode()
    assert "还没有可查看的自评" in html and "新建年度自评" in html
    # a department's home is its 待办 (it has no self-assessment of its own)
    html = login("kjj").get("/").content.decode()
    assert "本部门没有未办结的牵头任务。创建办分配任务后会显示在这里" in html
    assert "没有待回复的督办单" in html


def test_create_from_page(login, framework):
    c = login("office")
    r = c.post("/assessments/new/", {"framework": framework.code, "year": "2024"})
    assert r.status_code == 302
    html = c.get(r["Location"]).content.decode()
    assert "资阳高新区 2024 年度自评" in html
    r = c.post("/assessments/new/", {"framework": framework.code, "year": "2024"}, follow=True)
    assert "已有" in r.content.decode()


def test_scoring_page_in_place_edit(login, assessment):
    c = login("office")
    html = c.get(page(assessment)).content.decode()
    assert 'id="item-13"' in html and "完成园区(基地)主体考核目标任务" in html
    assert "五、促进科技创新全面提升（30 分）" in html
    r = c.post(
        f"/assessments/{assessment.pk}/results/13/",
        {"version": 1, "self_score": "27.5", "note": "<script>x</script>"},
        headers={"HX-Request": "true"},
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="item-13"' in body and 'hx-swap-oob="true"' in body
    assert re.search(r'id="total-final">27.5<', body)
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body


def test_bad_score_shows_error_and_keeps_input(login, assessment):
    c = login("office")
    r = c.post(
        f"/assessments/{assessment.pk}/results/1/",
        {"version": 1, "self_score": "6", "note": "我的说明"},
        headers={"HX-Request": "true"},
    )
    body = r.content.decode()
    assert r.status_code == 422
    assert "自评分不能超过分值 5" in body and 'aria-invalid="true"' in body
    assert 'value="6"' in body and "我的说明" in body
    r = c.post(
        f"/assessments/{assessment.pk}/results/1/", {"version": 1, "self_score": "6"}, follow=True
    )
    assert "第 1 项未保存：自评分不能超过分值 5" in r.content.decode()


def test_stale_edit_from_page_conflicts(login, assessment):
    c = login("office")
    c.post(
        f"/assessments/{assessment.pk}/results/1/",
        {"version": 1, "self_score": "4"},
        headers={"HX-Request": "true"},
    )
    r = c.post(
        f"/assessments/{assessment.pk}/results/1/",
        {"version": 1, "self_score": "2"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()


def test_upload_download_and_remove_evidence(login, assessment, evidence_dir):
    c = login("office")
    f = io.BytesIO(PDF)
    f.name = "年度计划（2025）.pdf"
    r = c.post(
        f"/assessments/{assessment.pk}/results/1/evidence/",
        {"file": f},
        headers={"HX-Request": "true"},
    )
    body = r.content.decode()
    assert r.status_code == 200 and "年度计划（2025）.pdf" in body
    from fazhi.assessments.models import Evidence

    e = Evidence.objects.get()
    assert (evidence_dir / e.blob.storage_name).read_bytes() == PDF
    assert e.blob.digest in body or e.blob.digest[:12] in body
    d = c.get(f"/assessments/{assessment.pk}/evidence/{e.pk}/")
    assert d.status_code == 200 and b"".join(d.streaming_content) == PDF
    assert "filename*=utf-8''%E5%B9%B4" in d["Content-Disposition"]
    assert d["Content-Disposition"].startswith("attachment")
    assert d["X-Content-Type-Options"] == "nosniff"
    # Nobody outside the zone's scope downloads it.
    assert login("office2").get(f"/assessments/{assessment.pk}/evidence/{e.pk}/").status_code == 404
    assert login("kjj").get(f"/assessments/{assessment.pk}/evidence/{e.pk}/").status_code == 404
    assert login("leader").get(f"/assessments/{assessment.pk}/evidence/{e.pk}/").status_code == 200
    r = c.post(
        f"/assessments/{assessment.pk}/evidence/{e.pk}/remove/", headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and not Evidence.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("计划.pdf", PNG, "文件内容与扩展名不符"),
        ("空.pdf", b"", "文件为空"),
        ("程序.exe", PDF, "不支持的文件类型 .exe"),
    ],
)
def test_bad_uploads_refused_with_reason(login, assessment, name, content, message):
    c = login("office")
    f = io.BytesIO(content)
    f.name = name
    r = c.post(
        f"/assessments/{assessment.pk}/results/1/evidence/",
        {"file": f},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and message in r.content.decode()
    from fazhi.assessments.models import Blob, Evidence

    assert not Evidence.objects.exists() and not Blob.objects.exists()


def test_oversized_upload_refused(login, assessment, settings):
    settings.FAZHI_MAX_UPLOAD_BYTES = 1024
    f = io.BytesIO(PDF + b"0" * 2048)
    f.name = "大.pdf"
    r = login("office").post(
        f"/assessments/{assessment.pk}/results/1/evidence/",
        {"file": f},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and "超过上限" in r.content.decode()


def test_same_content_stored_once(login, assessment, evidence_dir):
    c = login("office")
    for code, name in (("1", "a.pdf"), ("2", "b.pdf")):
        f = io.BytesIO(PDF)
        f.name = name
        c.post(f"/assessments/{assessment.pk}/results/{code}/evidence/", {"file": f})
    from fazhi.assessments.models import Blob, Evidence

    assert Evidence.objects.count() == 2 and Blob.objects.count() == 1
    assert len([p for p in evidence_dir.rglob("*") if p.is_file()]) == 1


def test_path_and_control_characters_in_names(login, assessment):
    f = io.BytesIO(PDF)
    f.name = "..\\..\\evil\x07name.pdf"
    c = login("office")
    c.post(f"/assessments/{assessment.pk}/results/1/evidence/", {"file": f})
    from fazhi.assessments.models import Evidence

    e = Evidence.objects.get()
    assert "\x07" not in e.name and "\\" not in e.name and e.name.endswith("name.pdf")


def test_export_xlsx(login, assessment):
    c = login("office")
    c.post(
        f"/assessments/{assessment.pk}/results/1/",
        {"version": 1, "self_score": "4.5", "note": '=HYPERLINK("http://x")'},
    )
    r = c.get(f"/assessments/{assessment.pk}/export.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["序号", "一级指标", "二级指标", "分值", "自评分", "自评说明", "佐证材料"] in values
    row1 = next(v for v in values if v[0] == "1")
    assert row1[3] == 5 and row1[4] == 4.5 and row1[5].startswith("'=")
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_readers_see_no_edit_controls(login, assessment):
    html = login("leader").get(page(assessment)).content.decode()
    assert 'name="self_score"' not in html and "提交自评" not in html
    r = login("leader").post(
        f"/assessments/{assessment.pk}/results/1/", {"version": 1, "self_score": "4"}
    )
    assert r.status_code == 403 and "只有本园区创建办可以填报自评" in r.content.decode()
    assert login("kjj").get(page(assessment)).status_code == 404
    assert login("office2").get(page(assessment)).status_code == 404


def test_submit_and_review_from_pages(login, assessment):
    office = login("office")
    r = office.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "还有 14 项评分项未填写自评分" in r.content.decode()
    from fazhi.assessments.models import Result

    for res in Result.objects.filter(
        assessment=assessment, indicator__kind="scored"
    ).select_related("indicator"):
        office.post(
            f"/assessments/{assessment.pk}/results/{res.indicator.code}/",
            {"version": res.version, "self_score": "1"},
        )
    r = office.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "自评已提交" in r.content.decode()
    city = login("city")
    html = city.get(page(assessment)).content.decode()
    assert "退回修改" in html
    r = city.post(
        f"/assessments/{assessment.pk}/return/", {"reason": "请补充第 3 项材料"}, follow=True
    )
    assert "自评已退回" in r.content.decode()
    assert "退回原因：请补充第 3 项材料" in office.get(page(assessment)).content.decode()


def test_scoring_page_queries_do_not_grow_with_evidence(login, assessment):
    from fazhi.assessments.models import Blob, Evidence, Result

    c = login("office")
    result = Result.objects.get(assessment=assessment, indicator__code="1")
    blob = Blob.objects.create(digest="1" * 64, size=10, file_type="pdf")
    Evidence.objects.create(result=result, blob=blob, name="0.pdf")
    c.get(page(assessment))  # the session's first request writes its timestamps
    with CaptureQueriesContext(connection) as one:
        assert c.get(page(assessment)).status_code == 200
    Evidence.objects.bulk_create(
        [Evidence(result=result, blob=blob, name=f"{i}.pdf") for i in range(1, 100)]
    )
    with CaptureQueriesContext(connection) as hundred:
        html = c.get(page(assessment)).content.decode()
    assert "99.pdf" in html
    assert len(one) == len(hundred), [q["sql"][:80] for q in hundred]


def test_pages_use_no_outside_urls(login, assessment):
    c = login("office")
    for url in ("/", page(assessment), "/login/"):
        html = c.get(url).content.decode()
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)


def test_static_assets_served_by_the_app(client):
    for path in ("/static/vendor/htmx.min.js", "/static/css/app.css", "/static/js/app.js"):
        r = client.get(path)
        assert r.status_code == 200, path


def test_chinese_error_pages(client, settings, users):
    settings.DEBUG = False
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


def test_home_queries_do_not_grow_with_assessments(login, framework, users):
    from fazhi.assessments.services import create_assessment

    c = login("province")
    create_assessment(users["office"], "zy-gxq", framework.code, None, 2020)
    c.get("/")  # the session's first request writes its timestamps
    with CaptureQueriesContext(connection) as one:
        c.get("/")
    for year in range(2021, 2026):
        create_assessment(users["office"], "zy-gxq", framework.code, None, year)
        create_assessment(users["office2"], "cd-gxq", framework.code, None, year)
    with CaptureQueriesContext(connection) as many:
        html = c.get("/").content.decode()
    assert html.count("年度自评</a>") == 11
    assert len(one) == len(many)


def test_linked_tasks_shown_beside_scoring_items(login, plan, users, framework):
    from fazhi.assessments.services import create_assessment
    from fazhi.workplan.services import update_task
    from tests.conftest import task_of

    a = create_assessment(users["office"], "zy-gxq", framework.code, None, 2025)
    t = task_of(plan, "二.2")  # the template links it to item 10
    update_task(
        users["office"],
        t.pk,
        {"version": t.version, "lead_org": "zy-gxq-kjj", "due_date": "2025-12-31"},
    )
    html = login("office").get(f"/assessments/{a.pk}/").content.decode()
    item10 = html.split('id="item-10"')[1].split('id="item-11"')[0]
    assert (
        "相关重点任务" in item10
        and "二.2 加强科技创新项目管理" in item10
        and "科技经济局" in item10
    )
    # the light's reason is printed beside it, not only in a tooltip (keyboard and touch users)
    reason = re.search(r'<span class="light-reason">([^<]+)</span>', item10)
    assert reason and reason.group(1).strip()
