"""Rules, 倒扣, not applicable, office overrides and blocks through the API, with every
error it promises (and nothing saved on an error)."""

from __future__ import annotations

import pytest

from fazhi.assessments.models import Assessment, Result
from tests import department_fixtures

# the department table's fixtures, shared with the other department tests
dept_framework = department_fixtures.dept_framework
sheet = department_fixtures.sheet
put = department_fixtures.put

pytestmark = pytest.mark.django_db


def test_block_chosen_by_org_and_only_it_counts(sheet, api):
    assert sheet.block == "二.1"
    body = api("office").get(f"/assessments/{sheet.pk}").json()
    assert body["block"] == "二.1" and body["org_kind"] == "department"
    codes = [r["indicator_code"] for r in body["results"]]
    assert codes == ["1", "2", "3", "k1", "k2", "4"]  # not the 司法分局's s1
    assert body["totals"]["scored_max"] == "100" and body["totals"]["items_total"] == 5
    first = body["results"][0]
    assert first["label"] == "（1）" and first["min_points"] == "-1"
    assert first["rule_text"] == "每少一次扣 2 分，倒扣至 -1 分为止"
    assert first["input"] == {"self_score": None, "count": None, "value": None}


def test_create_with_block_named_or_refused(dept_framework, api):
    client = api("office")
    r = client.post(
        "/assessments",
        {"zone": "zy-gxq-kjj", "framework": dept_framework.code, "year": 2025, "block": "二.2"},
    )
    assert r.status_code == 201 and r.json()["block"] == "二.2"
    r = client.post(
        "/assessments",
        {"zone": "zy-gxq-sfj", "framework": dept_framework.code, "year": 2025, "block": "九"},
    )
    assert r.status_code == 422 and r.json()["field"] == "block"
    assert "可选：二.1、二.2" in r.json()["detail"]
    assert not Assessment.objects.filter(zone__code="zy-gxq-sfj").exists()


def test_a_zone_without_a_block_must_name_one(dept_framework, api):
    r = api("office").post(
        "/assessments", {"zone": "zy-gxq", "framework": dept_framework.code, "year": 2025}
    )
    assert r.status_code == 422 and r.json()["field"] == "block"
    assert "请指定 block" in r.json()["detail"]


def test_block_on_a_table_without_choose(framework, api):
    r = api("office").post(
        "/assessments",
        {"zone": "zy-gxq", "framework": framework.code, "year": 2025, "block": "一"},
    )
    assert r.status_code == 422 and r.json()["field"] == "block"


def test_department_fills_count_and_value_and_totals_follow(sheet, api):
    dept = api("kjj")
    r = put(dept, sheet, "1", {"count": 3})
    assert r.status_code == 200, r.content
    result = r.json()["result"]
    assert result["input"]["count"] == 3 and result["computed_score"] == "4"
    r = put(dept, sheet, "1", {"count": 9})
    assert r.json()["result"]["computed_score"] == "-1"  # 倒扣, no lower than min_points
    r = put(dept, sheet, "2", {"value": "92.5"})
    assert r.json()["result"]["computed_score"] == "15"
    r = put(dept, sheet, "3", {"value": "33.3"})
    assert r.json()["result"]["computed_score"] == "3.33"
    totals = r.json()["totals"]
    assert totals["scored"] == "17.33" and totals["scaled"] == totals["final"] == "17.33"


def test_not_applicable_with_reason_leaves_the_maximum(sheet, api):
    dept = api("kjj")
    r = put(dept, sheet, "3", {"not_applicable": True})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = put(dept, sheet, "3", {"not_applicable": True, "reason": "本年度无执法案卷"})
    assert r.status_code == 200
    res = r.json()["result"]
    assert res["not_applicable"] is True and res["not_applicable_reason"] == "本年度无执法案卷"
    put(dept, sheet, "k1", {"self_score": "30"})
    totals = api("kjj").get(f"/assessments/{sheet.pk}/totals").json()
    assert totals["applicable_max"] == "90" and totals["not_applicable"] == ["3"]
    assert totals["final"] == "30" and totals["scaled"] == "33.33"  # 30 × 100 / 90


def test_not_applicable_refused_where_not_optional(sheet, api):
    r = put(api("kjj"), sheet, "2", {"not_applicable": True, "reason": "无"})
    assert r.status_code == 422 and r.json()["field"] == "not_applicable"
    assert "不是可不适用项" in r.json()["detail"]


@pytest.mark.parametrize(
    ("code", "data", "field", "fragment"),
    [
        ("1", {"count": -1}, "count", "次数不能小于 0"),
        ("1", {"count": "1.5"}, "count", "次数必须是整数"),
        ("1", {"value": 3}, "value", "该项按规则计分，请填写 count"),
        ("1", {"self_score": 3}, "self_score", "该项按规则计分，请填写 count"),
        ("3", {"value": "100.5"}, "value", "完成比例不能超过 100"),
        ("3", {"value": "-1"}, "value", "完成比例不能小于 0"),
        ("k1", {"count": 1}, "count", "该项没有计分规则，请填写自评分 self_score"),
        ("k1", {"self_score": "31"}, "self_score", "自评分不能超过分值 30"),
        ("3", {"not_applicable": "yes", "reason": "x"}, "not_applicable", "true 或 false"),
        ("1", {"count": 1, "reason": "x"}, "reason", "reason 只能与"),
        ("s1", {"self_score": 1}, None, "评分表中没有该指标"),
    ],
)
def test_bad_inputs_name_the_field_and_save_nothing(sheet, api, code, data, field, fragment):
    before = list(Result.objects.filter(assessment=sheet).values())
    r = (
        put(api("kjj"), sheet, code, data)
        if code != "s1"
        else api("kjj").put(f"/assessments/{sheet.pk}/results/s1", {"version": 1, **data})
    )
    assert r.status_code == (404 if code == "s1" else 422), r.content
    assert r.json().get("field") == field and fragment in r.json()["detail"]
    assert list(Result.objects.filter(assessment=sheet).values()) == before


def test_override_is_the_offices_with_a_reason(sheet, api):
    put(api("kjj"), sheet, "1", {"count": 1})
    r = put(api("kjj"), sheet, "1", {"override_score": "10", "reason": "核实无误"})
    assert r.status_code == 403
    office = api("office")
    r = put(office, sheet, "1", {"override_score": "9"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = put(office, sheet, "1", {"override_score": "11", "reason": "x"})
    assert r.status_code == 422 and "不能超过分值 10" in r.json()["detail"]
    r = put(office, sheet, "1", {"override_score": "-2", "reason": "x"})
    assert r.status_code == 422 and "不能小于 -1" in r.json()["detail"]
    r = put(office, sheet, "1", {"override_score": "9", "reason": "补报一次，核实后调整"})
    assert r.status_code == 200
    res = r.json()["result"]
    assert res["computed_score"] == "8" and res["override"] == {
        "score": "9",
        "reason": "补报一次，核实后调整",
    }
    assert r.json()["totals"]["scored"] == "9"
    r = put(office, sheet, "1", {"override_score": ""})
    assert r.json()["result"]["override"] is None and r.json()["totals"]["scored"] == "8"


def test_department_sees_only_its_own_sheet(dept_framework, sheet, api, users):
    from fazhi.assessments.services import create_assessment

    other = create_assessment(users["office"], "zy-gxq-sfj", dept_framework.code, None, 2025)
    assert api("kjj").get(f"/assessments/{other.pk}").status_code == 404
    r = api("kjj").put(f"/assessments/{other.pk}/results/1", {"version": 1, "count": 0})
    assert r.status_code == 404
    assert [a["id"] for a in api("kjj").get("/assessments").json()] == [sheet.pk]


def test_export_shows_rules_in_words_and_only_the_block(sheet, api):
    import io

    import openpyxl

    dept, office = api("kjj"), api("office")
    put(dept, sheet, "1", {"count": 2})
    put(dept, sheet, "2", {"value": "96"})
    put(dept, sheet, "3", {"not_applicable": True, "reason": "无案卷"})
    put(dept, sheet, "k1", {"self_score": "28"})
    put(office, sheet, "k2", {"override_score": "20", "reason": "佐证不全"})
    r = office.client.get(f"/api/v1/assessments/{sheet.pk}/export.xlsx", headers=office.headers)
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = {row[2]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    first = rows["按时报送月度工作进展"]
    assert first[0] == "（1）" and first[3] == "10分（每少一次扣 2 分，倒扣至 -1 分为止）"
    assert first[4] == "次数2，得6分"
    assert rows["重点任务按时完成率"][0] == "（1）"  # labels repeat as printed
    assert rows["重点任务按时完成率"][4] == "96%，得20分"
    assert rows["行政执法案卷评查整改完成比例"][4] == "不适用：无案卷"
    assert rows["二.1、科技经济局／科技创新政策法规宣传"][3:5] == (30, 28)  # plain: numbers
    assert rows["二.1、科技经济局／科技项目资金依法监管"][4] == "创建办调整为20分：佐证不全"
    assert not any("法律顾问" in (title or "") for title in rows)  # another department's block
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("第3项不适用") for t in texts)


def test_an_optional_block_marked_not_applicable(dept_framework, api, users):
    from fazhi.assessments.services import create_assessment

    other = create_assessment(users["office"], "zy-gxq-sfj", dept_framework.code, None, 2025)
    client = api("office")
    body = client.get(f"/assessments/{other.pk}").json()
    group = next(r for r in body["results"] if r["indicator_code"] == "二.2")
    assert group["kind"] == "group" and group["optional"] is True
    r = put(client, other, "二.2", {"not_applicable": True})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = put(client, other, "二.2", {"self_score": 1})
    assert r.status_code == 422 and r.json()["field"] == "self_score"
    r = put(client, other, "二.2", {"not_applicable": True, "reason": "本年度无该项职能"})
    assert r.status_code == 200
    totals = r.json()["totals"]
    assert totals["applicable_max"] == "40" and totals["not_applicable"] == ["二.2"]
    assert totals["items_done"] == 1 and totals["items_total"] == 4  # s1 counts as done
    r = put(client, other, "s1", {"self_score": 50})
    assert r.json()["totals"]["scored"] == "0"  # beneath a group that does not apply
