"""The review chain through the API: campaign, application, city, panel, ranking, naming."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document as read_docx

from fazhi.assessments.models import Assessment
from fazhi.audit.models import AuditEntry
from fazhi.review.models import Application, PanelMember
from tests.review_fixtures import campaign_body, fill_assessment, score_sheet

pytestmark = pytest.mark.django_db


def test_province_creates_a_campaign_others_may_not(api, framework):
    r = api("province").post("/campaigns", campaign_body())
    assert r.status_code == 201, r.content
    assert r.json()["notice_no"] == "川科规〔2019〕15号" and r.json()["publicity_days"] == 5
    assert api("city").post("/campaigns", campaign_body(code="x")).status_code == 403
    assert api("office").get("/campaigns/sc-2019").json()["code"] == "sc-2019"
    r = api("province").post("/campaigns", campaign_body(code="y", notice_no="川科规[2019]15号"))
    assert (
        r.status_code == 422 and r.json()["field"] == "notice_no" and "〔〕" in r.json()["detail"]
    )
    r = api("province").post("/campaigns", campaign_body(code="z", closes_on="2000-01-01"))
    assert r.status_code == 422 and r.json()["field"] == "closes_on"


def test_the_zone_applies_submits_and_the_assessment_locks(api, campaign, assessment, plan, users):
    fill_assessment(assessment, users["office"])
    office = api("office")
    r = office.post("/applications", {"campaign": "sc-2019", "zone": "zy-gxq"})
    assert r.status_code == 201 and r.json()["status"] == "draft"
    app_id = r.json()["id"]
    detail = office.get(f"/applications/{app_id}").json()
    assert detail["report_title"] == "关于报送创建四川省科技创新法治示范区\n工作方案的报告"
    assert (
        "《四川省科技厅关于开展科技创新法治示范区创建试点工作的通知》（川科规〔2019〕15号）"
        in detail["report_body"]
    )
    assert detail["report_addressee"] == "省科学技术厅"
    assert "科技经济局、司法分局" in detail["report_body"]
    assert (
        office.post("/applications", {"campaign": "sc-2019", "zone": "zy-gxq"}).status_code == 409
    )
    r = office.put(
        f"/applications/{app_id}/report",
        {
            **{k: detail[k] for k in ("report_title", "report_addressee", "report_body")},
            "report_issuers": "中共资阳高新技术产业园区工作委员会\n资阳高新技术产业园区管理委员会",
            "report_written_on": "2020-03-19",
            "version": detail["version"],
        },
    )
    assert r.status_code == 200, r.content
    assert office.post(f"/applications/{app_id}/submit").json()["status"] == "submitted"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    r = api("office").put(
        f"/assessments/{assessment.pk}/results/1", {"version": 2, "self_score": 1}
    )
    assert r.status_code == 409  # locked while on its way
    assert office.post(f"/applications/{app_id}/submit").status_code == 409
    # the report in the official layout, as .docx and PDF
    r = office.get(f"/applications/{app_id}/documents/report.docx")
    assert r.status_code == 200
    text = "\n".join(p.text for p in read_docx(io.BytesIO(r.content)).paragraphs)
    assert (
        "省科学技术厅：" in text
        and "附件：1. 创建四川省科技创新法治示范区工作方案" in text
        and "2020年3月19日" in text
    )
    assert office.get(f"/applications/{app_id}/documents/report.pdf").content.startswith(b"%PDF")
    assert office.get(f"/applications/{app_id}/documents/city-report.pdf").status_code == 404


def test_applications_outside_the_window_or_zone_are_refused(api, users, framework, assessment):
    api("province").post("/campaigns", campaign_body(opens_on="2019-01-01", closes_on="2019-12-31"))
    r = api("office").post("/applications", {"campaign": "sc-2019", "zone": "zy-gxq"})
    assert (
        r.status_code == 422
        and "不在申报时间内" in r.json()["detail"]
        and r.json()["field"] == "campaign"
    )
    assert (
        api("office").post("/applications", {"campaign": "sc-2019", "zone": "cd-gxq"}).status_code
        == 404
    )
    assert not Application.objects.exists()


def test_city_evaluates_returns_and_forwards(api, application, users, orgs):
    city, app_id = api("city"), application.pk
    assert api("city2").get(f"/applications/{app_id}").status_code == 404  # another city
    assert api("province").get(f"/applications/{app_id}").status_code == 404  # not forwarded yet
    r = city.put(f"/applications/{app_id}/city-review/1", {"score": 4.5, "note": "计划未细化"})
    assert r.status_code == 200 and r.json()["score"] == "4.5"
    r = city.put(f"/applications/{app_id}/city-review/1", {"score": 99})
    assert r.status_code == 422 and r.json()["field"] == "score" and "分值" in r.json()["detail"]
    items = {i["code"]: i for i in city.get(f"/applications/{app_id}").json()["items"]}
    assert items["1"]["city_score"] == "4.5" and items["1"]["self_score"] == "5"
    for body, field in (
        ({"doc_no": "资科〔2020〕14号", "signer": "肖建华"}, "conclusion"),
        ({"signer": "肖建华", "conclusion": "eligible"}, "doc_no"),
        ({"doc_no": "资科(2020)14号", "signer": "肖建华", "conclusion": "eligible"}, "doc_no"),
        ({"doc_no": "资科〔2020〕14号", "conclusion": "eligible"}, "signer"),
    ):
        r = city.post(f"/applications/{app_id}/forward", body)
        assert r.status_code == 422 and r.json()["field"] == field, (body, r.json())
    assert Application.objects.get(pk=app_id).status == "submitted"  # nothing half-written
    r = city.post(
        f"/applications/{app_id}/forward",
        {
            "doc_no": "资科〔2020〕14号",
            "signer": "肖建华",
            "conclusion": "eligible",
            "date": "2020-03-20",
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "forwarded"
    r = city.get(f"/applications/{app_id}/documents/city-report.docx")
    d = read_docx(io.BytesIO(r.content))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "资科〔2020〕14号\t签发人：肖建华" in text
    assert (
        "并对创建工作进行了评估，认为符合申报创建条件。现将《" in text
        and "转报贵厅，请予支持。" in text
    )
    assert "省科技厅：" in text and "2020年3月20日" in text
    pdf = city.get(f"/applications/{app_id}/documents/city-report.pdf").content
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "关于推荐申报科技创新法治示范区的情况报告" in out and "资科〔2020〕14号" in out
    assert city.post(f"/applications/{app_id}/return", {"reason": "x"}).status_code == 409


def test_city_returns_to_the_zone(api, application):
    r = api("city").post(f"/applications/{application.pk}/return", {"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = api("city").post(f"/applications/{application.pk}/return", {"reason": "请补充佐证材料"})
    assert r.json()["status"] == "returned" and r.json()["return_reason"] == "请补充佐证材料"
    assert Assessment.objects.get(pk=application.assessment_id).status == "returned"


def test_package_streams_and_verifies(api, application, tmp_path):
    r = api("office").get(f"/applications/{application.pk}/documents/package.zip")
    path = tmp_path / "p.zip"
    path.write_bytes(b"".join(r.streaming_content))
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert "证据包/manifest.json" in names and "证据包/自查评分表.xlsx" in names
    assert "证据包/佐证材料/1/证明1.pdf" in names
    from django.core.management import call_command

    call_command("package", "verify", str(path))
    data = bytearray(path.read_bytes())
    at = data.index(b"%%EOF")
    data[at] = ord("#")
    path.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as e:
        call_command("package", "verify", str(path))
    assert e.value.code == 1


def test_panel_conflict_sheets_and_result(api, forwarded, users, experts):
    prov, app_id = api("province"), forwarded.pk
    r = prov.post(f"/applications/{app_id}/formal-check")
    assert r.status_code == 200 and r.json()["status"] == "in_review", r.json()
    names = [e.username for e in experts[:4]] + ["expert-zy"]
    r = prov.post(f"/applications/{app_id}/panel", {"experts": names, "leader": names[0]})
    assert (
        r.status_code == 422 and "资阳专家" in r.json()["detail"] and "回避" in r.json()["detail"]
    )
    assert not PanelMember.objects.exists()
    r = prov.post(f"/applications/{app_id}/panel", {"experts": names[:3], "leader": names[0]})
    assert r.status_code == 422 and "5 名" in r.json()["detail"]
    names = [e.username for e in experts[:5]]
    assert (
        prov.post(
            f"/applications/{app_id}/panel", {"experts": names, "leader": "expert1"}
        ).status_code
        == 200
    )
    # an expert off the panel does not see it
    assert (
        api("expert-zy")
        .put(f"/applications/{app_id}/reviews/1", {"version": 1, "self_score": 1})
        .status_code
        == 404
    )
    e1 = api("expert1")
    r = e1.put(f"/applications/{app_id}/reviews/1", {"version": 1, "self_score": 6})
    assert r.status_code == 422 and r.json()["field"] == "self_score"
    assert (
        e1.put(f"/applications/{app_id}/reviews/1", {"version": 1, "self_score": 1}).status_code
        == 200
    )
    r = e1.post(f"/applications/{app_id}/reviews/submit")
    assert r.status_code == 422 and "未评分" in r.json()["detail"] and "2" in r.json()["detail"]
    app = Application.objects.get(pk=app_id)
    scores = {"expert1": 1, "expert2": 5, "expert3": 5, "expert4": 4, "expert5": 5}
    score_sheet(app, users_or(experts, "expert2"), submit=True)
    # expert1 has not submitted: sees no one else's total
    panel = e1.get(f"/applications/{app_id}/panel").json()
    assert all(m["final"] is None for m in panel["members"] if m["expert"] != "expert1")
    assert e1.post(f"/applications/{app_id}/reviews/submit").status_code == 422
    for name in ("expert1", "expert3", "expert4", "expert5"):
        s = scores[name]
        score_sheet(
            app,
            users_or(experts, name),
            score=lambda ind, s=s: min(ind.max_points, s) if ind.code == "1" else ind.max_points,
        )
    assert e1.post(f"/applications/{app_id}/reviews/submit").status_code == 409
    app.refresh_from_db()
    assert app.status == "reviewed"
    panel = e1.get(f"/applications/{app_id}/panel").json()
    assert "1" in panel["flags"]  # 1 vs 5 of 5 points
    assert panel["panel_score"] == format(app.panel_score, "f")
    assert AuditEntry.objects.filter(action="review.sheet.submit").count() == 5


def users_or(experts, name):
    return next(e for e in experts if e.username == name)


def test_ranking_publicity_and_naming(api, in_review, experts, workcalendar):
    app = in_review
    for e in experts[:5]:
        score_sheet(app, e)
    prov = api("province")
    rows = prov.get("/campaigns/sc-2019/ranking").json()
    assert rows[0]["application"] == app.pk and rows[0]["rank"] == 1 and rows[0]["above_threshold"]
    assert rows[0]["experts"] == 5
    assert api("office").get("/campaigns/sc-2019/ranking").status_code == 404
    r = prov.post("/campaigns/sc-2019/naming", {"doc_no": "川科函〔2020〕100号"})
    assert r.status_code == 422 and "尚未公示" in r.json()["detail"]
    r = prov.post("/campaigns/sc-2019/publicity", {"starts_on": "2025-09-29"})
    assert r.json() == {"starts_on": "2025-09-29", "ends_on": "2025-10-13"}
    assert prov.post("/campaigns/sc-2019/publicity", {"starts_on": "2025-09-29"}).status_code == 409
    r = prov.post("/campaigns/sc-2019/naming", {"doc_no": "川科函〔2020〕100号"})
    assert r.status_code == 200 and r.json()["named_on"]
    assert Application.objects.get(pk=app.pk).status == "named"
    pdf = prov.get("/campaigns/sc-2019/documents/naming.pdf").content
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "川科函〔2020〕100号" in out and "资阳高新区" in out


def test_publicity_before_the_panel_is_complete(api, in_review, workcalendar):
    r = api("province").post("/campaigns/sc-2019/publicity", {"starts_on": "2025-09-29"})
    assert r.status_code == 422 and "评审尚未完成" in r.json()["detail"]
    assert date.today()  # the campaign is unchanged
    from fazhi.review.models import Campaign

    assert Campaign.objects.get(code="sc-2019").publicity_starts_on is None


def test_an_expert_who_declared_the_zone_stands_down(api, forwarded, experts):
    prov, app_id = api("province"), forwarded.pk
    prov.post(f"/applications/{app_id}/formal-check")
    r = api("expert3").post("/declarations", {"zone": "zy-gxq", "reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = api("expert3").post("/declarations", {"zone": "zy-gxq", "reason": "曾任该园区法律顾问"})
    assert r.status_code == 201
    assert (
        api("expert3").post("/declarations", {"zone": "zy-gxq", "reason": "x"}).status_code == 409
    )
    assert api("office").post("/declarations", {"zone": "zy-gxq", "reason": "x"}).status_code == 403
    names = [e.username for e in experts[:5]]
    r = prov.post(f"/applications/{app_id}/panel", {"experts": names, "leader": "expert1"})
    assert (
        r.status_code == 422
        and "expert3" in r.json()["detail"]
        and "利害关系" in r.json()["detail"]
    )
    assert not PanelMember.objects.exists()
