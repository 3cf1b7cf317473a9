"""执法案件 through the services: officers and certificates, 转立案 from a complaint, the steps
with their refusals (nothing written), periods and 公示."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.audit.models import AuditEntry
from fazhi.core.errors import RuleError, RuleErrors
from fazhi.enforcement.models import CaseStep, EnforcementCase, Officer
from fazhi.enforcement.officers import remind_certificates, update_officer
from fazhi.workplan.models import Notification
from tests.enforcement_fixtures import add_officer, decided_case, open_clue, step

pytestmark = pytest.mark.django_db


def test_an_officer_is_registered_and_a_duplicate_certificate_refused(officers, enf):
    assert Officer.objects.count() == 4
    with pytest.raises(RuleErrors) as e:
        add_officer(enf["office"], "", "51200001", valid_to="2019-01-01")
    assert set(e.value.errors) == {"name", "cert_no", "valid_to"}
    assert "已登记" in e.value.errors["cert_no"]
    assert Officer.objects.count() == 4


def test_only_the_office_registers_officers(enf):
    with pytest.raises(PermissionDenied):
        add_officer(enf["kjj"], "王五", "51200001")


def test_certificates_expiring_or_expired_are_reminded_once(officers, enf):
    add_officer(enf["office"], "钱九", "51200009", valid_to="2026-02-01")  # within 60 days
    assert remind_certificates(date(2025, 12, 31)) > 0
    texts = set(Notification.objects.values_list("text", flat=True))
    assert any("钱九" in t and "将于 2026-02-01 到期" in t for t in texts)
    assert any("孙七" in t and "已于 2025-03-31 到期" in t for t in texts)
    assert not any("王五" in t for t in texts)
    assert remind_certificates(date(2025, 12, 31)) == 0  # once per event


def test_a_clue_from_a_complaint_links_both_ways(officers, enf, complaint):
    case = open_clue(enf["office"], complaint=complaint)
    assert case.source == "complaint" and case.complaint == complaint
    assert list(complaint.enforcement_cases.all()) == [case]
    assert case.party.name == "王小明"  # decrypted on read, stored encrypted
    assert case.next_due == date(2025, 3, 26)  # 立案期限: 15 working days from 5 March
    assert AuditEntry.objects.filter(action="registers.case.to_enforcement").exists()


def test_a_disclosure_request_cannot_become_a_case(officers, enf, complaint):
    complaint.kind = "disclosure"
    complaint.save()
    with pytest.raises(RuleErrors) as e:
        open_clue(enf["office"], complaint=complaint)
    assert "依申请公开" in e.value.errors["complaint"]


def test_filing_needs_two_certified_officers_and_writes_nothing_when_refused(officers, enf):
    case = open_clue(enf["office"])
    for ids, expected in (
        ([officers["wang"].pk], "不得少于 2 人"),
        ([officers["wang"].pk, officers["sun"].pk], "孙七的执法证（51200003）已于 2025-03-31 到期"),
    ):
        with pytest.raises(RuleError) as e:
            step(enf["office"], case, "filed", "2025-04-02", officers=ids)
        assert expected in e.value.message
    assert CaseStep.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.state == "clue" and case.version == 1
    # on a day when 孙七's certificate was valid, the filing passes
    step(
        enf["office"],
        case,
        "filed",
        "2025-03-10",
        officers=[officers["wang"].pk, officers["sun"].pk],
    )
    case.refresh_from_db()
    assert case.state == "filed" and case.handlers.count() == 2


def test_the_whole_way_to_the_archive(officers, enf):
    case = decided_case(enf["office"], officers)
    assert case.state == "decided" and case.decision_no == "资高科罚〔2025〕1号"
    step(enf["kjj"], case, "served", "2025-04-11", note="直接送达")
    step(enf["kjj"], case, "published", "2025-04-14")
    step(enf["kjj"], case, "executed", "2025-04-20")
    step(enf["kjj"], case, "closed", "2025-04-21")
    step(enf["office"], case, "archived", "2025-04-30")
    case.refresh_from_db()
    assert case.state == "archived" and not case.overdue and not case.decided_late
    assert case.published_on == date(2025, 4, 14)


def test_a_major_decision_without_legal_review_is_refused(officers, enf):
    case = open_clue(enf["office"])
    step(
        enf["office"],
        case,
        "filed",
        "2025-03-10",
        officers=[officers["wang"].pk, officers["zhao"].pk],
        major="1",
    )
    step(enf["office"], case, "investigated", "2025-03-20", note="报告")
    step(enf["office"], case, "notified", "2025-03-25", penalty_kind="warning")
    step(enf["office"], case, "statement", "2025-03-25", statement="none")
    with pytest.raises(RuleErrors) as e:
        step(
            enf["office"], case, "decided", "2025-04-10", decision_kind="penalty",
            penalty_kind="warning", decision_no="", decision_text="警告", legal_basis="",
        )  # fmt: skip
    assert {"kind", "decision_no", "legal_basis"} <= set(e.value.errors)
    assert "法制审核" in e.value.errors["kind"]
    case.refresh_from_db()
    assert case.state == "notified"


def test_a_decision_after_90_days_needs_an_approved_extension(officers, enf):
    case = open_clue(enf["office"])
    step(
        enf["office"],
        case,
        "filed",
        "2025-03-10",
        officers=[officers["wang"].pk, officers["zhao"].pk],
    )
    step(enf["office"], case, "investigated", "2025-05-20", note="报告")
    step(enf["office"], case, "notified", "2025-05-25", penalty_kind="warning")
    step(enf["office"], case, "statement", "2025-05-25", statement="none")
    body = {
        "decision_kind": "penalty", "penalty_kind": "warning", "decision_no": "资高科罚〔2025〕2号",
        "decision_text": "警告", "legal_basis": "某法第一条",
    }  # fmt: skip
    with pytest.raises(RuleErrors) as e:
        step(enf["office"], case, "decided", "2025-06-10", **body)  # due 8 June (Sun) -> 9 June
    assert "2025-06-09" in e.value.errors["on"]
    # an extension after the period ran out is refused too; one decided in time is accepted
    with pytest.raises(RuleError):
        step(
            enf["office"],
            case,
            "extended",
            "2025-06-10",
            period="decide",
            days="30",
            approved_by="局长",
        )
    case.refresh_from_db()
    assert case.overdue is False or case.next_due is not None


def test_an_extension_in_time_allows_the_later_decision(officers, enf):
    case = open_clue(enf["office"])
    step(
        enf["office"],
        case,
        "filed",
        "2025-03-10",
        officers=[officers["wang"].pk, officers["zhao"].pk],
    )
    step(
        enf["office"],
        case,
        "extended",
        "2025-06-01",
        period="decide",
        days="30",
        approved_by="局长张三",
    )
    step(enf["office"], case, "investigated", "2025-06-05", note="报告")
    step(enf["office"], case, "notified", "2025-06-06", penalty_kind="warning")
    step(enf["office"], case, "statement", "2025-06-06", statement="none")
    step(
        enf["office"], case, "decided", "2025-06-20", decision_kind="penalty", penalty_kind="warning",
        decision_no="资高科罚〔2025〕3号", decision_text="警告", legal_basis="某法第一条",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.state == "decided" and not case.decided_late


def test_hearing_rights_must_be_told_for_a_large_fine(officers, enf):
    case = open_clue(enf["office"])
    step(
        enf["office"],
        case,
        "filed",
        "2025-03-10",
        officers=[officers["wang"].pk, officers["zhao"].pk],
    )
    step(enf["office"], case, "investigated", "2025-03-20", note="报告")
    with pytest.raises(RuleErrors) as e:
        step(enf["office"], case, "notified", "2025-03-25", penalty_kind="fine", amount="20000")
    assert "听证" in e.value.errors["hearing_told"]
    step(
        enf["office"],
        case,
        "notified",
        "2025-03-25",
        penalty_kind="fine",
        amount="20000",
        hearing_told="1",
    )


def test_publication_before_a_decision_is_refused(officers, enf):
    case = open_clue(enf["office"])
    with pytest.raises(RuleError) as e:
        step(enf["office"], case, "published", "2025-03-06")
    assert "尚未作出决定" in e.value.message


def test_revocation_starts_the_three_day_withdrawal(officers, enf):
    case = decided_case(enf["office"], officers)
    step(enf["office"], case, "published", "2025-04-14")
    with pytest.raises(RuleErrors):
        step(enf["office"], case, "publication_withdrawn", "2025-04-15")
    step(enf["office"], case, "revoked", "2025-05-06", note="复议撤销")
    case.refresh_from_db()
    assert case.next_due is not None and case.next_due <= date(2025, 5, 9)
    step(enf["office"], case, "publication_withdrawn", "2025-05-08")
    case.refresh_from_db()
    assert case.withdrawn_on == date(2025, 5, 8)


def test_an_uncertified_officer_cannot_be_recorded_on_a_later_step(officers, enf):
    case = decided_case(enf["office"], officers)
    with pytest.raises(RuleError) as e:
        step(enf["office"], case, "served", "2025-04-11", officers=[officers["sun"].pk])
    assert "孙七" in e.value.message


def test_another_department_cannot_act(officers, enf, users, orgs):
    from fazhi.orgs.services import add_user
    from tests.conftest import PASSWORD

    sfj = add_user("sfj", PASSWORD, "department", "zy-gxq-sfj", must_change=False)
    case = open_clue(enf["office"])
    from django.http import Http404

    with pytest.raises(Http404):
        step(sfj, case, "not_filed", "2025-03-06", note="不属实")
    with pytest.raises(PermissionDenied):
        step(users["leader"], case, "not_filed", "2025-03-06", note="不属实")


def test_officer_update_keeps_the_version(officers, enf):
    o = officers["wang"]
    update_officer(enf["office"], o.pk, {"version": 1, "revoked": True})
    o.refresh_from_db()
    assert o.revoked and o.version == 2
    case = open_clue(enf["office"])
    with pytest.raises(RuleError) as e:
        step(enf["office"], case, "filed", "2025-03-10", officers=[o.pk, officers["zhao"].pk])
    assert "注销或暂扣" in e.value.message
    assert EnforcementCase.objects.get(pk=case.pk).state == "clue"


def test_tick_refreshes_deadlines_and_reminds_once(officers, enf):
    from django.core.management import call_command

    from fazhi.enforcement.refresh import refresh

    case = open_clue(enf["office"], received="2025-12-15")  # 立案期限 15 working days -> 2026-01-06
    EnforcementCase.objects.filter(pk=case.pk).update(next_due=None, overdue=False)
    result = refresh(date(2026, 1, 7))
    case.refresh_from_db()
    assert result.changed == 1 and case.next_due == date(2026, 1, 6) and case.overdue
    assert refresh(date(2026, 1, 7)).changed == 0  # idempotent
    call_command("tick", today="2026-01-05")
    texts = list(
        Notification.objects.filter(event__startswith="enforcement-due").values_list(
            "text", flat=True
        )
    )
    assert texts and all("将于 2026-01-06 到期" in t for t in texts)
    before = Notification.objects.count()
    call_command("tick", today="2026-01-05")
    assert Notification.objects.count() == before


def test_a_major_decision_is_reported_up_and_reviewed_by_the_city(officers, enf):
    from fazhi.enforcement.filing import review_filing

    minor = decided_case(enf["office"], officers)
    with pytest.raises(RuleErrors) as e:
        step(enf["office"], minor, "reported_up", "2025-04-11")
    assert "重大执法决定" in e.value.errors["kind"]
    case = decided_case(enf["office"], officers, major=True)
    with pytest.raises(RuleError):
        review_filing(enf["city"], case.pk, {"result": "approved"})  # not reported yet
    step(enf["office"], case, "reported_up", "2025-04-15")
    with pytest.raises(PermissionDenied):
        review_filing(enf["office"], case.pk, {"result": "approved"})
    with pytest.raises(RuleErrors) as e:
        review_filing(enf["city"], case.pk, {"result": "corrected", "opinion": ""})
    assert "审查意见" in e.value.errors["opinion"]
    review_filing(enf["city"], case.pk, {"result": "corrected", "opinion": "裁量过轻，请重新审查"})
    case.refresh_from_db()
    assert case.filing_result == "corrected" and case.filing_reviewer == enf["city"]
    assert Notification.objects.filter(event=f"enforcement-filing:{case.pk}").exists()
    with pytest.raises(RuleError):
        review_filing(enf["province"], case.pk, {"result": "approved"})
