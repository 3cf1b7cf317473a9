"""The assessment API end to end, with every error it promises."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def url(a, code=None):
    return f"/assessments/{a.pk}" + (f"/results/{code}" if code else "")


def version_of(api, a, code):
    data = api.get(url(a)).json()
    return next(r["version"] for r in data["results"] if r["indicator_code"] == code)


def test_token_and_unauthenticated(users, api):
    anon = api(None)
    assert anon.get("/frameworks").status_code == 401
    assert anon.get("/assessments/1").status_code == 401
    r = anon.post("/auth/token", {"username": "office", "password": "wrong"})
    assert r.status_code == 401 and r.json()["detail"] == "用户名或密码错误"
    r = anon.post("/auth/token", {"username": "office", "password": "Fz-test-Passw0rd!"})
    assert r.status_code == 200 and len(r.json()["token"]) > 30
    bearer = {"Authorization": f"Bearer {r.json()['token']}"}
    assert anon.client.get("/api/v1/frameworks", headers=bearer).status_code == 200
    assert (
        anon.client.get(
            "/api/v1/frameworks", headers={"Authorization": "Bearer nonsense"}
        ).status_code
        == 401
    )


def test_frameworks_list_and_detail(framework, api):
    client = api("office")
    listed = client.get("/frameworks").json()
    assert [f["code"] for f in listed] == ["sc-sti-law-zone-2019"]
    detail = client.get("/frameworks/sc-sti-law-zone-2019").json()
    assert detail["declared_total"] == "99" and detail["computed_total"] == "99"
    assert len(detail["indicators"]) == 7
    assert detail["indicators"][4]["declared_max"] == "30"
    assert detail["indicators"][4]["children"][0]["max_points"] == "29"
    assert client.get("/frameworks/nope").status_code == 404
    assert client.get("/frameworks/sc-sti-law-zone-2019?version=9").status_code == 404


def test_create_assessment(framework, api):
    client = api("office")
    r = client.post(
        "/assessments", {"zone": "zy-gxq", "framework": framework.code, "version": 1, "year": 2025}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["year"] == 2025
    assert len(body["results"]) == 18
    assert body["totals"] == {
        **body["totals"],
        "scored": "0",
        "final": "0",
        "disqualified": False,
        "scored_max": "99",
    }
    again = client.post(
        "/assessments", {"zone": "zy-gxq", "framework": framework.code, "year": 2025}
    )
    assert again.status_code == 409 and "已有" in again.json()["detail"]


@pytest.mark.parametrize(
    "payload, status, field",
    [
        ({"zone": "zy-gxq", "framework": "sc-sti-law-zone-2019", "year": 1999}, 422, "year"),
        ({"zone": "zy-gxq", "framework": "sc-sti-law-zone-2019", "year": "二〇二五"}, 422, "year"),
        ({"zone": "zy-gxq", "framework": "nope", "year": 2025}, 422, "framework"),
        (
            {"zone": "zy-gxq", "framework": "sc-sti-law-zone-2019", "version": 7, "year": 2025},
            422,
            "framework",
        ),
        ({"zone": "zy-gxq", "year": 2025}, 422, "framework"),
        ({"zone": "cd-gxq", "framework": "sc-sti-law-zone-2019", "year": 2025}, 404, None),
        ({"zone": "no-such", "framework": "sc-sti-law-zone-2019", "year": 2025}, 404, None),
    ],
)
def test_create_assessment_refused(framework, api, payload, status, field):
    r = api("office").post("/assessments", payload)
    assert r.status_code == status, r.content
    if field:
        assert r.json()["field"] == field and r.json()["detail"]


@pytest.mark.parametrize(
    "who, status", [("leader", 403), ("kjj", 404), ("city", 403), ("admin", 404)]
)
def test_only_the_office_creates(framework, api, who, status):
    r = api(who).post("/assessments", {"zone": "zy-gxq", "framework": framework.code, "year": 2025})
    assert r.status_code == status


def test_scored_item_updates_totals(assessment, api):
    client = api("office")
    r = client.put(
        url(assessment, "1"), {"version": 1, "self_score": 4.5, "note": "已纳入年度计划"}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["version"] == 2
    assert body["result"]["self_score"] == "4.5" and body["result"]["note"] == "已纳入年度计划"
    assert body["totals"]["scored"] == "4.5" and body["totals"]["final"] == "4.5"
    client.put(url(assessment, "13"), {"version": 1, "self_score": "28.25"})
    totals = client.get(url(assessment)).json()["totals"]
    assert totals["scored"] == "32.75"
    group5 = next(g for g in totals["groups"] if g["code"] == "五")
    assert group5 == {
        **group5,
        "max_points": "29",
        "declared_max": "30",
        "scored": "28.25",
        "items_done": 1,
    }


@pytest.mark.parametrize(
    "value, message",
    [
        (5.5, "自评分不能超过分值 5"),
        ("6", "自评分不能超过分值 5"),
        (-1, "自评分不能小于 0"),
        ("abc", "自评分必须是数字"),
        ("NaN", "自评分必须是数字"),
        ("Infinity", "自评分必须是数字"),
        (True, "自评分必须是数字"),
        ("4.555", "自评分最多保留 2 位小数"),
        ([1], "自评分必须是数字"),
    ],
)
def test_bad_scores_are_refused_and_lose_nothing(assessment, api, value, message):
    client = api("office")
    assert client.put(url(assessment, "2"), {"version": 1, "self_score": 3}).status_code == 200
    r = client.put(url(assessment, "2"), {"version": 2, "self_score": value})
    assert r.status_code == 422
    assert r.json() == {"detail": message, "field": "self_score"}
    result = next(
        x for x in client.get(url(assessment)).json()["results"] if x["indicator_code"] == "2"
    )
    assert result["self_score"] == "3" and result["version"] == 2


def test_bad_fields(assessment, api):
    client = api("office")
    cases = [
        ({"self_score": 3}, "version"),
        ({"version": "x", "self_score": 3}, "version"),
        ({"version": 1}, "self_score"),
        ({"version": 1, "self_score": 3, "cases": 2}, "cases"),
        ({"version": 1, "self_score": 3, "note": "长" * 2001}, "note"),
        ({"version": 1, "self_score": 3, "note": 5}, "note"),
    ]
    for payload, field in cases:
        r = client.put(url(assessment, "1"), payload)
        assert r.status_code == 422, (payload, r.content)
        assert r.json()["field"] == field, payload
    r = client.client.put(
        f"/api/v1{url(assessment, '1')}",
        data="{not json",
        content_type="application/json",
        headers=client.headers,
    )
    assert r.status_code == 422


def test_deduction_is_capped(assessment, api):
    client = api("office")
    r = client.put(url(assessment, "18"), {"version": 1, "cases": 2})
    assert r.json()["totals"]["deduction"] == "10"
    r = client.put(url(assessment, "18"), {"version": 2, "cases": 7})
    assert r.json()["totals"]["deduction"] == "20"
    for bad, msg in [
        (-1, "起数不能小于 0"),
        (1.5, "起数必须是整数"),
        ("两起", "起数必须是整数"),
        (1000, "起数不能超过 999"),
    ]:
        r = client.put(url(assessment, "18"), {"version": 3, "cases": bad})
        assert r.status_code == 422 and r.json()["detail"] == msg
    r = client.put(url(assessment, "18"), {"version": 3, "cases": 1, "points": 3})
    assert r.status_code == 422 and r.json()["detail"] == "该项分值由评分表规定，不能修改"


def test_bonus_counts_once_points_are_set(assessment, api):
    client = api("office")
    r = client.put(url(assessment, "15"), {"version": 1, "cases": 1})
    assert r.status_code == 200
    assert r.json()["totals"]["bonus"] == "0" and r.json()["totals"]["unset"] == ["15"]
    r = client.put(url(assessment, "15"), {"version": 2, "points": "2"})
    assert r.json()["totals"]["bonus"] == "2" and r.json()["totals"]["unset"] == []
    r = client.put(url(assessment, "15"), {"version": 3, "points": -2})
    assert r.status_code == 422 and r.json()["field"] == "points"


def test_veto_disqualifies_but_total_still_shown(assessment, api):
    client = api("office")
    client.put(url(assessment, "1"), {"version": 1, "self_score": 5})
    r = client.put(url(assessment, "17"), {"version": 1, "raised": True})
    assert r.status_code == 422 and r.json() == {"detail": "请填写情形说明", "field": "reason"}
    r = client.put(url(assessment, "17"), {"version": 1, "raised": "yes", "reason": "x"})
    assert r.status_code == 422 and r.json()["field"] == "raised"
    r = client.put(
        url(assessment, "17"),
        {"version": 1, "raised": True, "reason": "发生行政不作为并造成恶劣影响"},
    )
    totals = r.json()["totals"]
    assert totals["disqualified"] is True and totals["vetoes"] == ["17"] and totals["final"] == "5"
    r = client.put(url(assessment, "17"), {"version": 2, "raised": False})
    assert r.json()["totals"]["disqualified"] is False


def test_stale_version_conflicts_and_overwrites_nothing(assessment, api):
    first, second = api("office"), api("office")
    assert first.put(url(assessment, "3"), {"version": 1, "self_score": 4}).status_code == 200
    r = second.put(url(assessment, "3"), {"version": 1, "self_score": 1})
    assert r.status_code == 409 and "已被他人修改" in r.json()["detail"]
    result = next(
        x for x in first.get(url(assessment)).json()["results"] if x["indicator_code"] == "3"
    )
    assert result["self_score"] == "4"


def test_unknown_item_and_invisible_assessment(assessment, api):
    assert (
        api("office").put(url(assessment, "99"), {"version": 1, "self_score": 1}).status_code == 404
    )
    for who in ("office2", "kjj", "city2", "admin"):
        client = api(who)
        assert client.get(url(assessment)).status_code == 404, who
        assert (
            client.put(url(assessment, "1"), {"version": 1, "self_score": 1}).status_code == 404
        ), who
    assert api("office").get("/assessments/999999").status_code == 404


def test_readers_cannot_write(assessment, api):
    for who in ("leader", "city", "province"):
        client = api(who)
        assert client.get(url(assessment)).status_code == 200, who
        assert (
            client.put(url(assessment, "1"), {"version": 1, "self_score": 1}).status_code == 403
        ), who


def fill_all(client, a):
    for r in client.get(url(a)).json()["results"]:
        if r["kind"] == "scored":
            assert (
                client.put(
                    url(a, r["indicator_code"]),
                    {"version": r["version"], "self_score": r["max_points"]},
                ).status_code
                == 200
            )


def test_workflow_submit_return_accept(assessment, api):
    office, city, province = api("office"), api("city"), api("province")
    r = office.post(url(assessment) + "/submit")
    assert r.status_code == 422 and "还有 14 项" in r.json()["detail"]
    fill_all(office, assessment)
    assert office.post(url(assessment) + "/submit").json()["status"] == "submitted"
    r = office.put(url(assessment, "1"), {"version": 2, "self_score": 1})
    assert r.status_code == 409 and "锁定" in r.json()["detail"]
    assert office.post(url(assessment) + "/accept").status_code == 403
    assert api("city2").post(url(assessment) + "/accept").status_code == 404
    r = city.post(url(assessment) + "/return", {"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = city.post(url(assessment) + "/return", {"reason": "第 13 项佐证不足"})
    assert r.json()["status"] == "returned" and r.json()["return_reason"] == "第 13 项佐证不足"
    assert office.put(url(assessment, "1"), {"version": 2, "self_score": 4}).status_code == 200
    assert office.post(url(assessment) + "/submit").status_code == 200
    assert province.post(url(assessment) + "/accept").json()["status"] == "accepted"
    assert city.post(url(assessment) + "/accept").status_code == 409
    assert office.put(url(assessment, "1"), {"version": 3, "self_score": 5}).status_code == 409


def statements(ctx) -> list[str]:
    """SQL run, without the savepoints that only the test's own transaction adds."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_query_counts_do_not_grow(assessment, api):
    """Create ≤ 10 queries, update ≤ 10, and reading costs the same with 1 or 100 files."""
    from fazhi.assessments.models import Blob, Evidence, Result

    client = api("office")
    with CaptureQueriesContext(connection) as create:
        r = client.post(
            "/assessments", {"zone": "zy-gxq", "framework": "sc-sti-law-zone-2019", "year": 2026}
        )
    assert r.status_code == 201
    with CaptureQueriesContext(connection) as update:
        assert client.put(url(assessment, "1"), {"version": 1, "self_score": 3}).status_code == 200
    assert len(statements(update)) <= 10, statements(update)

    result = Result.objects.get(assessment=assessment, indicator__code="2")
    blob = Blob.objects.create(digest="0" * 64, size=1, file_type="pdf")
    Evidence.objects.create(result=result, blob=blob, name="一.pdf")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(assessment)).status_code == 200
    Evidence.objects.bulk_create(
        [Evidence(result=result, blob=blob, name=f"{i}.pdf") for i in range(99)]
    )
    with CaptureQueriesContext(connection) as hundred:
        body = client.get(url(assessment)).json()
    assert len(next(x for x in body["results"] if x["indicator_code"] == "2")["evidence"]) == 100
    assert len(one) == len(hundred)
    assert len(statements(create)) <= 10, statements(create)
    assert Decimal(body["totals"]["scored"]) == 3


def test_openapi_schema_is_served_and_lists_the_routes(client, db):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in (
        "/api/v1/auth/token",
        "/api/v1/frameworks",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}/results/{code}",
        "/api/v1/assessments/{assessment_id}/submit",
        "/api/v1/assessments/{assessment_id}/return",
        "/api/v1/assessments/{assessment_id}/accept",
    ):
        assert p in paths, p


def test_every_route_but_token_needs_authentication(assessment, api):
    anon = api(None)
    for method, path in [
        ("get", "/frameworks"),
        ("get", "/frameworks/x"),
        ("get", "/assessments"),
        ("post", "/assessments"),
        ("get", url(assessment)),
        ("get", url(assessment) + "/totals"),
        ("put", url(assessment, "1")),
        ("post", url(assessment) + "/submit"),
        ("post", url(assessment) + "/return"),
        ("post", url(assessment) + "/accept"),
        ("get", url(assessment) + "/export.xlsx"),
    ]:
        r = anon.put(path, {}) if method == "put" else getattr(anon, method)(path)
        assert r.status_code == 401, (method, path)
        assert r.json()["detail"].startswith("未登录")


def test_totals_endpoint(assessment, api):
    client = api("office")
    client.put(url(assessment, "1"), {"version": 1, "self_score": 5})
    client.put(url(assessment, "18"), {"version": 1, "cases": 1})
    t = client.get(url(assessment) + "/totals").json()
    assert (t["scored"], t["deduction"], t["final"]) == ("5", "5", "0")
