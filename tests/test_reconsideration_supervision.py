"""行政复议 after acceptance: the simplified procedure turned ordinary with approval (第五十五条,
the period counted again from acceptance as 60 days), the 行政复议意见书 and its correction
report within 60 days (第七十六条), and 履行监督 of the decision (第七十七条) with its reminders
through the tick. Every refusal writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.core.errors import RuleError
from fazhi.enforcement.models import Reconsideration, ReconsiderationStep
from fazhi.enforcement.refresh import refresh_reconsiderations, remind_reconsiderations
from fazhi.workplan.models import Notification
from tests.test_reconsideration import act, apply

pytestmark = pytest.mark.django_db


def refused(case, call) -> dict:
    before = ReconsiderationStep.objects.filter(case=case).count()
    version = Reconsideration.objects.get(pk=case.pk).version
    with pytest.raises(RuleError) as e:
        call()
    assert ReconsiderationStep.objects.filter(case=case).count() == before
    assert Reconsideration.objects.get(pk=case.pk).version == version
    return getattr(e.value, "errors", None) or {e.value.field: e.value.message}


def simple_case(office):
    case = apply(office, simplified="1", simple_ground="warning")
    act(office, case, "accepted", "2025-03-05")
    return case


def periods(case):
    from fazhi.enforcement.reconsiderations import deadlines
    from fazhi.workdays.selectors import get_calendar

    case = Reconsideration.objects.get(pk=case.pk)
    return deadlines(case, list(case.steps.all()), get_calendar(), date(2025, 3, 20)).periods


def test_conversion_to_the_ordinary_procedure_recounts_60_days_from_acceptance(enf):
    office = enf["office"]
    case = simple_case(office)
    # 30 days from 5 March end on Fri 4 April, 清明 (4-6 April off): 7 April
    assert periods(case)["decide_simple"].due_on == date(2025, 4, 7)
    errors = refused(case, lambda: act(office, case, "converted", "2025-03-20"))
    assert "第五十五条" in errors["approved_by"] and "理由" in errors["note"]
    act(office, case, "converted", "2025-03-20", approved_by="复议机构负责人李四", note="案情复杂")
    case.refresh_from_db()
    assert not case.simplified and case.converted_on == date(2025, 3, 20)
    # 60 days from 5 March end on Sun 4 May, in the Labour Day holiday (1-5 May): 6 May
    assert "decide_simple" not in periods(case)
    assert periods(case)["decide"].due_on == date(2025, 5, 6)
    # the copy to the respondent is now due in 7 working days (3 under the simplified procedure)
    assert case.next_due == date(2025, 3, 14)
    step = ReconsiderationStep.objects.get(case=case, kind="converted")
    assert "李四" in step.note and "案情复杂" in step.note
    errors = refused(
        case, lambda: act(office, case, "converted", "2025-03-21", approved_by="李四", note="x")
    )
    assert "普通程序" in errors["kind"]
    # the ordinary period, and its extension, now apply: a decision on 20 April is in time
    act(office, case, "decided", "2025-04-20", decision_kind="uphold")
    case.refresh_from_db()
    assert case.state == "decided" and not case.decided_late


def test_without_conversion_the_simplified_period_holds(enf):
    office = enf["office"]
    case = simple_case(office)
    errors = refused(
        case, lambda: act(office, case, "decided", "2025-04-20", decision_kind="uphold")
    )
    assert "2025-04-07" in errors["on"]


def test_conversion_only_while_the_case_is_heard(enf):
    office = enf["office"]
    case = apply(office, simplified="1", simple_ground="warning")
    errors = refused(
        case, lambda: act(office, case, "converted", "2025-03-04", approved_by="李四", note="x")
    )
    assert "不能登记" in errors["kind"]


def test_the_opinion_letter_and_its_correction_report(enf):
    office = enf["office"]
    case = apply(office)
    act(office, case, "accepted", "2025-03-05")
    errors = refused(case, lambda: act(office, case, "correction_reported", "2025-03-06", note="x"))
    assert "没有制发" in errors["kind"]
    errors = refused(case, lambda: act(office, case, "opinion_issued", "2025-04-01"))
    assert "文号" in errors["note"]
    act(office, case, "opinion_issued", "2025-04-01", note="资高复意〔2025〕1号：规范立案审批")
    case.refresh_from_db()
    # 60 days from 1 April end on Sat 31 May, 端午 (31 May - 2 June off): 3 June
    assert case.opinion_issued_on == date(2025, 4, 1) and case.opinion_due == date(2025, 6, 3)
    errors = refused(case, lambda: act(office, case, "opinion_issued", "2025-04-02", note="x"))
    assert "2025-04-01" in errors["kind"]
    # reminded once per due date: from three working days before it
    assert remind_reconsiderations(date(2025, 5, 27)) == 0
    assert remind_reconsiderations(date(2025, 5, 29)) == 1
    assert remind_reconsiderations(date(2025, 5, 30)) == 0
    assert remind_reconsiderations(date(2025, 5, 30)) == 0
    note = Notification.objects.get(user=office, event__startswith="recon-opinion:")
    assert "2025-06-03" in note.text and "纠正情况" in note.text
    act(office, case, "correction_reported", "2025-05-30", note="已纠正")
    case.refresh_from_db()
    assert case.opinion_reported_on == date(2025, 5, 30) and case.opinion_due is None
    errors = refused(case, lambda: act(office, case, "correction_reported", "2025-05-30", note="y"))
    assert "已于 2025-05-30 报送" in errors["kind"]


def test_an_overdue_correction_report_lights_a_closed_case(enf):
    office = enf["office"]
    case = apply(office)
    act(office, case, "accepted", "2025-03-05")
    act(office, case, "opinion_issued", "2025-03-10", note="意见书")
    act(office, case, "decided", "2025-04-10", decision_kind="uphold")
    act(office, case, "performed", "2025-04-20")
    Reconsideration.objects.filter(pk=case.pk).update(overdue=False)
    refresh_reconsiderations(date(2025, 6, 1))  # due 9 May
    case.refresh_from_db()
    assert case.state == "closed" and case.overdue and case.opinion_due == date(2025, 5, 9)


def test_performance_supervision(enf, login):
    office = enf["office"]
    case = apply(office)
    act(office, case, "accepted", "2025-03-05")
    act(office, case, "copy_sent", "2025-03-10")
    act(office, case, "respondent_answered", "2025-03-20")
    errors = refused(
        case,
        lambda: act(
            office, case, "decided", "2025-04-01", decision_kind="uphold", perform_due="2025-05-01"
        ),
    )
    assert "须被申请人履行的决定" in errors["perform_due"]
    errors = refused(
        case,
        lambda: act(
            office,
            case,
            "decided",
            "2025-04-01",
            decision_kind="order_performance",
            perform_due="2025-04-01",
        ),
    )
    assert "须晚于决定" in errors["perform_due"]
    errors = refused(
        case,
        lambda: act(
            office,
            case,
            "decided",
            "2025-04-01",
            decision_kind="order_performance",
            perform_due="五月",
        ),
    )
    assert "履行期限" in errors["perform_due"]
    act(
        office,
        case,
        "decided",
        "2025-04-01",
        decision_kind="order_performance",
        perform_due="2025-05-15",
    )
    case.refresh_from_db()
    assert case.perform_due == date(2025, 5, 15) and case.next_due == date(2025, 5, 15)
    assert remind_reconsiderations(date(2025, 5, 15)) == 0  # not yet past its date
    assert remind_reconsiderations(date(2025, 5, 16)) == 1
    assert remind_reconsiderations(date(2025, 5, 20)) == 0  # once per date
    refresh_reconsiderations(date(2025, 5, 16))
    case.refresh_from_db()
    assert case.overdue
    html = login("office").get(f"/reconsideration/{case.pk}/").content.decode()
    assert 'id="perform-row" class="overdue"' in html and "责令限期履行" in html
    errors = refused(
        case, lambda: act(office, case, "performance_ordered", "2025-05-20", note="责令")
    )
    assert "请填写" in errors["perform_due"]
    act(
        office, case, "performance_ordered", "2025-05-20", perform_due="2025-06-20", note="责令履行"
    )
    refresh_reconsiderations(date(2025, 5, 21))  # the steps are recorded "today", 31 December
    case.refresh_from_db()
    assert case.perform_due == date(2025, 6, 20) and not case.overdue
    assert remind_reconsiderations(date(2025, 6, 23)) == 1  # the new date, reminded anew
    act(office, case, "performed", "2025-06-25", note="已履行")
    case.refresh_from_db()
    assert case.state == "closed" and case.performed_on == date(2025, 6, 25) and not case.overdue
    errors = refused(
        case,
        lambda: act(
            office, case, "performance_ordered", "2025-06-26", perform_due="2025-07-01", note="x"
        ),
    )
    assert "不能登记" in errors["kind"]


def test_the_page_and_the_api_offer_only_what_the_case_allows(enf, login, api):
    office = enf["office"]
    simple = simple_case(office)
    ordinary = apply(office)
    act(office, ordinary, "accepted", "2025-03-05")
    c = login("office")
    assert "转为普通程序" in c.get(f"/reconsideration/{simple.pk}/").content.decode()
    html = c.get(f"/reconsideration/{ordinary.pk}/").content.decode()
    assert "转为普通程序" not in html and "制发行政复议意见书" in html
    assert "收到纠正情况报告" not in html
    assert (
        "制发行政复议意见书"
        not in login("leader").get(f"/reconsideration/{simple.pk}/").content.decode()
    )
    body = api("office").get(f"/reconsideration/{simple.pk}").json()
    assert "converted" in body["allowed_steps"] and body["converted_on"] is None
    assert (
        "converted"
        not in api("office").get(f"/reconsideration/{ordinary.pk}").json()["allowed_steps"]
    )
    assert api("leader").get(f"/reconsideration/{simple.pk}").json()["allowed_steps"] == []
    r = api("office").post(
        f"/reconsideration/{simple.pk}/steps",
        {"kind": "converted", "on": "2025-03-20", "approved_by": "李四", "note": "复杂"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["converted_on"] == "2025-03-20" and r.json()["simplified"] is False
    r = api("office").post(
        f"/reconsideration/{ordinary.pk}/steps",
        {
            "kind": "decided",
            "on": "2025-04-01",
            "decision_kind": "annul",
            "perform_due": "2025-03-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "perform_due"
