"""层级监督: a reconsideration decision reported up and reviewed by the body above (the same
filing review as a major penalty decision), and the typed API of inspections and filing
reviews. Bad input refused with the field named, nothing written."""

from __future__ import annotations

import pytest

from fazhi.enforcement.models import Finding, InspectionPlan, Reconsideration
from fazhi.workplan.models import Notification
from tests.enforcement_fixtures import decided_case, step
from tests.test_reconsideration import act, apply

pytestmark = pytest.mark.django_db


def decided_recon(office):
    case = apply(office)
    act(office, case, "accepted", "2025-03-05")
    act(office, case, "decided", "2025-04-01", decision_kind="annul")
    return case


def test_a_reconsideration_decision_is_reported_up_and_reviewed_on_its_page(enf, login):
    office = enf["office"]
    case = decided_recon(office)
    c_office, c_city = login("office"), login("city")
    assert (
        "复议决定尚未报送上级备案" in c_office.get(f"/reconsideration/{case.pk}/").content.decode()
    )
    act(office, case, "reported_up", "2025-04-02")
    with pytest.raises(Exception) as e:
        act(office, case, "reported_up", "2025-04-03")
    assert "已于 2025-04-02 报送备案" in str(e.value.errors["kind"])
    html = c_office.get(f"/reconsideration/{case.pk}/").content.decode()
    assert "待审查" in html and "登记审查结论" not in html
    assert "<summary>报送备案审查</summary>" not in html
    html = c_city.get(f"/reconsideration/{case.pk}/").content.decode()
    assert "登记审查结论" in html
    url = f"/reconsideration/{case.pk}/filing-review/"
    assert c_office.post(url, {"result": "approved"}).status_code == 403
    r = c_city.post(url, {"result": "corrected", "opinion": ""})
    assert r.status_code == 422 and "审查意见" in r.content.decode()
    assert Reconsideration.objects.get(pk=case.pk).filing_result == ""
    r = c_city.post(url, {"result": "corrected", "opinion": "决定书未写明履行期限"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.filing_result == "corrected" and case.filing_reviewer == enf["city"]
    assert Notification.objects.filter(user=office, event=f"reconsideration-filing:{case.pk}")
    assert login("province").post(url, {"result": "approved"}).status_code == 422  # once
    html = c_city.get(f"/reconsideration/{case.pk}/").content.decode()
    assert "责令纠正：决定书未写明履行期限" in html and "登记审查结论" not in html


def test_only_a_decided_reconsideration_is_reported_up(enf):
    case = apply(enf["office"])
    with pytest.raises(Exception) as e:
        act(enf["office"], case, "reported_up", "2025-03-04")
    assert "不能登记" in str(e.value)


def test_inspections_through_the_api(plan, enf, api):
    office = api("office")
    r = office.post("/enforcement/inspections", {"title": "", "kind": "weekly", "year": 1999})
    assert r.status_code == 422 and r.json()["field"] in ("title", "kind", "year")
    assert not InspectionPlan.objects.exists()
    assert (
        api("leader")
        .post("/enforcement/inspections", {"title": "x", "kind": "special", "year": 2025})
        .status_code
        == 403
    )
    r = office.post(
        "/enforcement/inspections",
        {"title": "2025 年度执法检查", "kind": "periodic", "year": 2025, "scope": "案卷"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind_label"] == "定期检查" and body["items"] == [] and body["can_add_finding"]
    pid = body["id"]
    url = f"/enforcement/inspections/{pid}/findings"
    bad = {"text": "缺送达回证", "department": "zy-gxq-kjj", "due_on": "2026-01-31", "task": "九.9"}
    r = office.post(url, bad)
    assert r.status_code == 422 and r.json()["field"] == "task"
    assert not Finding.objects.exists()
    r = office.post(url, {**bad, "task": "一.1"})
    assert r.status_code == 201, r.content
    assert r.json()["task"] == "一.1.1" and r.json()["department_code"] == "zy-gxq-kjj"
    assert api("leader").post(url, {**bad, "task": "一.1"}).status_code == 403  # reads only
    assert api("kjj").post(url, {**bad, "task": "一.1"}).status_code == 404  # not its plan
    listed = office.get("/enforcement/inspections").json()
    assert [(p["id"], p["findings"]) for p in listed] == [(pid, 1)]
    detail = api("leader").get(f"/enforcement/inspections/{pid}").json()
    assert detail["items"][0]["text"] == "缺送达回证" and not detail["can_add_finding"]
    assert api("office2").get(f"/enforcement/inspections/{pid}").status_code == 404
    assert api("office2").get("/enforcement/inspections").json() == []


def test_filing_reviews_through_the_api(officers, enf, api):
    office = enf["office"]
    case = decided_case(office, officers, major=True)
    step(office, case, "reported_up", "2025-04-15")
    recon = decided_recon(office)
    act(office, recon, "reported_up", "2025-04-02")
    city = api("city")
    rows = city.get("/enforcement/filing-reviews?pending=true").json()
    assert [(r["kind"], r["number"], r["may_review"]) for r in rows] == [
        ("enforcement", case.number, True),
        ("reconsideration", recon.number, True),
    ]
    assert all(not r["may_review"] for r in api("office").get("/enforcement/filing-reviews").json())
    assert api("office2").get("/enforcement/filing-reviews").json() == []
    r = api("office").post(f"/enforcement/cases/{case.pk}/filing-review", {"result": "approved"})
    assert r.status_code == 403
    r = city.post(f"/enforcement/cases/{case.pk}/filing-review", {"result": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "result"
    r = city.post(f"/enforcement/cases/{case.pk}/filing-review", {"result": "approved"})
    assert r.status_code == 200 and r.json()["result_label"] == "审查通过"
    r = city.post(
        f"/reconsideration/{recon.pk}/filing-review", {"result": "corrected", "opinion": ""}
    )
    assert r.status_code == 422 and r.json()["field"] == "opinion"
    r = city.post(
        f"/reconsideration/{recon.pk}/filing-review", {"result": "corrected", "opinion": "改正"}
    )
    assert r.status_code == 200 and not r.json()["may_review"]
    assert city.get("/enforcement/filing-reviews?pending=true").json() == []
    assert len(city.get("/enforcement/filing-reviews").json()) == 2
    assert (
        api("city2")
        .post(f"/reconsideration/{recon.pk}/filing-review", {"result": "approved"})
        .status_code
        == 404
    )


def test_the_lists_read_in_constant_queries(officers, enf, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.enforcement.inspections import add_plan

    office = enf["office"]
    city, client = api("city"), api("office")

    def counts():
        client.get("/enforcement/inspections")  # warm the session
        with CaptureQueriesContext(connection) as a:
            client.get("/enforcement/inspections")
        with CaptureQueriesContext(connection) as b:
            city.get("/enforcement/filing-reviews")
        return len(a), len(b)

    add_plan(office, {"title": "检查 0", "kind": "periodic", "year": "2025"})
    recon = decided_recon(office)
    act(office, recon, "reported_up", "2025-04-02")
    city.get("/enforcement/filing-reviews")
    few = counts()
    for i in range(1, 6):
        add_plan(office, {"title": f"检查 {i}", "kind": "special", "year": "2025"})
        more = apply(office, received=f"2025-03-0{i + 3}")
        act(office, more, "accepted", "2025-03-10")
        act(office, more, "decided", "2025-04-01", decision_kind="uphold")
        act(office, more, "reported_up", "2025-04-02")
    assert len(client.get("/enforcement/inspections").json()) == 6
    assert len(city.get("/enforcement/filing-reviews").json()) == 6
    assert counts() == few
