"""The scoring page with rules, 倒扣, 不适用, the office's override and one block."""

from __future__ import annotations

import pytest

from fazhi.assessments.models import Result
from tests import department_fixtures

# the department table's fixtures, shared with the other department tests
dept_framework = department_fixtures.dept_framework
sheet = department_fixtures.sheet

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def page(a):
    return f"/assessments/{a.pk}/"


def version(a, code):
    return Result.objects.get(assessment=a, indicator__code=code).version


def post(client, a, code, data):
    return client.post(
        f"/assessments/{a.pk}/results/{code}/",
        {"version": version(a, code), **data},
        headers=HX,
    )


def test_page_shows_labels_rules_and_only_the_chosen_block(login, sheet):
    html = login("kjj").get(page(sheet)).content.decode()
    assert "（1）" in html and "每少一次扣 2 分，倒扣至 -1 分为止" in html
    assert "≥95% 得 20 分，≥90% 得 15 分，≥80% 得 10 分，否则得 0 分" in html
    assert 'name="count"' in html and 'name="value"' in html
    assert "科技创新政策法规宣传" in html and "法律顾问参与重大决策" not in html
    assert 'name="override_score"' not in html  # the department cannot adjust
    assert "适用 二.1" in html


def test_count_saves_and_shows_the_computed_score(login, sheet):
    r = post(login("kjj"), sheet, "1", {"count": "2", "note": ""})
    assert r.status_code == 200
    html = r.content.decode()
    assert "按规则得分：6 分" in html and 'id="total-final"' in html


def test_bad_count_comes_back_with_the_input_and_the_error(login, sheet):
    r = post(login("kjj"), sheet, "1", {"count": "两次", "note": "说明"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "次数必须是整数" in html and 'value="两次"' in html and "说明</textarea>" in html
    assert Result.objects.get(assessment=sheet, indicator__code="1").count is None


def test_not_applicable_from_the_page(login, sheet):
    client = login("kjj")
    r = post(client, sheet, "3", {"na": "1", "not_applicable": "on", "reason": "", "value": ""})
    assert r.status_code == 422 and "不适用理由" in r.content.decode()
    r = post(
        client, sheet, "3", {"na": "1", "not_applicable": "on", "reason": "无案卷", "value": ""}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="total-applicable"' in html and "第 3 项不适用" in html
    r = post(client, sheet, "3", {"na": "1", "reason": "", "value": "50"})  # unticked
    assert r.status_code == 200
    res = Result.objects.get(assessment=sheet, indicator__code="3")
    assert not res.not_applicable and res.na_reason == "" and res.value == 50


def test_office_adjusts_with_a_reason_and_it_is_marked(login, sheet):
    office = login("office")
    html = office.get(page(sheet)).content.decode()
    assert 'name="override_score"' in html
    r = post(office, sheet, "k1", {"override_score": "25", "reason": ""})
    assert r.status_code == 422 and "调整理由" in r.content.decode()
    assert 'value="25"' in r.content.decode()
    r = post(office, sheet, "k1", {"override_score": "25", "reason": "佐证不全"})
    assert r.status_code == 200 and "创建办调整为 25 分" in r.content.decode()
    html = login("kjj").get(page(sheet)).content.decode()
    assert "创建办调整为 25 分（原得分 未填）：佐证不全" in html


def test_zone_self_assessment_has_no_override(login, assessment):
    html = login("office").get(page(assessment)).content.decode()
    assert 'name="override_score"' not in html


def test_department_sheet_shows_the_tasks_it_leads_beside_the_items(login, sheet, plan, users):
    from fazhi.frameworks.models import Indicator
    from fazhi.workplan.models import Task

    Assessment = type(sheet)
    Assessment.objects.filter(pk=sheet.pk).update(year=plan.year)
    task, other = Task.objects.filter(plan=plan, children__isnull=True)[:2]
    item = Indicator.objects.get(framework=sheet.framework, code="1")
    for t, org in ((task, users["kjj"].org), (other, None)):
        t.lead_org = org
        t.save(update_fields=["lead_org"])
        t.indicators.add(item)
    html = login("kjj").get(page(sheet)).content.decode()
    assert "相关重点任务" in html and task.title in html
    assert other.title not in html  # not led by this department


def test_ranking_page_and_creation_form(login, dept_framework):
    office = login("office")
    html = office.get("/assessments/departments/").content.decode()
    assert "还没有部门年度考核" in html and 'name="orgs"' in html
    r = office.post(
        "/assessments/departments/new/",
        {"framework": dept_framework.code, "year": "2025", "orgs": ["zy-gxq-sfj"]},
        follow=True,
    )
    html = r.content.decode()
    assert "已创建 1 个部门的年度考核" in html and "司法分局" in html
    assert 'id="ranking"' in html
    html = login("kjj").get("/assessments/departments/").content.decode()
    assert 'name="orgs"' not in html  # departments cannot create


def test_optional_block_marked_not_applicable_from_the_page(login, dept_framework, users):
    from fazhi.assessments.services import create_assessment

    other = create_assessment(users["office"], "zy-gxq-sfj", dept_framework.code, None, 2025)
    office = login("office")
    html = office.get(page(other)).content.decode()
    assert 'id="na-二.2"' in html and "本组不适用" in html
    r = office.post(
        f"/assessments/{other.pk}/results/二.2/",
        {"version": version(other, "二.2"), "na": "1", "not_applicable": "on", "reason": ""},
        follow=True,
    )
    assert "不适用理由" in r.content.decode()
    r = office.post(
        f"/assessments/{other.pk}/results/二.2/",
        {
            "version": version(other, "二.2"),
            "na": "1",
            "not_applicable": "on",
            "reason": "无此职能",
        },
        follow=True,
    )
    html = r.content.decode()
    assert 'id="total-applicable"' in html and "第 二.2 项不适用" in html
