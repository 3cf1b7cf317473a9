"""Handover notifications: each handover tells whoever acts next, once, with a link to the page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail

from fazhi.core.errors import RuleError
from fazhi.orgs.services import add_user
from fazhi.registers.events import record_event
from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped
from fazhi.registers.services import register_case
from fazhi.workdays.selectors import get_calendar
from fazhi.workplan.models import Notification
from fazhi.workplan.notices import issue_notice, reply_notice
from fazhi.workplan.progress import decide_extension, request_extension
from fazhi.workplan.supervision import tick
from tests.conftest import PASSWORD
from tests.test_api_assessments import fill_all, url
from tests.test_workplan import assign

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def notes(user, prefix: str):
    return list(Notification.objects.filter(user=user, event__startswith=prefix))


def test_extension_request_and_decision(plan, users, settings, api):
    settings.EMAIL_HOST = "smtp.example"  # the e-mail copy carries the same link
    users["office"].email = "office@example.com"
    users["office"].save()
    t = assign(plan, users, "一.1", due="2025-10-31")
    ext = request_extension(
        users["kjj"], t.pk, {"new_due": "2025-11-28", "reason": "待审查"}, today=date(2025, 10, 20)
    )
    (n,) = notes(users["office"], f"extension:{ext.pk}:")
    assert (
        n.url == f"/tasks/{t.pk}/#extensions" and "2025-11-28" in n.text and "科技经济局" in n.text
    )
    assert notes(users["kjj"], "extension:") == []  # the requester is not told of its own act
    assert len(mail.outbox) == 1 and f"/tasks/{t.pk}/#extensions" in mail.outbox[0].body
    decide_extension(users["office"], ext.pk, True, "同意", today=date(2025, 10, 21))
    (n,) = notes(users["kjj"], f"extension:{ext.pk}:")
    assert "已批准" in n.text and "同意" in n.text and n.url.endswith("#extensions")
    assert len(notes(users["office"], "extension:")) == 1
    (listed,) = [x for x in api("kjj").get("/notifications").json() if x["url"]]
    assert listed["url"] == f"/tasks/{t.pk}/#extensions"


def test_a_refused_request_tells_nobody(plan, users):
    t = assign(plan, users, "一.1", due="2025-10-31")
    with pytest.raises(RuleError):
        request_extension(
            users["kjj"], t.pk, {"new_due": "2025-10-01", "reason": "x"}, today=date(2025, 10, 20)
        )
    assert Notification.objects.filter(event__startswith="extension:").count() == 0


def test_notice_reply_goes_to_the_office(plan, users):
    assign(plan, users, "一.1")
    n = issue_notice(
        users["office"],
        plan.pk,
        {"to_org": "zy-gxq-kjj", "task": "一.1", "text": "请加快", "reply_due": "2025-11-10"},
        today=date(2025, 11, 3),
    )
    reply_notice(users["kjj"], n.pk, "已完成初稿", today=date(2025, 11, 4))
    (got,) = notes(users["office"], f"notice:{n.pk}:replied")
    assert got.url == f"/plans/{plan.pk}/notices/#notice-{n.pk}" and "科技经济局" in got.text


def test_assessment_submitted_returned_accepted(assessment, api, users):
    office, city = api("office"), api("city")
    fill_all(office, assessment)
    assert office.post(url(assessment) + "/submit").status_code == 200
    link = f"/assessments/{assessment.pk}/"
    (n,) = notes(users["city"], f"assessment:{assessment.pk}:submitted")
    assert n.url == link and "已提交" in n.text
    # the city bureau above the zone reviews first; neither the province nor another city is told
    assert notes(users["province"], "assessment:") == notes(users["city2"], "assessment:") == []
    city.post(url(assessment) + "/return", {"reason": "第 13 项佐证不足"})
    (n,) = notes(users["office"], f"assessment:{assessment.pk}:returned")
    assert "第 13 项佐证不足" in n.text and n.url == link
    assert office.post(url(assessment) + "/submit").status_code == 200
    assert len(notes(users["city"], f"assessment:{assessment.pk}:submitted")) == 2  # resubmitted
    city.post(url(assessment) + "/accept")
    (n,) = notes(users["office"], f"assessment:{assessment.pk}:accepted")
    assert "已通过" in n.text


@pytest.fixture
def reg(workcalendar, users, settings):
    settings.FAZHI_TODAY = date(2025, 6, 30)
    load_shipped(ROOT / "rules")
    users["sfj"] = add_user("sfj", PASSWORD, "department", "zy-gxq-sfj", must_change=False)
    return users


def a_case(users, received="2025-03-03") -> Case:
    data = {
        "kind": "disclosure",
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": received,
        "name": "张三丰",
        "phone": "13800138000",
        "subject": "2024年科技项目资金安排",
        "content": "请提供2024年度科技项目资金安排文件",
    }
    return register_case(users["office"], data, today=date(2025, 6, 30))[0]


def hand(users, case, kind, on="2025-03-04", **data):
    record_event(
        users["office"], case.pk, {"kind": kind, "on": on, **data}, today=date(2025, 6, 30)
    )


def workdays_before(due: date, n: int) -> date:
    cal = get_calendar()
    return next(
        due - timedelta(days=k)
        for k in range(1, 15)
        if cal.workdays_between(due - timedelta(days=k), due) == n
    )


def test_case_assigned_and_transferred_reach_the_handler(reg):
    case = a_case(reg)
    hand(reg, case, "assigned", department="zy-gxq-kjj")
    (n,) = notes(reg["kjj"], f"case:{case.pk}:")
    assert n.url == f"/registers/cases/{case.pk}/" and "交办" in n.text
    assert notes(reg["office"], f"case:{case.pk}:") == []  # the office assigned it itself
    hand(reg, case, "transferred", on="2025-03-05", department="zy-gxq-sfj", reason="职责")
    (n,) = notes(reg["sfj"], f"case:{case.pk}:")
    assert "转办" in n.text and n.url == f"/registers/cases/{case.pk}/"


def test_case_due_within_three_working_days_reminded_once(reg):
    case = a_case(reg)
    hand(reg, case, "assigned", department="zy-gxq-kjj")
    due = Case.objects.get(pk=case.pk).next_due
    four_before, three_before = workdays_before(due, 4), workdays_before(due, 3)
    event = f"case-due:{case.pk}:"
    tick(four_before)
    assert notes(reg["kjj"], event) == []
    tick(three_before)
    (n,) = notes(reg["kjj"], event)
    assert str(due) in n.text and n.url == f"/registers/cases/{case.pk}/"
    assert tick(three_before).reminders == 0 and tick(due).reminders == 0
    assert notes(reg["office"], event) == []  # assigned: the department handles it
