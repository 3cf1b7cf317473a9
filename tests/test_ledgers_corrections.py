"""Correcting what the ledgers recorded (issue 14): an indicator's fields, a reported figure
(its evidence kept), an activity — each by whoever may record it, against the version the page
was read at, the audit log holding old and new values; and who set the year's target list."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from fazhi.audit.models import AuditEntry
from fazhi.core.errors import ConflictError, RuleError
from fazhi.ledgers import activities, corrections, targets
from fazhi.ledgers.models import Activity, Target, TargetList, TargetReport, TargetReportRevision
from tests.test_ledgers import PDF, TODAY, target_body

pytestmark = pytest.mark.django_db


def audit(action: str) -> tuple[dict, dict]:
    e = AuditEntry.objects.filter(action=action).latest("id")
    return json.loads(e.before or "null"), json.loads(e.after or "null")


# ---------------------------------------------------------------- who set the target list


def set_list(users, **kw):
    body = {
        "year": "2026",
        "issuer": "sc-zy",
        "doc_no": "资科〔2026〕3号",
        "issued_on": "2026-02-01",
    }
    return corrections.set_target_list(users["office"], {**body, **kw}, today=TODAY)


def test_the_target_list_names_who_set_it(users, login):
    with pytest.raises(RuleError) as e:
        set_list(users, issuer="zy-gxq-kjj", doc_no="资科[2026]3号", issued_on="2026-08-01")
    assert e.value.errors == {
        "issuer": "下达单位只能是本园区所在的市或省：四川省科学技术厅、资阳市科学技术局",
        "doc_no": "发文字号“资科[2026]3号”的年份须用六角括号〔〕，例如 资科〔2020〕14号",
        "issued_on": "下达日期不能晚于今天（2026-07-15）",
    }
    assert not TargetList.objects.exists()
    tl = set_list(users)
    assert (tl.issuer.code, tl.doc_no, tl.issued_on) == (
        "sc-zy",
        "资科〔2026〕3号",
        date(2026, 2, 1),
    )
    with pytest.raises(RuleError, match="缺少版本号"):
        set_list(users, issuer="sc")
    with pytest.raises(ConflictError):
        set_list(users, issuer="sc", version="2")
    tl = set_list(users, issuer="sc", doc_no="川科〔2026〕9号", version="1")
    assert audit("target_list.correct") == (
        {"issuer": "sc-zy", "doc_no": "资科〔2026〕3号"},
        {"issuer": "sc", "doc_no": "川科〔2026〕9号"},
    )
    with pytest.raises(PermissionDenied):
        corrections.set_target_list(users["kjj"], {"year": "2026"}, today=TODAY)
    body = login("leader").get("/targets/?year=2026").content.decode()
    assert "目标下达：四川省科学技术厅 川科〔2026〕9号，2026年2月1日下达" in body
    assert "目标清单的下达信息" not in body  # the leader reads it, the office records it
    r = login("office").post("/targets/issuer/", {"year": "2026", "issuer": "", "doc_no": "x"})
    assert r.status_code == 422 and 'value="x"' in r.content.decode()


# ---------------------------------------------------------------- an indicator


def test_the_office_corrects_an_indicator_against_its_version(users, login):
    t = targets.add_target(users["office"], target_body())
    with pytest.raises(RuleError) as e:
        corrections.edit_target(users["office"], t.pk, target_body(unit="", target="-1", version=1))
    assert set(e.value.errors) == {"unit", "target"}
    with pytest.raises(Http404):
        corrections.edit_target(users["kjj"], t.pk, target_body(version=1))
    corrections.edit_target(users["office"], t.pk, target_body(target="55", weight="60", version=1))
    with pytest.raises(ConflictError, match="当前版本 2"):
        corrections.edit_target(users["office"], t.pk, target_body(target="60", version=1))
    assert audit("target.correct") == ({"target": "50"}, {"target": "55"})
    targets.report_figure(users["kjj"], t.pk, {"period": "2026-Q1", "value": "10"}, today=TODAY)
    with pytest.raises(RuleError) as e:
        corrections.edit_target(users["office"], t.pk, target_body(frequency="monthly", version=2))
    assert (e.value.field, e.value.message) == ("frequency", "该指标已有填报记录，不能修改填报频次")
    targets.add_target(users["office"], target_body(indicator="技术合同成交额", weight="40"))
    with pytest.raises(RuleError, match="2026 年已有指标“技术合同成交额”"):
        corrections.edit_target(
            users["office"], t.pk, target_body(indicator="技术合同成交额", version=2)
        )
    t.refresh_from_db()
    assert (t.indicator, t.version, str(t.target)) == ("高新技术企业数", 2, "55.0000")
    office, kjj = login("office"), login("kjj")
    assert "更正指标" in office.get(f"/targets/{t.pk}/").content.decode()
    assert "更正指标" not in kjj.get(f"/targets/{t.pk}/").content.decode()
    r = office.post(f"/targets/{t.pk}/edit/", {**target_body(unit=""), "version": 2})
    assert r.status_code == 422 and "请填写单位" in r.content.decode()


# ---------------------------------------------------------------- a reported figure


def test_a_figure_is_corrected_with_a_reason_and_its_evidence_kept(users, login):
    t = targets.add_target(users["office"], target_body())
    rep = targets.report_figure(
        users["kjj"],
        t.pk,
        {"period": "2026-Q2", "value": "30"},
        SimpleUploadedFile("统计表.pdf", PDF),
        today=TODAY,
    )
    first_blob = rep.blob_id
    with pytest.raises(RuleError) as e:
        corrections.correct_report(
            users["kjj"], rep.pk, {"value": "-1", "reason": "", "version": 1}, today=TODAY
        )
    assert e.value.errors == {"value": "累计完成数不能为负数", "reason": "请填写更正原因"}
    with pytest.raises(Http404):
        corrections.correct_report(
            users["leader"], rep.pk, {"value": "1", "reason": "x", "version": 1}, today=TODAY
        )
    # corrected without a new file: the evidence stays on the report
    corrections.correct_report(
        users["kjj"], rep.pk, {"value": "32", "reason": "补报一家", "version": 1}, today=TODAY
    )
    rep.refresh_from_db()
    assert (rep.value, rep.blob_id, rep.version) == (32, first_blob, 2)
    with pytest.raises(ConflictError):
        corrections.correct_report(
            users["office"], rep.pk, {"value": "33", "reason": "x", "version": 1}, today=TODAY
        )
    # corrected with a new file: the replaced one is kept on the correction
    corrections.correct_report(
        users["office"],
        rep.pk,
        {"value": "35", "reason": "统计局核定", "version": 2},
        SimpleUploadedFile("核定表.pdf", PDF + b"2"),
        today=TODAY,
    )
    rep.refresh_from_db()
    assert rep.file_name == "核定表.pdf" and rep.blob_id != first_blob
    revisions = list(TargetReportRevision.objects.order_by("pk"))
    assert [(str(v.value_before), str(v.value_after), v.blob_id) for v in revisions] == [
        ("30.0000", "32.0000", None),
        ("32.0000", "35.0000", first_blob),
    ]
    before, after = audit("target.report.correct")
    assert before == {"value": "32", "sm3": first_blob}
    assert after == {"period": "2026-Q2", "value": "35", "sm3": rep.blob_id}
    leader = login("leader")
    body = leader.get(f"/targets/{t.pk}/").content.decode()
    assert "统计局核定" in body and "统计表.pdf" in body and ">更正<" not in body
    r = leader.get(f"/targets/revisions/{revisions[1].pk}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert login("office2").get(f"/targets/revisions/{revisions[1].pk}/file/").status_code == 404
    kjj = login("kjj")
    assert "更正 2026-Q2 的填报" in kjj.get(f"/targets/{t.pk}/?correct={rep.pk}").content.decode()
    r = kjj.post(f"/targets/reports/{rep.pk}/correct/", {"value": "36", "version": 3})
    assert r.status_code == 422 and "请填写更正原因" in r.content.decode()
    assert TargetReport.objects.get().value == 35


# ---------------------------------------------------------------- an activity


def activity(users, who="kjj", **kw):
    body = {"kind": "study", "held_on": "2026-07-01", "subject": "宪法学习", **kw}
    return activities.record_activity(users[who], body, today=TODAY)


def test_an_activity_is_corrected_by_who_may_record_it(users, login):
    a = activity(users)
    body = {"kind": "study", "held_on": "2026-07-01", "subject": "宪法专题学习", "version": 1}
    with pytest.raises(RuleError) as e:
        corrections.edit_activity(
            users["kjj"],
            a.pk,
            {**body, "held_on": "2026-08-01", "attendees": "nobody", "kind": "party"},
            today=TODAY,
        )
    assert set(e.value.errors) == {"kind", "held_on", "attendees"}
    with pytest.raises(Http404):
        corrections.edit_activity(users["leader"], a.pk, body, today=TODAY)
    a = corrections.edit_activity(
        users["kjj"], a.pk, {**body, "attendees": "office,kjj"}, today=TODAY
    )
    assert (a.subject, a.attendee_count, a.version) == ("宪法专题学习", 2, 2)
    assert audit("activity.correct") == (
        {"subject": "宪法学习", "attendees": []},
        {"subject": "宪法专题学习", "attendees": ["kjj", "office"]},
    )
    with pytest.raises(ConflictError):
        corrections.edit_activity(users["office"], a.pk, body, today=TODAY)
    corrections.edit_activity(users["office"], a.pk, {**body, "version": 2}, today=TODAY)
    assert Activity.objects.get().attendee_count == 0
    office, leader = login("office"), login("leader")
    assert "更正活动信息" in office.get(f"/activities/{a.pk}/").content.decode()
    assert "更正活动信息" not in leader.get(f"/activities/{a.pk}/").content.decode()
    r = office.post(f"/activities/{a.pk}/edit/", {**body, "subject": "", "version": 3})
    assert r.status_code == 422 and "请填写主题" in r.content.decode()
    assert Target.objects.count() == 0


def test_corrections_through_the_api(users, api):
    office, kjj = api("office"), api("kjj")
    t = targets.add_target(users["office"], target_body())
    body = {k: v for k, v in target_body(target="60").items() if k != "year"}
    r = office.put(f"/targets/{t.pk}", {**body, "version": 1})
    assert r.status_code == 200 and (r.json()["target"], r.json()["version"]) == ("60", 2)
    assert office.put(f"/targets/{t.pk}", {**body, "version": 1}).status_code == 409
    assert kjj.put(f"/targets/{t.pk}", {**body, "version": 2}).status_code == 404
    r = office.put(f"/targets/{t.pk}", {**body, "year": 2030, "version": 2})
    assert r.status_code == 422 and r.json()["field"] == "year"
    rep = targets.report_figure(
        users["kjj"], t.pk, {"period": "2026-Q1", "value": "10"}, today=TODAY
    )
    r = kjj.post(f"/targets/reports/{rep.pk}/corrections", {"value": 12, "version": 1})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = kjj.post(
        f"/targets/reports/{rep.pk}/corrections", {"value": 12, "reason": "核定", "version": 1}
    )
    assert r.status_code == 200 and (r.json()["value"], r.json()["version"]) == ("12", 2)
    body = {"year": 2026, "issuer": "sc-zy", "doc_no": "资科〔2026〕3号", "issued_on": "2026-02-01"}
    assert office.put("/targets/issuer", body).status_code == 200
    listed = office.get("/targets?year=2026").json()
    assert listed["issued"]["issuer_name"] == "资阳市科学技术局"
    assert listed["items"][0]["version"] == 2
    a = activity(users)
    r = kjj.put(
        f"/activities/{a.pk}",
        {"kind": "study", "held_on": "2026-07-01", "subject": "新主题", "version": 1},
    )
    assert r.status_code == 200 and (r.json()["subject"], r.json()["version"]) == ("新主题", 2)
    assert api("leader").put(f"/activities/{a.pk}", {"version": 2}).status_code == 404
