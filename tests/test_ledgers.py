"""The ledgers end to end: targets (item 13) with reports and .xlsx import, activities
(items 1, 2, 4, 5, 14), awards (15, 16); their pages, scope, sources and query counts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from fazhi.assessments.sources import sources_for, summarise
from fazhi.audit.models import AuditEntry
from fazhi.core.errors import RuleError
from fazhi.ledgers import activities, awards, corrections, targets
from fazhi.ledgers.models import Activity, Award, Target, TargetReport
from fazhi.ledgers.target_import import import_targets
from fazhi.orgs.models import Org

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date(2026, 7, 15)


def target_body(**kw):
    body = {
        "year": 2026,
        "indicator": "高新技术企业数",
        "unit": "家",
        "target": "50",
        "weight": "60",
        "source": "统计局",
        "department": "zy-gxq-kjj",
        "frequency": "quarterly",
    }
    return {**body, **kw}


def xlsx(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "单位", "目标值", "权重", "数据来源", "责任部门", "填报频次"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("目标.xlsx", buf.getvalue())


# ---------------------------------------------------------------- targets


def test_a_bad_target_is_refused_with_every_error_and_nothing_written(users):
    with pytest.raises(RuleError) as e:
        targets.add_target(
            users["office"], target_body(unit="", target="0", weight="x", frequency="yearly")
        )
    assert e.value.errors == {
        "unit": "请填写单位",
        "target": "目标值必须大于 0",
        "weight": "权重必须是数字",
        "frequency": "填报频次只能是：按月、按季度",
    }
    assert not Target.objects.exists()
    assert not AuditEntry.objects.filter(action="target.add").exists()


def test_only_the_zones_office_adds_targets(users):
    from django.core.exceptions import PermissionDenied

    for name in ("kjj", "leader", "city"):
        with pytest.raises(PermissionDenied):
            targets.add_target(users[name], target_body())
    t = targets.add_target(users["office"], target_body())
    assert t.zone.code == "zy-gxq" and t.department.code == "zy-gxq-kjj"
    assert AuditEntry.objects.filter(action="target.add").count() == 1
    with pytest.raises(RuleError, match="已有指标"):
        targets.add_target(users["office"], target_body())


def test_reports_give_completion_light_and_the_proportional_proposal(users, workcalendar):
    a = targets.add_target(users["office"], target_body())
    b = targets.add_target(
        users["office"],
        target_body(
            indicator="技术合同成交额",
            unit="亿元",
            target="10",
            weight="40",
            frequency="monthly",
            department="",
        ),
    )
    # the responsible department reports its indicator, with evidence
    rep = targets.report_figure(
        users["kjj"],
        a.pk,
        {"period": "2026-Q2", "value": "30"},
        SimpleUploadedFile("统计表.pdf", PDF),
        today=TODAY,
    )
    assert rep.period_end == date(2026, 6, 30) and rep.blob_id
    # kjj is not responsible for b: it does not even see it
    from django.http import Http404

    with pytest.raises(Http404):
        targets.report_figure(users["kjj"], b.pk, {"period": "2026-06", "value": "1"}, today=TODAY)
    targets.report_figure(users["office"], b.pk, {"period": "2026-06", "value": "12"}, today=TODAY)
    # a future period is refused, nothing written
    with pytest.raises(RuleError, match="尚未开始"):
        targets.report_figure(
            users["office"], b.pk, {"period": "2026-08", "value": "1"}, today=TODAY
        )
    assert TargetReport.objects.count() == 2
    s = summarise("targets", Org.objects.get(code="zy-gxq"), 2026, TODAY)
    # 60 × 30/50 + 40 × min(12/10, 1) = 36 + 40 = 76% of 29 = 22.04
    assert s.proposal.value == Decimal("22.04")
    assert "76.00%" in s.proposal.rule
    assert [f.shown() for f in s.figures] == ["2 项", "1 项", "76.0%"]
    assert s.rows[0][:2] == ("高新技术企业数", "家")
    # a period is reported once; a correction replaces its figure
    with pytest.raises(RuleError, match="已填报；如需更正"):
        targets.report_figure(users["kjj"], a.pk, {"period": "2026-Q2", "value": "50"}, today=TODAY)
    corrections.correct_report(
        users["kjj"], rep.pk, {"value": "50", "reason": "统计口径更正", "version": 1}, today=TODAY
    )
    assert summarise("targets", a.zone, 2026, TODAY).proposal.value == Decimal("29.00")
    assert [s.key for s in sources_for("13")] == ["targets"]


def test_a_quarter_owed_and_not_reported_is_named(users, workcalendar):
    t = targets.add_target(users["office"], target_body())
    targets.report_figure(users["kjj"], t.pk, {"period": "2026-Q1", "value": "10"}, today=TODAY)
    s = summarise("targets", t.zone, 2026, TODAY)
    assert s.missing == ("最近一期未按时填报的指标：高新技术企业数",)
    empty = summarise("targets", Org.objects.get(code="cd-gxq"), 2026, TODAY)
    assert empty.missing == ("未登记 2026 年主体考核目标（指标、目标值、权重）",)
    assert empty.proposal is None


def test_import_reports_bad_rows_by_cell_and_writes_nothing(users):
    bad = xlsx(
        [
            ["研发经费投入", "亿元", 5, 30, "统计局", "科技经济局", "季度"],
            ["高新技术企业数", "", 0, 20, "", "", "月"],
            ["新引进人才", "人", 100, 10, "", "不存在的局", "年"],
            ["研发经费投入", "亿元", 5, 30, "", "", "月"],
        ]
    )
    with pytest.raises(RuleError) as e:
        import_targets(users["office"], 2026, bad)
    assert e.value.errors == {
        "B3": "请填写单位",
        "C3": "目标值必须大于 0",
        "F4": "责任部门“不存在的局”不是资阳高新区的部门",
        "G4": "填报频次只能是：按月、按季度",
        "A5": "指标“研发经费投入”与第 2 行重复",
    }
    assert not Target.objects.exists()
    made = import_targets(
        users["office"],
        2026,
        xlsx(
            [
                ["研发经费投入", "亿元", 5.5, 30, "统计局", "科技经济局", "季度"],
                ["高企数", "家", 20, 70, "", "zy-gxq-sfj", "按月"],
            ]
        ),
    )
    assert [(t.indicator, t.target, t.department.code, t.frequency) for t in made] == [
        ("研发经费投入", Decimal("5.5"), "zy-gxq-kjj", "quarterly"),
        ("高新技术企业数"[:0] + "高企数", Decimal("20"), "zy-gxq-sfj", "monthly"),
    ]
    with pytest.raises(RuleError, match="第 1 行应为表头"):
        wb = Workbook()
        wb.active.append(["名称"])
        buf = io.BytesIO()
        wb.save(buf)
        import_targets(users["office"], 2026, SimpleUploadedFile("x.xlsx", buf.getvalue()))
    with pytest.raises(RuleError, match="无法读取"):
        import_targets(users["office"], 2026, SimpleUploadedFile("x.xlsx", b"not a workbook"))


# ---------------------------------------------------------------- activities


def activity_body(**kw):
    body = {
        "kind": "study",
        "status": "held",
        "held_on": "2026-03-10",
        "subject": "学习《科学技术进步法》",
        "attendees": "office, kjj",
        "public_headcount": "0",
    }
    return {**body, **kw}


def test_an_activity_in_the_future_recorded_as_held_is_refused(users):
    with pytest.raises(RuleError) as e:
        activities.record_activity(
            users["office"],
            activity_body(
                held_on="2026-08-01", subject="", attendees="office, nobody", public_headcount="-1"
            ),
            today=TODAY,
        )
    assert e.value.errors == {
        "held_on": "已开展的活动日期不能晚于今天（2026-07-15）",
        "subject": "请填写主题",
        "attendees": "不是本园区的用户：nobody",
        "public_headcount": "群众参与人数必须在 0 至 1000000 之间",
    }
    assert not Activity.objects.exists()
    planned = activities.record_activity(
        users["office"], activity_body(held_on="2026-08-01", status="planned"), today=TODAY
    )
    assert planned.status == "planned"


def test_activities_back_items_with_what_is_missing_named(users):
    zone = Org.objects.get(code="zy-gxq")
    s = summarise("study", zone, 2026, TODAY)
    assert s.missing == ("每年开展法治专题学习 1 次以上：2026 年已开展 0 次，至少应有 1 次",)
    a = activities.record_activity(
        users["kjj"],
        activity_body(),
        [("material", SimpleUploadedFile("签到表.pdf", PDF))],
        today=TODAY,
    )
    assert a.organiser.code == "zy-gxq-kjj" and a.attendee_count == 2
    s = summarise("study", zone, 2026, TODAY)
    assert s.missing == ()
    assert [f.shown() for f in s.figures] == ["1 次", "2 人次"]
    assert s.rows[0][2] == "学习《科学技术进步法》"
    # item 5: new-staff training held, daily training missing
    activities.record_activity(users["office"], activity_body(kind="new_staff"), today=TODAY)
    s5 = summarise("training", zone, 2026, TODAY)
    assert s5.missing == (
        "新进人员法律培训未上传佐证材料（培训计划、课程资料及签到表）",
        "日常工作培训设置法律专题课程：2026 年已开展 0 次，至少应有 1 次",
    )
    assert {s.key for c in ("1", "2", "4", "5", "14") for s in sources_for(c)} == {
        "annual-plan",
        "research",
        "study",
        "training",
        "publicity",
    }
    assert all(s.proposal is None for s in (summarise("research", zone, 2026, TODAY), s5))


def test_a_department_sees_its_own_activities_only(users):
    mine = activities.record_activity(users["kjj"], activity_body(), today=TODAY)
    other = activities.record_activity(
        users["office"], activity_body(organiser="zy-gxq-sfj"), today=TODAY
    )
    assert list(activities.activities_for(users["kjj"])) == [mine]
    assert set(activities.activities_for(users["leader"])) == {mine, other}
    assert not activities.activities_for(users["office2"]).exists()


# ---------------------------------------------------------------- awards


def award_body(**kw):
    body = {
        "kind": "award",
        "level": "provincial",
        "title": "法治建设先进集体",
        "issuer": "四川省科学技术厅",
        "on": "2026-05-20",
    }
    return {**body, **kw}


def test_awards_count_for_15_and_16_as_the_table_says(users):
    with pytest.raises(RuleError) as e:
        awards.record_award(
            users["office"],
            award_body(level="county", kind="practice", on="2027-01-01"),
            today=TODAY,
        )
    assert e.value.errors == {
        "level": "级别只能是：国家级、省部级、市级",
        "on": "日期不能晚于今天（2026-07-15）",
        "where": "经验做法推广须填写推广范围/地点",
    }
    assert not Award.objects.exists()
    awards.record_award(
        users["office"], award_body(), SimpleUploadedFile("表彰.pdf", PDF), today=TODAY
    )
    awards.record_award(users["office"], award_body(level="city"), today=TODAY)
    awards.record_award(
        users["office"],
        award_body(kind="practice", level="national", where="全国科技系统"),
        today=TODAY,
    )
    awards.record_award(
        users["office"], award_body(kind="practice", level="provincial", where="全省"), today=TODAY
    )
    zone = Org.objects.get(code="zy-gxq")
    s15, s16 = summarise("awards", zone, 2026, TODAY), summarise("practices", zone, 2026, TODAY)
    assert (s15.proposal.value, s16.proposal.value) == (1, 1)
    assert "市级不计" in s15.proposal.rule
    assert [r[-1] for r in s15.rows] == ["是", "否", "否", "否"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        awards.record_award(users["kjj"], award_body(), today=TODAY)
    assert not awards.awards_for(users["kjj"]).exists()


# ---------------------------------------------------------------- pages


def test_pages_show_actions_only_to_who_may_take_them(users, login, workcalendar):
    t = targets.add_target(users["office"], target_body())
    office, kjj, leader = login("office"), login("kjj"), login("leader")
    r = office.get("/targets/?year=2026")
    assert (
        r.status_code == 200
        and "登记指标" in r.content.decode()
        and "从 Excel 导入" in r.content.decode()
    )
    r = leader.get("/targets/?year=2026")
    assert "高新技术企业数" in r.content.decode() and "登记指标" not in r.content.decode()
    assert "填报实际完成数" in kjj.get(f"/targets/{t.pk}/").content.decode()
    assert "填报实际完成数" not in leader.get(f"/targets/{t.pk}/").content.decode()
    assert "登记活动" in kjj.get("/activities/").content.decode()
    assert "登记活动" not in leader.get("/activities/").content.decode()
    assert "登记表彰" in office.get("/awards/").content.decode()
    assert "登记表彰" not in kjj.get("/awards/").content.decode()


def test_a_refused_form_keeps_what_was_typed_beside_each_error(users, login):
    office = login("office")
    r = office.post("/targets/new/", target_body(unit="", target="-1", indicator="研发经费投入"))
    body = r.content.decode()
    assert r.status_code == 422
    assert "请填写单位" in body and "目标值必须大于 0" in body and 'value="研发经费投入"' in body
    r = office.post(
        "/targets/import/", {"year": "2026", "file": xlsx([["x", "", 1, 1, "", "", "月"]])}
    )
    assert r.status_code == 422 and "B2：请填写单位" in r.content.decode()
    r = office.post("/activities/new/", activity_body(held_on="2099-01-01"))
    assert r.status_code == 422 and "不能晚于今天" in r.content.decode()
    r = office.post("/awards/new/", award_body(level="x"))
    assert r.status_code == 422 and "级别只能是" in r.content.decode()
    assert not (Target.objects.exists() or Activity.objects.exists() or Award.objects.exists())


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_run_a_constant_number_of_queries(users, login, workcalendar):
    office = login("office")
    pages = ("/targets/?year=2026", "/activities/?year=2026", "/awards/?year=2026")

    def grow(n, start):
        for i in range(start, start + n):
            t = targets.add_target(users["office"], target_body(indicator=f"指标{i}"))
            targets.report_figure(
                users["office"], t.pk, {"period": "2026-Q1", "value": "1"}, today=TODAY
            )
            activities.record_activity(
                users["office"], activity_body(subject=f"学习{i}"), today=TODAY
            )
            awards.record_award(users["office"], award_body(title=f"表彰{i}"), today=TODAY)

    grow(2, 0)
    [_queries(office, p) for p in pages]  # the calendar and the session, read once
    small = [_queries(office, p) for p in pages]
    grow(8, 2)
    assert [_queries(office, p) for p in pages] == small
    zone = Org.objects.get(code="zy-gxq")
    for key in ("targets", "study", "awards"):
        with CaptureQueriesContext(connection) as ctx:
            summarise(key, zone, 2026, TODAY)
        assert len(ctx) <= 3, key


def test_files_download_only_for_who_sees_the_record(users, login):
    a = activities.record_activity(
        users["kjj"], activity_body(), [("photo", SimpleUploadedFile("现场.pdf", PDF))], today=TODAY
    )
    f = a.files.get()
    url = f"/activities/{a.pk}/files/{f.pk}/"
    assert login("kjj").get(url).status_code == 200
    assert login("office2").get(url).status_code == 404
    assert AuditEntry.objects.filter(action="activity.file.download").count() == 1
