"""A table's purpose (`purpose:`): the file-review table (案卷评查表) is never offered, nor
accepted, for a zone's self-assessment, a department's annual sheet or a review campaign."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from fazhi.assessments.models import Assessment
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import parse_framework
from fazhi.frameworks.services import FrameworkRefused, load_parsed
from tests.review_fixtures import campaign_body

FILE_REVIEW = "enf-case-file-review"
SMALL = """code: t-small
title: 小表
version: 1
{purpose}indicators:
  - {{code: "1", title: 一项, kind: scored, max_points: 10}}
"""


@pytest.fixture
def review_table(db):
    from fazhi.enforcement.reviews import review_table

    return review_table()


def test_the_file_format_reads_the_purpose():
    assert parse_framework(SMALL.format(purpose=""), "t.yaml").purpose == "assessment"
    parsed = parse_framework(SMALL.format(purpose="purpose: file_review\n"), "t.yaml")
    assert parsed.ok and parsed.purpose == "file_review"


@pytest.mark.parametrize("value", ["review", "1", "[file_review]", '""'])
def test_an_unknown_purpose_is_an_error_at_its_line(value):
    parsed = parse_framework(SMALL.format(purpose=f"purpose: {value}\n"), "t.yaml")
    assert not parsed.ok
    assert parsed.errors == [
        "t.yaml:4: purpose 只能是 assessment（自查评分表）、file_review（行政执法案卷评查表）"
    ]


def test_the_same_table_with_another_purpose_is_not_the_same_table(db):
    text = SMALL.format(purpose="")
    load_parsed(parse_framework(text, "t.yaml"), text)
    other = SMALL.format(purpose="purpose: file_review\n")
    with pytest.raises(FrameworkRefused):
        load_parsed(parse_framework(other, "t.yaml"), other)
    assert Framework.objects.get(code="t-small").purpose == "assessment"


def test_the_shipped_file_review_table_is_loaded_as_one(review_table):
    assert review_table.purpose == "file_review"


def test_the_migration_marks_a_file_review_table_loaded_before_the_field(review_table):
    Framework.objects.filter(pk=review_table.pk).update(purpose="assessment")
    migration = importlib.import_module("fazhi.frameworks.migrations.0003_framework_purpose")
    migration.mark_file_review(django_apps, None)
    assert Framework.objects.get(pk=review_table.pk).purpose == "file_review"


def test_new_self_assessment_offers_only_self_assessment_tables(login, framework, review_table):
    html = login("office").get("/").content.decode()
    assert 'id="new-framework"' in html
    assert f'<option value="{framework.code}">' in html
    assert FILE_REVIEW not in html and "行政执法案卷评查表" not in html


def test_only_the_file_review_table_loaded_means_no_table_to_offer(login, users, review_table):
    html = login("office").get("/").content.decode()
    assert 'id="new-framework"' not in html and "尚未载入评分表" in html


def test_the_page_refuses_a_file_review_table_and_writes_nothing(login, framework, review_table):
    c = login("office")
    r = c.post("/assessments/new/", {"framework": FILE_REVIEW, "year": "2025"}, follow=True)
    html = r.content.decode()
    assert "是行政执法案卷评查表，不能用于自查评分" in html
    assert not Assessment.objects.exists()


def test_the_api_refuses_a_file_review_table_and_writes_nothing(api, framework, review_table):
    r = api("office").post(
        "/assessments", {"zone": "zy-gxq", "framework": FILE_REVIEW, "year": 2025}
    )
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "framework" and "行政执法案卷评查表" in r.json()["detail"]
    assert not Assessment.objects.exists()


def test_the_api_lists_each_tables_purpose(api, framework, review_table):
    listed = {f["code"]: f["purpose"] for f in api("office").get("/frameworks").json()}
    assert listed == {framework.code: "assessment", FILE_REVIEW: "file_review"}


def test_departments_page_offers_only_self_assessment_tables(login, framework, review_table):
    c = login("office")
    html = c.get("/assessments/departments/").content.decode()
    assert 'id="new-dept-framework"' in html and FILE_REVIEW not in html
    # asked for by name, the file-review table has no departments' ranking
    html = c.get(f"/assessments/departments/?framework={FILE_REVIEW}").content.decode()
    assert "行政执法案卷评查表" not in html


def test_departments_sheets_refuse_a_file_review_table(login, framework, review_table):
    r = login("office").post(
        "/assessments/departments/new/",
        {"framework": FILE_REVIEW, "year": "2025", "orgs": ["zy-gxq-kjj"]},
        follow=True,
    )
    assert "是行政执法案卷评查表，不能用于自查评分" in r.content.decode()
    assert not Assessment.objects.exists()


def test_a_review_campaign_refuses_a_file_review_table(api, framework, review_table):
    r = api("province").post("/campaigns", campaign_body(framework=FILE_REVIEW))
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "framework" and "行政执法案卷评查表" in r.json()["detail"]


def test_a_work_plan_links_to_the_self_assessment_table_never_the_file_review_one(
    api, users, framework, review_table
):
    from fazhi.core.errors import RuleError
    from fazhi.workplan.models import Plan
    from fazhi.workplan.services import create_plan, load_template
    from tests.conftest import SEED_PLAN

    load_template(SEED_PLAN)
    body = {"zone": "zy-gxq", "template": "zy-gxq-sti-law-2020", "year": 2025}
    with pytest.raises(RuleError) as e:
        create_plan(users["office"], "zy-gxq", body["template"], 2025, framework_code=FILE_REVIEW)
    assert e.value.field == "framework" and "行政执法案卷评查表" in e.value.message
    assert not Plan.objects.exists()
    # by default, the self-assessment table ("enf-…" sorts before "sc-…" by code)
    assert api("office").post("/plans", body).status_code == 201
    assert Plan.objects.get().framework == framework
