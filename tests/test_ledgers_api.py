"""The ledgers' API (/api/v1/targets, /activities, /awards) and the ledgers' reminders."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from fazhi.ledgers import targets
from fazhi.ledgers.models import Target
from fazhi.ledgers.reminders import remind_targets_due
from fazhi.workplan.models import Notification
from fazhi.workplan.supervision import notify

pytestmark = pytest.mark.django_db


def body(**kw):
    b = {
        "year": 2026,
        "indicator": "研发经费投入",
        "unit": "亿元",
        "target": 10,
        "weight": 50,
        "department": "zy-gxq-kjj",
        "frequency": "monthly",
    }
    return {**b, **kw}


def test_targets_through_the_api(api, workcalendar):
    office, kjj = api("office"), api("kjj")
    r = office.post("/targets", body(unit="", target=-1, colour="red"))
    assert r.status_code == 422
    assert r.json()["field"] == "colour"  # an unknown field is named
    r = office.post("/targets", body(unit="", target=-1))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"unit", "target"}
    assert not Target.objects.exists()
    year = timezone.localdate().year
    r = office.post("/targets", body(year=year))
    assert r.status_code == 201, r.content
    t = r.json()
    assert (t["target"], t["actual"], t["department"]) == ("10", None, "zy-gxq-kjj")
    month = timezone.localdate().strftime("%Y-%m")
    r = kjj.post(f"/targets/{t['id']}/reports", {"period": month, "value": "4.5"})
    assert r.status_code == 201, r.content
    assert r.json()["value"] == "4.5"
    got = kjj.get(f"/targets/{t['id']}").json()
    assert got["actual"] == "4.5" and got["reports"][0]["period"] == month
    listing = office.get(f"/targets?year={year}").json()
    assert listing["weighted_completion"] == "0.4500"
    assert listing["proposal"]["value"] == "13.05"
    assert kjj.post("/targets", body(indicator="x")).status_code == 403
    assert api("office2").get(f"/targets/{t['id']}").status_code == 404
    assert (
        api("leader")
        .post(f"/targets/{t['id']}/reports", {"period": "2026-01", "value": 1})
        .status_code
        == 404
    )


def test_activities_and_awards_through_the_api(api):
    office, kjj = api("office"), api("kjj")
    r = kjj.post(
        "/activities",
        {
            "kind": "publicity",
            "held_on": "2026-01-05",
            "subject": "科技法治宣传周",
            "attendees": ["kjj"],
            "public_headcount": 300,
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["organiser"] == "zy-gxq-kjj" and r.json()["public_headcount"] == 300
    r = kjj.post("/activities", {"kind": "publicity", "held_on": "2999-01-01", "subject": "x"})
    assert r.status_code == 422 and r.json()["field"] == "held_on"
    assert [a["subject"] for a in office.get("/activities").json()] == ["科技法治宣传周"]
    assert office.get("/activities?kind=zzz").status_code == 422
    r = office.post(
        "/awards",
        {
            "kind": "instruction",
            "level": "national",
            "title": "批示",
            "issuer": "科技部",
            "on": "2026-01-02",
        },
    )
    assert r.status_code == 201 and r.json()["counts_for"] == ["15"]
    r = office.post(
        "/awards",
        {"kind": "award", "level": "县级", "title": "t", "issuer": "i", "on": "2026-01-02"},
    )
    assert r.status_code == 422 and r.json()["field"] == "level"
    got = office.get("/awards").json()
    assert got["proposals"]["15"]["value"] == "1" and got["proposals"]["16"]["value"] == "0"
    assert kjj.post("/awards", {"kind": "award"}).status_code == 403


def test_a_period_without_its_figure_is_reminded_once(users, workcalendar):
    t = targets.add_target(users["office"], {**body(frequency="quarterly"), "year": 2026})
    assert remind_targets_due(date(2026, 3, 31), notify) == 0  # Q1 not ended yet
    assert remind_targets_due(date(2026, 4, 2), notify) == 1  # kjj, the responsible department
    assert remind_targets_due(date(2026, 4, 3), notify) == 0  # once per event
    n = Notification.objects.get()
    assert n.user.username == "kjj" and "2026年第1季度" in n.text and n.url == f"/targets/{t.pk}/"
    targets.report_figure(
        users["kjj"], t.pk, {"period": "2026-Q2", "value": "3"}, today=date(2026, 7, 2)
    )
    assert remind_targets_due(date(2026, 7, 3), notify) == 0  # Q2 reported
    # without a responsible department the zone's office is told
    targets.add_target(users["office"], {**body(indicator="人才", department=""), "year": 2026})
    assert remind_targets_due(date(2026, 7, 3), notify) == 1
    assert Notification.objects.filter(user__username="office").count() == 1


def test_tick_sends_the_ledger_reminders(users, workcalendar):
    from fazhi.workplan.supervision import tick

    targets.add_target(users["office"], {**body(frequency="quarterly"), "year": 2026})
    tick(date(2026, 4, 2))
    assert Notification.objects.filter(event__startswith="target-report:").count() == 1
