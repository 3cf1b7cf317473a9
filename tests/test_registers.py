"""The registers (台账): disclosure requests and complaints through the services and the staff API.

Deadlines in 2025 with the State Council calendar: a request received on Monday 3 March
2025 is due on 31 March (20 working days, none of them a holiday); the dates below are
counted by hand from that calendar.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from openpyxl import load_workbook

from fazhi.core.errors import RuleError
from fazhi.registers import states
from fazhi.registers.events import record_event
from fazhi.registers.figures import register_figures
from fazhi.registers.models import Case, CaseEvent, RuleSetVersion
from fazhi.registers.refresh import refresh
from fazhi.registers.rules import RulesRefused, load_rules, load_shipped
from fazhi.registers.selectors import RegisterFilter, register
from fazhi.registers.services import register_case
from fazhi.workdays.selectors import get_calendar

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
D = date
TODAY = D(2025, 6, 30)


@pytest.fixture
def reg(workcalendar, users, settings):
    settings.FAZHI_TODAY = TODAY  # the register's today, for services and the API alike
    load_shipped(ROOT / "rules")
    return users


def disclosure(users, received="2025-03-03", channel="post", today=TODAY, **extra):
    data = {
        "kind": "disclosure",
        "zone": "zy-gxq",
        "channel": channel,
        "received_on": received,
        "name": "张三丰",
        "phone": "138 0013 8000",
        "email": "zhang@example.com",
        "address": "四川省资阳市雁江区某路1号",
        "id_number": "11010519491231002X",
        "subject": "2024年科技项目资金安排",
        "content": "请提供2024年度科技项目资金安排文件",
        **extra,
    }
    return register_case(users["office"], data, today=today)[0]


def complaint(users, received="2025-03-03", channel="hotline", **extra):
    data = {
        "kind": "complaint",
        "zone": "zy-gxq",
        "channel": channel,
        "received_on": received,
        "name": "李四",
        "phone": "13900139000",
        "subject": "项目验收拖延",
        "content": "某项目验收拖延半年",
        **extra,
    }
    return register_case(users["office"], data, today=TODAY)[0]


def act(user, case, kind, on, **data):
    return record_event(user, case.pk, {"kind": kind, "on": on, **data}, today=TODAY)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def refused(fn, *args, **kwargs) -> RuleError:
    with pytest.raises(RuleError) as exc:
        fn(*args, **kwargs)
    return exc.value


# ---------------------------------------------------------------- rule sets as data


def test_rules_load_once_and_show(reg, tmp_path, capsys):
    assert set(RuleSetVersion.objects.values_list("kind", "version")) == {
        ("disclosure", 3),
        ("complaint", 3),
        ("enforcement", 2),  # 行政执法 (with 听证) and 行政复议 (with 第七十六条), issue 13
        ("reconsideration", 2),
    }
    again = load_shipped(ROOT / "rules")
    assert [created for _, created in again] == [False, False, False, False]
    changed = tmp_path / "disclosure.yaml"
    changed.write_text(
        (ROOT / "rules" / "disclosure.yaml")
        .read_text(encoding="utf-8")
        .replace("length: 20", "length: 15", 1),
        encoding="utf-8",
    )
    with pytest.raises(RulesRefused) as exc:
        load_rules(changed)
    assert "已载入且内容不同" in exc.value.errors[0]
    bumped = tmp_path / "disclosure2.yaml"
    bumped.write_text(
        changed.read_text(encoding="utf-8").replace("version: 3", "version: 4"), encoding="utf-8"
    )
    row, created = load_rules(bumped)
    assert created and row.version == 4 and row.content["periods"][0]["length"] == 15
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: disclosure\ntitle: x\nversion: 1\nperiods:\n  - code: reply\n    unit: weeks\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesRefused) as exc:
        load_rules(bad)
    assert all(str(bad) in e for e in exc.value.errors)
    call_command("rules", "show", "disclosure", "--version", "3")
    out = capsys.readouterr().out
    assert "答复期限：20个工作日" in out and "第三十三条" in out
    assert "可延长，合计不超过 20 个工作日" in out
    call_command("rules", "show", "complaint")
    assert "依据 《中华人民共和国民法典》第二百零一条、第二百零三条" in capsys.readouterr().out
    call_command("rules", "load")  # no path: the shipped rules/*.yaml, unchanged
    assert "内容相同" in capsys.readouterr().out
    call_command("rules", "validate", str(ROOT / "rules" / "complaint.yaml"))
    assert "有效" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("rules", "validate", str(bad))


def test_a_case_keeps_the_rules_it_was_received_under(reg, tmp_path):
    old = disclosure(reg)
    text = (ROOT / "rules" / "disclosure.yaml").read_text(encoding="utf-8")
    newer = tmp_path / "d.yaml"
    newer.write_text(
        text.replace("version: 3", "version: 4").replace("length: 20", "length: 10", 1),
        encoding="utf-8",
    )
    load_rules(newer)
    new = disclosure(reg)
    assert fresh(old).reply_due == D(2025, 3, 31) and fresh(old).rules.version == 3
    assert fresh(new).reply_due == D(2025, 3, 17) and fresh(new).rules.version == 4


# ---------------------------------------------------------------- the state machine


def test_state_machine_table():
    assert states.next_state("disclosure", "received", "accepted") == "accepted"
    assert states.next_state("disclosure", "accepted", "extended") == "accepted"
    assert states.next_state("complaint", "replied", "review_requested") == "review_requested"
    for kind, state, event, words in [
        ("disclosure", "received", "replied", "尚未受理"),
        ("disclosure", "consulting", "replied", "征求第三方意见"),
        ("disclosure", "replied", "replied", "不能重复答复"),
        ("disclosure", "replied", "extended", "已答复"),
        ("disclosure", "closed", "accepted", "已办结"),
        ("complaint", "received", "consultation_started", "没有"),
        ("disclosure", "received", "received", "登记时"),
        ("disclosure", "received", "nonsense", "未知"),
    ]:
        with pytest.raises(RuleError) as exc:
            states.next_state(kind, state, event)
        assert words in exc.value.message and exc.value.field == "kind"
    assert states.allowed_events("disclosure", "received") == [
        "correction_requested",
        "accepted",
        "assigned",
        "transferred",
    ]
    # every target is a state, every source a state (as the rule files declare them)
    for row in states.table():
        assert set(row["from"]) <= set(states.STATES)
        assert row["to"] is None or row["to"] in states.STATES


# ---------------------------------------------------------------- disclosure requests


def test_disclosure_deadlines_follow_the_events(reg):
    office = reg["office"]
    case = disclosure(reg)
    assert case.tracking_no.startswith("YSQ-2025-") and len(case.tracking_no) == 17
    assert fresh(case).reply_due == D(2025, 3, 31)  # 20 working days, receipt day not counted
    act(
        office,
        case,
        "correction_requested",
        "2025-03-05",
        text="请写明文件名称或文号",
        correction_due="2025-03-20",
    )
    assert (
        fresh(case).state == "correction_requested" and fresh(case).next_due is None
    )  # the clock stands
    # a correction request is made once (一次性告知), and within 7 working days of receipt
    act(office, case, "corrected", "2025-03-12")
    assert fresh(case).reply_due == D(
        2025, 4, 10
    )  # 20 working days from the corrected request (Qingming 4 Apr)
    err = refused(
        act,
        office,
        case,
        "correction_requested",
        "2025-03-13",
        text="再补",
        correction_due="2025-03-20",
    )
    assert "一次性" in err.message
    act(office, case, "accepted", "2025-03-12")
    act(office, case, "consultation_started", "2025-03-17", third_party="某科技公司")
    assert fresh(case).state == "consulting"
    err = refused(act, office, case, "replied", "2025-03-18", reply_type="disclosed", text="见附件")
    assert "征求第三方意见" in err.message
    act(office, case, "consultation_ended", "2025-03-24")
    assert fresh(case).reply_due == D(2025, 4, 17)  # paused 5 working days
    ev = act(
        office,
        case,
        "extended",
        "2025-04-10",
        days=20,
        reason="需协调多个部门",
        notified_on="2025-04-10",
    )
    assert (
        ev.period == "reply"
        and ev.data["approver"] == "office"
        and ev.data["reason"] == "需协调多个部门"
    )
    c = fresh(case)
    assert c.reply_due == D(2025, 5, 19)
    assert c.attachments.filter(name__contains="延期答复告知书").exists()
    err = refused(act, office, case, "extended", "2025-04-11", days=5, reason="再延")
    assert err.message.startswith("答复期限延长的期限合计不得超过 20 个工作日")
    act(
        office,
        case,
        "replied",
        "2025-05-12",
        reply_type="partial",
        ground="third_party",
        text="部分涉及第三方商业秘密",
    )
    c = fresh(case)
    assert c.state == "replied" and not c.replied_late and c.next_due is None and c.letter_id
    act(office, case, "closed", "2025-05-13")
    assert fresh(case).state == "closed" and fresh(case).closed_on == D(2025, 5, 13)
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "received",
        "correction_requested",
        "corrected",
        "accepted",
        "consultation_started",
        "consultation_ended",
        "extended",
        "replied",
        "closed",
    ]


def test_disclosure_refusals(reg):
    office, kjj = reg["office"], reg["kjj"]
    case = disclosure(reg)
    assert (
        "尚未受理"
        in refused(
            act, office, case, "replied", "2025-03-10", reply_type="disclosed", text="x"
        ).message
    )
    assert (
        "尚未受理"
        in refused(act, office, case, "extended", "2025-03-10", days=5, reason="x").message
    )
    act(office, case, "accepted", "2025-03-04")
    assert (
        "晚于今天"
        in refused(act, office, case, "consultation_started", "2025-12-01", third_party="x").message
    )
    assert (
        "早于上一次"
        in refused(act, office, case, "consultation_started", "2025-03-03", third_party="x").message
    )
    # extension: office only, reason required, at most 20 working days, before the due date
    act(office, case, "assigned", "2025-03-04", department="zy-gxq-kjj")
    with pytest.raises(PermissionDenied):
        act(kjj, case, "extended", "2025-03-20", days=5, reason="x")
    assert refused(act, office, case, "extended", "2025-03-20", days=5).field == "reason"
    assert refused(act, office, case, "extended", "2025-03-20", days=21, reason="x").field == "days"
    assert (
        "届满" in refused(act, office, case, "extended", "2025-04-01", days=5, reason="x").message
    )
    # reply: type required, ground for withholding, text
    assert refused(act, kjj, case, "replied", "2025-03-20", text="x").field == "reply_type"
    assert (
        refused(act, kjj, case, "replied", "2025-03-20", reply_type="withheld", text="x").field
        == "ground"
    )
    assert (
        refused(
            act, kjj, case, "replied", "2025-03-20", reply_type="withheld", ground="x", text="x"
        ).field
        == "ground"
    )
    assert refused(act, kjj, case, "replied", "2025-03-20", reply_type="disclosed").field == "text"
    assert (
        refused(
            act,
            kjj,
            case,
            "replied",
            "2025-03-20",
            reply_type="disclosed",
            ground="state_secret",
            text="x",
        ).field
        == "ground"
    )
    assert (
        refused(
            act, kjj, case, "replied", "2025-03-20", reply_type="disclosed", text="x", extra=1
        ).field
        == "extra"
    )
    assert (
        refused(
            act, kjj, case, "replied", "2025-03-20", reply_type="disclosed", text="x" * 4001
        ).field
        == "text"
    )
    # the department may reply; it may not close
    act(
        kjj,
        case,
        "replied",
        "2025-03-20",
        reply_type="not_responsible",
        agency="资阳市市场监督管理局",
        text="请向该局申请",
    )
    with pytest.raises(PermissionDenied):
        act(kjj, case, "closed", "2025-03-21")
    assert (
        "不能重复答复"
        in refused(
            act, office, case, "replied", "2025-03-21", reply_type="disclosed", text="x"
        ).message
    )


def test_no_correction_in_time_is_abandoned(reg):
    office = reg["office"]
    case = disclosure(reg)
    act(
        office,
        case,
        "correction_requested",
        "2025-03-04",
        text="请写明所需信息",
        correction_due="2025-03-14",
    )
    assert "尚未届满" in refused(act, office, case, "abandoned", "2025-03-14").message
    act(office, case, "abandoned", "2025-03-17")
    c = fresh(case)
    assert c.state == "abandoned" and c.next_due is None and not c.overdue
    act(office, case, "closed", "2025-03-17")
    # a correction request after the 7 working days is refused by the rules
    late = disclosure(reg)
    assert (
        "补正告知期限"
        in refused(
            act,
            office,
            late,
            "correction_requested",
            "2025-03-13",
            text="x",
            correction_due="2025-03-30",
        ).message
    )


def test_reply_letter_is_a_docx_with_number_and_type(reg):
    from docx import Document

    from fazhi.registers.services import letter_of

    office = reg["office"]
    case = disclosure(reg)
    act(office, case, "accepted", "2025-03-04")
    act(
        office,
        case,
        "replied",
        "2025-03-20",
        reply_type="withheld",
        ground="state_secret",
        text="<script>alert(1)</script>经审查属于国家秘密",
    )
    name, content = letter_of(office, case.pk)
    assert name.endswith(".docx") and case.tracking_no in name
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert (
        case.tracking_no in text
        and "不予公开" in text
        and "属于国家秘密" in text
        and "张三丰" in text
    )
    assert "<script>alert(1)</script>" in text  # kept as text, never interpreted
    assert "第三十六条第（三）项" in text
    # the letter names the applicant: the handling staff only
    with pytest.raises(PermissionDenied):
        letter_of(reg["leader"], case.pk)
    with pytest.raises(Http404):
        letter_of(reg["office2"], case.pk)


# ---------------------------------------------------------------- complaints


def test_complaint_lifecycle_with_transfer_and_review(reg):
    office, kjj = reg["office"], reg["kjj"]
    case = complaint(reg, anonymous=True, name="应被忽略")
    assert case.tracking_no.startswith("TS-2025-") and case.anonymous and case.person_id is None
    assert fresh(case).next_due == D(2025, 3, 18)  # accept within 15 days
    act(office, case, "assigned", "2025-03-04", department="zy-gxq-sfj")
    assert (
        refused(act, office, case, "assigned", "2025-03-05", department="zy-gxq-kjj").field
        == "department"
    )
    assert (
        refused(act, office, case, "transferred", "2025-03-05", department="zy-gxq-kjj").field
        == "reason"
    )
    assert (
        refused(
            act, office, case, "transferred", "2025-03-05", department="cd-gxq", reason="x"
        ).field
        == "department"
    )
    act(
        office,
        case,
        "transferred",
        "2025-03-05",
        department="zy-gxq-kjj",
        reason="属科技经济局职责",
    )
    assert fresh(case).department.code == "zy-gxq-kjj"
    from fazhi.workplan.models import Notification

    assert Notification.objects.filter(user=kjj, text__contains=case.tracking_no).exists()
    assert (
        "尚未受理"
        in refused(act, kjj, case, "replied", "2025-03-06", outcome="unfounded", text="x").message
    )
    act(office, case, "accepted", "2025-03-10")
    assert fresh(case).next_due == D(2025, 5, 9)  # 60 days from acceptance
    act(office, case, "extended", "2025-05-08", days=30, reason="案情复杂")
    assert fresh(case).next_due == D(2025, 6, 9)  # 8 June is a Sunday: rolls to Monday
    act(kjj, case, "replied", "2025-05-30", outcome="partly", text="已责令整改", publish=True)
    c = fresh(case)
    assert (
        c.state == "replied" and c.next_due is None
    )  # the complainant's review window is not a duty
    act(office, case, "review_requested", "2025-06-20", reason="对处理结果不服")
    assert fresh(case).next_due == D(2025, 7, 21)  # 30 days (20 July is a Sunday)
    from docx import Document

    from fazhi.registers.services import letter_of

    _, content = letter_of(kjj, case.pk)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert (
        "投诉举报处理结果告知书" in text
        and case.tracking_no in text
        and "情况部分属实" in text
        and "来信人" in text
    )
    assert fresh(case).attachments.filter(name__contains="延期办理告知书").exists()
    act(kjj, case, "review_replied", "2025-06-28", outcome="partly", text="维持原处理意见")
    # 复核 (issue 16 item 2): the 复查意见 received 06-29; requested 06-30, due 06-30 + 30 =
    # Wed 07-30 (the register's today is 2025-06-30).
    act(office, case, "review_delivered", "2025-06-29")
    act(office, case, "recheck_requested", "2025-06-30", reason="对复查意见不服")
    assert (fresh(case).state, fresh(case).next_due) == ("recheck_requested", D(2025, 7, 30))
    act(kjj, case, "recheck_replied", "2025-06-30", outcome="partly", text="维持复查意见")
    assert fresh(case).next_due is None
    act(office, case, "closed", "2025-06-30")
    assert fresh(case).state == "closed"
    again = refused(act, office, case, "review_requested", "2025-06-30", reason="再次反映")
    assert again.message == "复核意见已作出：以同一事实和理由再次提出的不再受理"


def test_complaint_refusals(reg):
    office = reg["office"]
    case = complaint(reg)
    act(office, case, "rejected", "2025-03-05", reason="不属于本机关职责")
    assert fresh(case).state == "rejected"
    assert (
        "不予受理"
        in refused(
            act, office, case, "replied", "2025-03-06", outcome="unfounded", text="x"
        ).message
    )
    late = complaint(reg)
    act(office, late, "accepted", "2025-03-04")
    act(office, late, "replied", "2025-03-10", outcome="unfounded", text="经核查不属实")
    # The window runs from the complainant's receipt (03-12), not the reply: 03-12 + 30 = Fri 04-11.
    act(office, late, "reply_delivered", "2025-03-12")
    assert (
        refused(act, office, late, "review_requested", "2025-04-14").message
        == "申请复查须在申请复查期限（30 日，至 2025-04-11）内作出，2025-04-14 已超过期限"
    )
    assert (
        refused(act, office, late, "recheck_requested", "2025-04-01").message
        == "尚未复查，不能申请复核：请先申请复查"
    )
    with pytest.raises(RuleError):  # complaints have no consultation step
        act(office, late, "consultation_started", "2025-03-11", third_party="x")


# ---------------------------------------------------------------- scope and personal data


def test_scope_and_masking(reg, api):
    office = reg["office"]
    mine = complaint(reg)
    act(office, mine, "assigned", "2025-03-04", department="zy-gxq-kjj")
    other = complaint(reg)
    assert api("office2").get(f"/registers/cases/{mine.pk}").status_code == 404
    assert (
        api("office2")
        .post(f"/registers/cases/{mine.pk}/events", {"kind": "accepted", "on": "2025-03-05"})
        .status_code
        == 404
    )
    assert api("kjj").get(f"/registers/cases/{other.pk}").status_code == 404
    listed = api("kjj").get("/registers/cases").json()
    assert [r["tracking_no"] for r in listed["results"]] == [mine.tracking_no]
    assert api("admin").get("/registers/cases").json()["count"] == 0
    full = api("kjj").get(f"/registers/cases/{mine.pk}?today=2025-03-05").json()
    assert (
        full["person"]["phone"] == "13900139000"
        and full["person"]["name"] == "李四"
        and not full["person"]["masked"]
    )
    assert (
        api("office").get(f"/registers/cases/{mine.pk}?today=2025-03-05").json()["person"]["name"]
        == "李四"
    )
    for who in ("leader", "city"):
        shown = api(who).get(f"/registers/cases/{mine.pk}?today=2025-03-05").json()
        assert (
            shown["person"]["masked"]
            and shown["person"]["phone"] == "139****9000"
            and shown["person"]["name"] == "李*"
        )
        assert shown["allowed_events"] == []
        r = api(who).post(
            f"/registers/cases/{mine.pk}/events", {"kind": "accepted", "on": "2025-03-05"}
        )
        assert r.status_code == 403
    # the department may not do what only the office does
    r = api("kjj").post(
        f"/registers/cases/{mine.pk}/events", {"kind": "accepted", "on": "2025-03-05"}
    )
    assert r.status_code == 403 and "创建办" in r.json()["detail"]


# ---------------------------------------------------------------- the register


def test_register_filters(reg):
    office = reg["office"]
    a = disclosure(reg, received="2025-06-02")  # due 2025-06-30 (Dragon Boat 2 June is a holiday)
    b = complaint(reg, received="2025-06-20", phone="13711112222")  # accept due 2025-07-07
    c = disclosure(reg, received="2025-05-06")
    act(office, c, "accepted", "2025-05-07")  # due 2025-06-03: overdue on TODAY
    act(office, b, "assigned", "2025-06-21", department="zy-gxq-kjj")
    cal = get_calendar()
    assert cal  # loaded

    def found(**kw):
        return {x.tracking_no for x in register(office, RegisterFilter(**kw), TODAY)}

    assert found(kind="complaint") == {b.tracking_no}
    assert found(overdue=True) == {c.tracking_no}
    assert found(overdue=False) == {a.tracking_no, b.tracking_no}
    assert found(due_within=0) == {a.tracking_no}
    assert found(due_within=7) == {a.tracking_no, b.tracking_no}
    assert found(department="zy-gxq-kjj") == {b.tracking_no}
    assert found(state="accepted") == {c.tracking_no}
    assert found(state="open") == {a.tracking_no, b.tracking_no, c.tracking_no}
    assert found(q=b.tracking_no[-8:].lower()) == {b.tracking_no}
    assert found(q="137 1111 2222") == {b.tracking_no}  # blind index, normalised
    assert found(q="13711112223") == set()
    assert found(year=2024) == set()
    assert [x.tracking_no for x in register(office, RegisterFilter(order="due"), TODAY)] == [
        c.tracking_no,
        a.tracking_no,
        b.tracking_no,
    ]


def test_register_api_and_export(reg, api):
    disclosure(reg)
    complaint(reg, subject='=HYPERLINK("http://evil")')
    r = api("office").get("/registers/cases?kind=complaint&today=2025-03-05")
    assert (
        r.status_code == 200 and r.json()["count"] == 1 and "person" not in r.json()["results"][0]
    )
    assert api("office").get("/registers/cases?due_within=abc").json()["field"] == "due_within"
    assert api("office").get("/registers/cases?state=nope").json()["field"] == "state"
    r = api("leader").get("/registers/cases/export.xlsx?today=2025-03-05")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "受理编号" in values and '\'=HYPERLINK("http://evil")' in values
    assert "13900139000" not in values and "李四" not in values
    assert api("admin").get("/registers/cases/export.xlsx").status_code == 403


def test_register_case_input_errors(reg, api):
    office = api("office")
    base = {
        "kind": "disclosure",
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": "2025-03-03",
        "name": "张三",
        "phone": "13800138000",
        "subject": "s",
        "content": "c",
    }
    for change, field in [
        ({"phone": "12345"}, "phone"),
        ({"phone": "", "email": ""}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "名" * 51}, "name"),
        ({"subject": None}, "subject"),
        ({"content": "x" * 4001}, "content"),
        ({"channel": "hotline"}, "channel"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"received_on": "3 March"}, "received_on"),
        ({"zone": "nope"}, "zone"),
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"tracking_no": "YSQ-1"}, "tracking_no"),
        ({"anonymous": True}, "anonymous"),
        ({"delivery": "post", "address": ""}, "address"),
        ({"kind": "x"}, "kind"),
    ]:
        r = office.post("/registers/cases", {**base, **change})
        assert r.status_code == 422 and r.json()["field"] == field, (change, r.json())
    assert api("office2").post("/registers/cases", base).status_code == 404
    assert api("leader").post("/registers/cases", base).status_code == 403
    r = office.post(
        "/registers/cases", {**base, "subject": "<b>加粗</b><img src=x onerror=alert(1)>"}
    )
    assert r.status_code == 201 and r.json()["subject"] == "<b>加粗</b><img src=x onerror=alert(1)>"
    assert len(r.json()["query_code"]) == 8


def test_attachments_go_through_the_evidence_store(reg):
    from fazhi.registers.services import add_attachment, open_attachment

    case = disclosure(reg)
    err = refused(
        add_attachment,
        reg["office"],
        case.pk,
        SimpleUploadedFile("申请.pdf", b"MZ\x90\x00 not a pdf"),
    )
    assert err.field == "file"
    item = add_attachment(
        reg["office"],
        case.pk,
        SimpleUploadedFile("申请.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    )
    name, f = open_attachment(reg["office"], case.pk, item.pk)
    assert name == "申请.pdf" and f.read().startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        open_attachment(reg["leader"], case.pk, item.pk)


def test_refresh_recomputes_overdue(reg):
    case = disclosure(reg)
    Case.objects.filter(pk=case.pk).update(next_due=None, overdue=False, reply_due=None)
    result = refresh(D(2025, 4, 1))
    assert result.cases == 1 and result.changed == 1 and result.overdue == 1
    c = fresh(case)
    assert c.overdue and c.reply_due == D(2025, 3, 31) and c.next_due == D(2025, 3, 31)
    assert refresh(D(2025, 4, 2)).changed == 0  # idempotent
    call_command("registers", "refresh", "--today", "2025-03-10")
    assert not fresh(case).overdue


def test_calendar_gap_is_recorded_not_guessed(reg):
    data = {
        "kind": "disclosure",
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": "2026-12-20",
        "name": "张三",
        "phone": "13800138000",
        "subject": "s",
        "content": "c",
    }
    case = register_case(reg["office"], data, today=D(2026, 12, 21))[0]
    # Received Sun 2026-12-20: 12-21..25, 12-28..31 are 9 working days; 2027 by weekends
    # only: Fri 01-01 (10), 01-04..08 (15), 01-11..15 (20) -> 2027-01-15 at the earliest, 暂定.
    c = fresh(case)
    assert (c.next_due, c.reply_due, c.deadline_error) == (D(2027, 1, 15), D(2027, 1, 15), "")
    assert c.deadline_note.startswith("暂定：2027 年节假日安排尚未录入")
    assert Case.objects.filter(pk=case.pk, next_due__lt=D(2027, 1, 18)).exists()  # filters use it


def test_entering_the_year_recomputes_the_tentative_dates(reg, django_capture_on_commit_callbacks):
    from fazhi.workdays.services import add_year, set_day

    case = disclosure(reg, received="2026-12-20", today=D(2026, 12, 21))
    assert fresh(case).reply_due == D(2027, 1, 15) and fresh(case).deadline_note
    with django_capture_on_commit_callbacks(execute=True):
        add_year(2027, "国务院办公厅关于2027年部分节假日安排的通知", None)
    assert fresh(case).deadline_note == "" and fresh(case).reply_due == D(2027, 1, 15)
    with django_capture_on_commit_callbacks(execute=True):
        set_day("2027-01-01", "rest", "元旦", None)
    # 01-01 now rests: 9 in 2026, then 01-04..08 (14), 01-11..15 (19), Mon 01-18 (20).
    c = fresh(case)
    assert (c.reply_due, c.next_due, c.deadline_note) == (D(2027, 1, 18), D(2027, 1, 18), "")


# ---------------------------------------------------------------- figures and reports


def _small_data_set(reg):
    """Two disclosure requests and three complaints in 2025, one disclosure request from 2024."""
    office = reg["office"]
    d1 = disclosure(reg, received="2025-03-03", channel="online")
    act(office, d1, "accepted", "2025-03-04")
    act(
        office, d1, "replied", "2025-03-14", reply_type="disclosed", text="见附件"
    )  # 9 working days, on time
    d2 = disclosure(
        reg,
        received="2025-03-03",
        channel="post",
        applicant_kind="organisation",
        name="某科技有限公司",
    )
    act(office, d2, "accepted", "2025-03-04")
    act(
        office,
        d2,
        "replied",
        "2025-04-02",
        reply_type="withheld",
        ground="state_secret",
        text="属于国家秘密",
    )  # late
    c1 = complaint(reg, received="2025-03-03", channel="hotline")
    act(office, c1, "accepted", "2025-03-05")
    act(office, c1, "replied", "2025-03-25", outcome="substantiated", text="已处理")
    c2 = complaint(reg, received="2025-03-03", channel="box", anonymous=True)
    act(office, c2, "rejected", "2025-03-05", reason="无具体事实")
    complaint(
        reg, received="2025-04-01", channel="hotline"
    )  # never accepted: overdue from 2025-04-17
    return d1, d2


def test_register_figures_on_a_small_data_set(reg):
    d1, d2 = _small_data_set(reg)
    from fazhi.orgs.models import Org

    figures = register_figures(Org.objects.get(code="zy-gxq"), 2025, get_calendar(), TODAY)
    d, c = figures["disclosure"], figures["complaint"]
    assert d["received"] == 2 and d["by_channel"] == {"in_person": 0, "post": 1, "online": 1}
    assert (
        d["replied"] == 2
        and d["replied_on_time"] == 1
        and d["replied_late"] == 1
        and d["on_time_rate"] == 0.5
    )
    assert d["overdue"] == 1 and d["open"] == 0
    assert d["average_days_to_reply"] == 20.5  # (11 + 30) / 2 calendar days
    assert d["average_workdays_to_reply"] == 15.5  # (9 + 22) / 2 working days
    assert c["received"] == 3 and c["by_channel"]["hotline"] == 2 and c["by_channel"]["box"] == 1
    assert c["replied"] == 1 and c["on_time_rate"] == 1.0 and c["rejected"] == 1
    assert c["overdue"] == 1 and c["open_overdue"] == 1 and c["open"] == 1
    assert c["average_days_to_reply"] == 22.0
    assert (
        register_figures(Org.objects.get(code="zy-gxq"), 2024, get_calendar(), TODAY)["disclosure"][
            "received"
        ]
        == 0
    )
    assert fresh(d2).replied_late and not fresh(d1).replied_late


def test_annual_report_xlsx(reg, api):
    office = reg["office"]
    _small_data_set(reg)
    old = disclosure(reg, received="2024-12-27")  # carried over from 2024
    Case.objects.filter(pk=old.pk).update(received_on=D(2024, 12, 27))
    CaseEvent.objects.filter(case=old).update(on=D(2024, 12, 27))
    act(office, old, "accepted", "2025-01-02")
    act(office, old, "replied", "2025-01-20", reply_type="not_exist", text="经检索不存在")
    act(office, old, "appealed", "2025-02-10", appeal="reconsideration", result="upheld")
    open_case = disclosure(
        reg, received="2025-12-30", today=D(2026, 1, 5)
    )  # carried forward to 2026
    assert open_case
    r = api("office").get("/registers/annual-report.xlsx?year=2025")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = {
        row[0].value: [c.value for c in row[1:]]
        for row in wb["依申请公开情况"].iter_rows(min_row=3)
    }
    assert rows["一、本年新收政府信息公开申请数量"] == [2, 1, 3]
    assert rows["二、上年结转政府信息公开申请数量"] == [1, 0, 1]
    assert rows["三、本年度办理结果 （一）予以公开"] == [1, 0, 1]
    assert rows["（三）不予公开 1.属于国家秘密"] == [0, 1, 1]
    assert rows["（四）无法提供 1.本机关不掌握相关政府信息（信息不存在）"] == [1, 0, 1]
    assert rows["（七）总计"] == [2, 1, 3]
    assert rows["四、结转下年度继续办理"] == [1, 0, 1]
    appeals = [[c.value for c in row] for row in wb["复议诉讼"].iter_rows(min_row=3)]
    assert appeals[0] == ["行政复议", 1, 0, 0, 0, 1]
    assert (
        api("office2").get("/registers/annual-report.xlsx?year=2025&zone=zy-gxq").status_code == 404
    )
    assert api("kjj").get("/registers/annual-report.xlsx?year=2025").status_code == 403
    assert (
        api("city").get("/registers/annual-report.xlsx?year=2025").status_code == 200
    )  # its only zone


def test_evidence_cannot_be_dated_at_will(reg, assessment, api, settings):
    """The probe: ?today=2000-01-01 filed an evidence summary "as of" any date."""
    from fazhi.audit.models import AuditEntry

    office = api("office")
    url = f"/registers/assessments/{assessment.pk}/items/11/figures"
    for query in ("?today=2000-01-01", "?as_of=2000-01-01", "?as_of=2025-12-31", "?as_of=x"):
        r = office.post(url + query)
        assert r.status_code == 422, query
        assert r.json()["field"] in ("today", "as_of") and r.json()["detail"]
    assert not AuditEntry.objects.filter(action="evidence.summary.attach").exists()
    # the year closed: its year-end figure may be filed, and says so
    settings.FAZHI_TODAY = D(2026, 2, 10)
    r = office.post(url + "?as_of=2025-12-31")
    assert r.status_code == 201, r.content
    assert "年末数截至2025-12-31（2026-02-10生成）" in r.json()["name"]
    after = json.loads(AuditEntry.objects.get(action="evidence.summary.attach").after)
    assert after["as_of"] == "2025-12-31" and after["generated_on"] == "2026-02-10"
    assert after["year_end"] is True and after["source"] == "complaints"
    assert after["figures"]["收到件数"] == "0"


def test_attach_figures_as_evidence_on_item_8(reg, assessment, api):
    from fazhi.assessments.models import Evidence
    from fazhi.assessments.summaries import attach_summary

    _small_data_set(reg)
    item = attach_summary(reg["office"], assessment.pk, "8", "disclosure")
    assert Evidence.objects.filter(
        pk=item.pk, result__indicator__code="8", result__assessment=assessment
    ).exists()
    assert (
        item.name.endswith(".xlsx") and "2025-06-30" in item.name and item.blob.file_type == "xlsx"
    )
    from fazhi.assessments.evidence import open_blob

    with open_blob(item.blob) as f:
        ws = load_workbook(io.BytesIO(f.read())).active
    cells = {row[0].value: row[1].value for row in ws.iter_rows(min_row=4) if row[0].value}
    assert cells["收到件数"] == 2 and cells["按期答复率"] == 0.5
    with open_blob(item.blob) as f:
        records = load_workbook(io.BytesIO(f.read()))["记录"]
    listed = list(records.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in listed] == [
        c.tracking_no for c in Case.objects.filter(kind="disclosure").order_by("id")
    ]
    assert all(r[1].startswith("2025-") for r in listed)
    r = api("office").post(f"/registers/assessments/{assessment.pk}/items/11/figures")
    assert r.status_code == 201 and "投诉举报" in r.json()["name"]
    assert (
        api("leader").post(f"/registers/assessments/{assessment.pk}/items/12/figures").status_code
        == 403
    )
    assert (
        api("office2").post(f"/registers/assessments/{assessment.pk}/items/12/figures").status_code
        == 404
    )
    assert (
        api("office").post(f"/registers/assessments/{assessment.pk}/items/99/figures").status_code
        == 404
    )
