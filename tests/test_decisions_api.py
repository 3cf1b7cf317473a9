"""The decision-making registers through the API: typed answers, Chinese refusals naming the
field (all at once), scope (another zone: 404), figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def test_document_through_the_api(api, workcalendar, today):
    office = api("office")
    r = office.post(
        "/normative-documents", {"title": "园区管理暂行办法", "department": "zy-gxq-kjj"}
    )
    assert r.status_code == 201, r.content
    doc = r.json()
    assert doc["provisional"] and doc["allowed_steps"] == ["solicit"]
    assert doc["steps"][0]["label"] == "起草"
    r = office.post(f"/normative-documents/{doc['id']}/steps", {"step": "publish"})
    assert r.status_code == 422
    assert r.json() == {"detail": "尚未办理“征求意见”，不能办理“公布”", "field": "step"}
    r = office.post(
        f"/normative-documents/{doc['id']}/steps",
        {"step": "solicit", "comment_end": "x", "bogus": 1},
    )
    assert r.status_code == 422 and r.json()["field"] == "bogus"
    r = office.post(
        f"/normative-documents/{doc['id']}/steps", {"step": "solicit", "comment_end": "2099-01-01"}
    )
    assert r.status_code == 200 and r.json()["state"] == "soliciting"
    assert api("office2").get(f"/normative-documents/{doc['id']}").status_code == 404
    listed = api("kjj").get("/normative-documents").json()
    assert listed["total"] == 1 and listed["items"][0]["allowed_steps"] == ["review"]
    assert api("leader").get("/normative-documents").json()["items"][0]["allowed_steps"] == []
    fig = office.get(f"/normative-documents/figures?year={today.year}").json()
    assert fig["figures"][0] == {"label": "公布文件", "value": "0 件"}
    assert api("kjj").get("/normative-documents/figures").status_code == 403
    states = office.get("/normative-documents/states").json()
    assert {"state": "published", "step": "file"} in states["transitions"]


def test_decision_and_counsel_through_the_api(api, workcalendar, today):
    office = api("office")
    r = office.post("/decisions", {"title": "产业政策", "applicable": ["nope"]})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"applicable", "launched_on"}
    r = office.post("/decisions/catalogues", {"year": today.year, "adopted_on": today.isoformat()})
    assert r.status_code == 200
    r = office.post("/decisions", {"title": "产业政策", "applicable": []})
    assert r.status_code == 201
    d = r.json()
    assert d["allowed_steps"] == ["legality_sent"]
    r = office.post(f"/decisions/{d['id']}/steps", {"step": "collective"})
    assert r.status_code == 422 and "合法性审查" in r.json()["detail"]
    assert (
        office.get(f"/decisions/figures?year={today.year}").json()["figures"][0]["value"] == "1 项"
    )
    r = office.post(
        "/counsel",
        {
            "kind": "person",
            "name": "李律师",
            "contract_start": "2025-01-01",
            "contract_end": "2026-12-31",
            "scope": "法律顾问",
        },
    )
    assert r.status_code == 201
    c = r.json()["id"]
    r = office.post(
        f"/counsel/{c}/opinions",
        {"subject_kind": "decision", "decision": d["id"], "conclusion": "合法"},
    )
    assert r.status_code == 201 and r.json()["subject"] == "产业政策"
    assert office.post(f"/counsel/{c}/attendance", {"meeting": "常务会议"}).status_code == 201
    assert office.get("/counsel").json()[0]["opinions"] == 1
    assert api("kjj").get("/counsel").json() == []
    assert api("office2").post(f"/counsel/{c}/attendance", {"meeting": "x"}).status_code == 404
    assert date.fromisoformat(office.get(f"/decisions/{d['id']}").json()["launched_on"]) == today
