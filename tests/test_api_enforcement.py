"""The enforcement and reconsideration API: the same rules as the pages, typed answers."""

from __future__ import annotations

import pytest

from tests.enforcement_fixtures import decided_case, step

pytestmark = pytest.mark.django_db


def test_officers_through_the_api(officers, enf, api):
    office = api("office")
    rows = office.get("/enforcement/officers").json()
    assert {r["name"] for r in rows} == {"王五", "赵六", "孙七", "周八"}
    attention = office.get("/enforcement/officers?attention=true").json()
    assert [r["name"] for r in attention] == ["孙七"] and attention[0]["status"] == "expired"
    r = office.post("/enforcement/officers", {"department": "zy-gxq-kjj", "name": "钱九"})
    assert r.status_code == 422 and r.json()["field"] in (
        "cert_no",
        "issuer",
        "valid_from",
        "valid_to",
    )
    r = office.post(
        "/enforcement/officers",
        {"department": "zy-gxq-kjj", "name": "钱九", "cert_no": "51209999", "issuer": "资阳市人民政府",
         "valid_from": "2024-01-01", "valid_to": "2026-01-31"},
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["status"] == "expiring"
    oid = r.json()["id"]
    assert api("kjj").post("/enforcement/officers", {"name": "x"}).status_code == 403
    r = office.client.patch(
        f"/api/v1/enforcement/officers/{oid}", data={"version": 1, "revoked": True},
        content_type="application/json", headers=office.headers,
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "revoked"


def test_a_case_from_a_complaint_through_the_api(officers, enf, api, complaint):
    office = api("office")
    r = office.post(
        "/enforcement/cases",
        {"department": "zy-gxq-kjj", "complaint": complaint.tracking_no, "received_on": "2025-03-05",
         "subject": "虚报项目", "party_kind": "person", "name": "王小明"},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["source"] == "complaint" and case["complaint"] == complaint.tracking_no
    assert case["allowed_steps"][:2] == ["filed", "not_filed"]
    assert case["party"]["name"] == "王小明"
    assert api("leader").get(f"/enforcement/cases/{case['id']}").json()["party"]["name"] == "王*明"
    r = office.post(
        f"/enforcement/cases/{case['id']}/steps",
        {"kind": "filed", "on": "2025-03-10", "officers": [officers["wang"].pk]},
    )
    assert r.status_code == 422 and "不得少于 2 人" in r.json()["detail"]
    r = office.post(
        f"/enforcement/cases/{case['id']}/steps",
        {
            "kind": "filed",
            "on": "2025-03-10",
            "officers": [officers["wang"].pk, officers["zhao"].pk],
        },
    )
    assert r.status_code == 200 and r.json()["state"] == "filed"
    assert any(
        p["name"] == "作出决定期限" and p["due_on"] == "2025-06-09" for p in r.json()["periods"]
    )
    page = office.get("/enforcement/cases?source=complaint").json()
    assert page["count"] == 1 and page["rows"][0]["number"] == case["number"]
    assert office.get("/enforcement/cases?overdue=x").status_code == 422
    assert api("office2").get(f"/enforcement/cases/{case['id']}").status_code == 404


def test_file_reviews_through_the_api(officers, enf, api):
    case = decided_case(enf["office"], officers)
    step(enf["kjj"], case, "served", "2025-04-11")
    step(enf["kjj"], case, "closed", "2025-04-21")
    r = api("office").post(
        "/enforcement/file-reviews",
        {"title": "年度评查", "year": 2025, "reviewers": ["leader"], "seed": 5},
    )
    assert r.status_code == 201, r.content
    rnd = r.json()
    assert rnd["seed"] == 5 and rnd["table"] == "enf-case-file-review" and len(rnd["files"]) == 1
    fid = rnd["files"][0]["id"]
    scores = {
        f"s_{c}": str(m)
        for c, m in {
            "1": 5,
            "2": 5,
            "3": 10,
            "4": 10,
            "5": 20,
            "6": 15,
            "7": 20,
            "8": 10,
            "9": 5,
        }.items()
    }
    assert (
        api("office").put(f"/enforcement/file-reviews/files/{fid}", {"scores": scores}).status_code
        == 403
    )
    r = api("leader").put(
        f"/enforcement/file-reviews/files/{fid}", {"scores": {**scores, "v_v3": "1"}}
    )
    assert r.status_code == 200 and r.json()["grade"] == "不合格" and r.json()["faults"] == ["v3"]
    detail = api("office").get(f"/enforcement/file-reviews/{rnd['id']}").json()
    assert detail["distribution"]["不合格"] == 1 and detail["faults"][0]["title"] == "主要证据不足"
    assert [x["id"] for x in api("leader").get("/enforcement/file-reviews").json()] == [rnd["id"]]


def test_reconsideration_through_the_api(enf, api):
    office = api("office")
    r = office.post(
        "/reconsideration",
        {
            "received_on": "2025-03-03",
            "name": "张三",
            "respondent": "科技经济局",
            "act": "处罚",
            "request": "撤销",
        },
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert (
        office.post(
            f"/reconsideration/{rid}/steps", {"kind": "accepted", "on": "2025-03-04"}
        ).json()["state"]
        == "accepted"
    )
    r = office.post(
        f"/reconsideration/{rid}/steps",
        {"kind": "decided", "on": "2025-05-07", "decision_kind": "uphold"},
    )
    assert r.status_code == 422 and r.json()["field"] == "on"
    assert (
        api("leader")
        .post(f"/reconsideration/{rid}/steps", {"kind": "decided", "on": "2025-04-01"})
        .status_code
        == 403
    )
    assert [x["id"] for x in api("leader").get("/reconsideration").json()] == [rid]
    assert api("office2").get(f"/reconsideration/{rid}").status_code == 404
