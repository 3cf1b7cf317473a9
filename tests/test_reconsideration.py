"""行政复议 through the services and pages: registration, 补正, acceptance (silence = accepted),
the answer, the decision within 60 (+30 once) or 30 days, decision kinds, 履行监督."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core.errors import RuleError, RuleErrors
from fazhi.enforcement.models import Reconsideration, ReconsiderationStep
from fazhi.enforcement.reconsiderations import record_step, register
from tests.enforcement_fixtures import TODAY

pytestmark = pytest.mark.django_db


def apply(user, received="2025-03-03", **extra):
    data = {
        "received_on": received, "name": "张三", "id_number": "11010519491231002X",
        "phone": "13800138000", "respondent": "资阳高新区科技经济局",
        "act": "资高科罚〔2025〕1号行政处罚决定", "request": "撤销该处罚决定", **extra,
    }  # fmt: skip
    return register(user, data, today=TODAY)


def act(user, case, kind, on, **data):
    return record_step(user, case.pk, {"kind": kind, "on": on, **data}, today=TODAY)


def test_the_ordinary_procedure_end_to_end(enf):
    office = enf["office"]
    case = apply(office)
    assert case.applicant.name == "张三" and case.number.startswith("zy-gxq-FY-2025-")
    act(office, case, "accepted", "2025-03-07")
    act(office, case, "copy_sent", "2025-03-10")
    act(office, case, "respondent_answered", "2025-03-20")
    act(office, case, "decided", "2025-04-30", decision_kind="annul")
    act(office, case, "performed", "2025-05-20")
    case.refresh_from_db()
    assert case.state == "closed" and not case.decided_late and case.decision_kind == "annul"


def test_silence_past_five_working_days_means_accepted(enf, login):
    case = apply(enf["office"], received="2025-12-22")  # due 29 December; today is 31 December
    case.refresh_from_db()
    assert case.deemed_accepted
    html = login("office").get(f"/reconsideration/{case.pk}/").content.decode()
    assert "视为受理" in html and "2025-12-29" in html


def test_correction_restarts_the_acceptance_review(enf):
    office = enf["office"]
    case = apply(office, received="2025-03-03")
    act(office, case, "correction_requested", "2025-03-05")
    act(office, case, "corrected", "2025-03-12")
    case.refresh_from_db()
    assert case.state == "received"
    with pytest.raises(RuleError):  # a second correction notice is refused (一次性)
        act(office, case, "correction_requested", "2025-03-13")


def test_a_decision_past_60_days_without_extension_is_refused(enf):
    office = enf["office"]
    case = apply(office)
    act(office, case, "accepted", "2025-03-04")  # 60 days -> 3 May (holiday) -> 6 May
    with pytest.raises(RuleErrors) as e:
        act(office, case, "decided", "2025-05-07", decision_kind="uphold")
    assert "2025-05-06" in e.value.errors["on"] and "第六十二条" in e.value.errors["on"]
    assert not ReconsiderationStep.objects.filter(case=case, kind="decided").exists()


def test_one_extension_of_at_most_30_days(enf):
    office = enf["office"]
    case = apply(office)
    act(office, case, "accepted", "2025-03-04")
    with pytest.raises(RuleErrors) as e:
        act(office, case, "extended", "2025-04-20", days="31", approved_by="")
    assert {"days", "approved_by"} <= set(e.value.errors)
    act(office, case, "extended", "2025-04-20", days="30", approved_by="复议机构负责人")
    with pytest.raises(RuleErrors):
        act(office, case, "extended", "2025-04-21", days="1", approved_by="复议机构负责人")
    act(office, case, "decided", "2025-06-01", decision_kind="uphold")
    case.refresh_from_db()
    assert case.state == "decided" and not case.decided_late


def test_the_simplified_procedure_needs_a_ground_and_decides_within_30_days(enf):
    office = enf["office"]
    with pytest.raises(RuleErrors) as e:
        apply(office, simplified="1", simple_ground="small_amount", amount="5000")
    assert "第五十三条" in e.value.errors["simple_ground"]
    case = apply(office, simplified="1", simple_ground="small_amount", amount="2000")
    act(office, case, "accepted", "2025-03-04")  # 30 days -> 3 April
    with pytest.raises(RuleErrors) as e:
        act(office, case, "decided", "2025-04-07", decision_kind="uphold")
    assert "2025-04-03" in e.value.errors["on"]
    with pytest.raises(RuleErrors):
        act(office, case, "extended", "2025-03-20", days="10", approved_by="负责人")


def test_only_the_office_handles_reconsideration(enf):
    with pytest.raises(PermissionDenied):
        apply(enf["leader"])
    case = apply(enf["office"])
    with pytest.raises(PermissionDenied):
        act(enf["leader"], case, "accepted", "2025-03-04")
    assert Reconsideration.objects.count() == 1


def test_pages(enf, login):
    c = login("office")
    r = c.post(
        "/reconsideration/new/",
        {"received_on": "2025-03-03", "name": "李四", "request": "保留的请求"},
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "请填写被申请人" in html and "保留的请求" in html
    r = c.post(
        "/reconsideration/new/",
        {
            "received_on": "2025-03-03",
            "name": "李四",
            "respondent": "科技经济局",
            "act": "处罚",
            "request": "撤销",
        },
    )
    assert r.status_code == 302
    case = Reconsideration.objects.get()
    page = c.get(f"/reconsideration/{case.pk}/").content.decode()
    assert "登记受理" in page and "受理审查期限" in page
    r = c.post(f"/reconsideration/{case.pk}/steps/", {"kind": "rejected", "on": "2025-03-04"})
    assert r.status_code == 422 and "请填写理由" in r.content.decode()
    assert c.get("/reconsideration/").status_code == 200
    leader = login("leader").get(f"/reconsideration/{case.pk}/").content.decode()
    assert "下一步" not in leader and "李*" in leader
    assert date(2025, 3, 3) == case.received_on


def test_an_annulment_starts_the_withdrawal_of_the_linked_publication(officers, enf):
    from tests.enforcement_fixtures import decided_case, step

    office = enf["office"]
    penalty = decided_case(office, officers)
    step(office, penalty, "served", "2025-04-11")
    step(office, penalty, "published", "2025-04-14")
    case = apply(office, received="2025-04-20", enforcement_case=penalty.number)
    act(office, case, "accepted", "2025-04-21")
    act(office, case, "decided", "2025-05-06", decision_kind="annul")
    penalty.refresh_from_db()
    assert penalty.revoked_on == date(2025, 5, 6)
    assert penalty.next_due == date(2025, 5, 9)  # withdraw within 3 working days
    assert "撤销或部分撤销" in penalty.steps.get(kind="revoked").note
