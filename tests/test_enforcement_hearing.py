"""听证 and 陈述、申辩 on a case (行政处罚法第四十四条、第四十五条、第六十三条至第六十五条):
告知 offering a hearing as the rule file says, the party's request within 5 working days, the
notice 7 working days before the hearing, the statement recorded before the decision. Every
refusal writes nothing."""

from __future__ import annotations

import pytest

from fazhi.core.errors import RuleError, RuleErrors
from fazhi.enforcement.models import CaseStep, EnforcementCase
from tests.enforcement_fixtures import open_clue, step

FINE = {"penalty_kind": "fine", "amount": "20000", "hearing_told": "1"}
DECISION = {
    "decision_kind": "penalty", "penalty_kind": "fine", "amount": "20000",
    "decision_no": "资高科罚〔2025〕8号", "decision_text": "罚款二万元", "legal_basis": "某法第一条",
}  # fmt: skip


def notified_case(enf, officers, **notice):
    """A case of a person told on Mon 15 Sep 2025 of a fine of 20000 yuan and of the right
    to a hearing (the request window: 16-19, 22 September)."""
    office = enf["office"]
    case = open_clue(office, "2025-09-01")
    step(office, case, "filed", "2025-09-01", officers=[officers["wang"].pk, officers["zhao"].pk])
    step(office, case, "investigated", "2025-09-10", note="调查终结报告")
    step(office, case, "notified", "2025-09-15", **(notice or FINE))
    return case


def refused(case, count_before, call):
    with pytest.raises(RuleError) as e:
        call()
    assert CaseStep.objects.filter(case=case).count() == count_before
    return e.value.errors if isinstance(e.value, RuleErrors) else {e.value.field: e.value.message}


def test_the_whole_hearing_in_order(officers, enf):
    office = enf["office"]
    case = notified_case(enf, officers)
    n = CaseStep.objects.filter(case=case).count()
    errors = refused(case, n, lambda: step(office, case, "hearing_requested", "2025-09-23"))
    assert "2025-09-22" in errors["on"] and "视为放弃听证" in errors["on"]
    step(office, case, "hearing_requested", "2025-09-22")
    case.refresh_from_db()
    assert case.state == "hearing"
    n += 1
    # the notice: hearing no sooner than 7 working days after it (26 Sep -> 13 Oct, across
    # the National Day holiday), with the place; both problems at once
    errors = refused(
        case,
        n,
        lambda: step(office, case, "hearing_noticed", "2025-09-26", hearing_on="2025-10-12"),
    )
    assert "最早于 2025-10-13 举行" in errors["hearing_on"] and "地点" in errors["note"]
    errors = refused(case, n, lambda: step(office, case, "hearing_noticed", "2025-09-26", note="x"))
    assert errors["hearing_on"] == "请填写听证日期"
    errors = refused(
        case,
        n,
        lambda: step(office, case, "hearing_noticed", "2025-09-26", hearing_on="十月", note="x"),
    )
    assert "听证日期" in errors["hearing_on"]
    step(office, case, "hearing_noticed", "2025-09-26", hearing_on="2025-10-13", note="局会议室")
    n += 1
    errors = refused(case, n, lambda: step(office, case, "heard", "2025-10-10", note="笔录"))
    assert "2025-10-13" in errors["on"]
    step(office, case, "heard", "2025-10-13", note="当事人到场陈述")
    n += 1
    # the decision needs the statement recorded; a statement "made" needs its content
    errors = refused(case, n, lambda: step(office, case, "decided", "2025-10-20", **DECISION))
    assert "陈述、申辩" in errors["kind"]
    errors = refused(
        case, n, lambda: step(office, case, "statement", "2025-10-14", statement="made")
    )
    assert "主要内容" in errors["note"]
    errors = refused(case, n, lambda: step(office, case, "statement", "2025-10-14", statement="x"))
    assert "made" in errors["statement"]
    step(office, case, "statement", "2025-10-14", statement="made", note="申辩罚款过重，未采纳")
    step(office, case, "decided", "2025-10-20", **DECISION)
    case.refresh_from_db()
    assert case.state == "decided"
    s = CaseStep.objects.get(case=case, kind="hearing_noticed")
    assert s.data["hearing_on"] == "2025-10-13"


def test_no_hearing_request_when_the_penalty_does_not_qualify(officers, enf):
    case = notified_case(enf, officers, penalty_kind="warning")
    n = CaseStep.objects.filter(case=case).count()
    errors = refused(case, n, lambda: step(enf["office"], case, "hearing_requested", "2025-09-16"))
    assert "未告知当事人听证权利" in errors["kind"]


def test_no_decision_while_the_party_may_still_ask_for_a_hearing(officers, enf):
    office = enf["office"]
    case = notified_case(enf, officers)
    step(office, case, "statement", "2025-09-16", statement="none")
    n = CaseStep.objects.filter(case=case).count()
    errors = refused(case, n, lambda: step(office, case, "decided", "2025-09-22", **DECISION))
    assert "期限至 2025-09-22" in errors["on"]
    step(office, case, "decided", "2025-09-23", **DECISION)
    assert EnforcementCase.objects.get(pk=case.pk).state == "decided"


def test_hearing_steps_in_the_wrong_state_are_refused(officers, enf):
    office = enf["office"]
    case = notified_case(enf, officers)
    for kind in ("hearing_noticed", "heard"):
        with pytest.raises(RuleError) as e:
            step(office, case, kind, "2025-09-16", hearing_on="2025-10-13", note="x")
        assert "不能登记" in e.value.message
    before = open_clue(office, "2025-09-01")
    with pytest.raises(RuleError):
        step(office, before, "statement", "2025-09-02", statement="waived")


def test_the_case_page_offers_the_hearing_notice_only_during_the_hearing(officers, enf, login):
    office = enf["office"]
    case = notified_case(enf, officers)
    c = login("office")
    html = c.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "登记陈述、申辩" in html and "登记申请听证" in html and "登记听证通知" not in html
    step(office, case, "hearing_requested", "2025-09-17")
    html = c.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "登记听证通知" in html and 'name="hearing_on" type="date"' in html
    assert (
        "登记听证通知" not in login("leader").get(f"/enforcement/cases/{case.pk}/").content.decode()
    )
    r = c.post(
        f"/enforcement/cases/{case.pk}/steps/",
        {
            "kind": "hearing_noticed",
            "on": "2025-09-26",
            "hearing_on": "2025-10-10",
            "note": "会议室",
        },
    )
    html = r.content.decode()
    assert r.status_code == 422 and "最早于 2025-10-13 举行" in html and "会议室" in html


def test_the_api_takes_the_hearing_date_and_the_statement(officers, enf, api):
    office = enf["office"]
    case = notified_case(enf, officers)
    step(office, case, "hearing_requested", "2025-09-17")
    client = api("office")
    url = f"/enforcement/cases/{case.pk}/steps"
    r = client.post(
        url,
        {
            "kind": "hearing_noticed",
            "on": "2025-09-26",
            "hearing_on": "2025-10-10",
            "note": "会议室",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "hearing_on"
    r = client.post(
        url,
        {
            "kind": "hearing_noticed",
            "on": "2025-09-26",
            "hearing_on": "2025-10-13",
            "note": "会议室",
        },
    )
    assert r.status_code == 200, r.content
    r = client.post(url, {"kind": "statement", "on": "2025-09-26", "statement": "waived"})
    assert r.status_code == 200, r.content


def test_the_hearing_flag_of_the_notice_must_be_a_yes_or_no(officers, enf):
    office = enf["office"]
    case = open_clue(office, "2025-09-01")
    step(office, case, "filed", "2025-09-01", officers=[officers["wang"].pk, officers["zhao"].pk])
    step(office, case, "investigated", "2025-09-10", note="调查终结报告")
    n = CaseStep.objects.filter(case=case).count()
    errors = refused(
        case,
        n,
        lambda: step(office, case, "notified", "2025-09-15", **{**FINE, "hearing_told": "也许"}),
    )
    assert "true 或 false" in errors["hearing_told"]
