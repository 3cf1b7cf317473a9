"""The departments' annual assessment (部门年度考核): creation for all or some departments,
the review by the office, the ranking with grades and work-plan figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.assessments.models import Assessment
from fazhi.core.annual import TaskFacts, grade_for, missed_reports, rank, task_figures
from tests import department_fixtures

# the department table's fixtures, shared with the other department tests
dept_framework = department_fixtures.dept_framework
put = department_fixtures.put

D = Decimal
GRADES = [("优秀", D(90)), ("良好", D(80)), ("合格", D(60)), ("不合格", D(0))]


# --------------------------------------------------------------------------- pure


def test_grades_by_threshold():
    assert [grade_for(D(s), GRADES) for s in ("95", "90", "89.99", "60", "0", "-1")] == [
        "优秀",
        "优秀",
        "良好",
        "合格",
        "不合格",
        "",
    ]
    assert grade_for(D(50), []) == ""


def test_rank_shares_places_and_skips_vetoes():
    scores = [(D(80), False), (D(90), False), (D(80), False), (D(99), True), (D(70), False)]
    assert rank(scores) == [2, 1, 2, None, 4]


def test_missed_reports_counts_each_month_without_a_report():
    fact = TaskFacts(due=date(2025, 12, 31), done=None, start=date(2025, 1, 1))
    today = date(2025, 5, 20)  # deadlines Jan 10 … May 10: five of them
    assert missed_reports(10, 2025, fact, [], today) == 5
    reports = [date(2025, 1, 5), date(2025, 3, 10), date(2025, 4, 11)]  # Jan, Mar, May windows
    assert missed_reports(10, 2025, fact, reports, today) == 2  # Feb and Apr
    assert missed_reports(None, 2025, fact, [], today) == 0
    done = TaskFacts(due=date(2025, 12, 31), done=date(2025, 2, 1), start=date(2025, 1, 1))
    assert missed_reports(10, 2025, done, [], today) == 1  # nothing owed after 办结


def test_task_figures():
    today = date(2025, 6, 1)
    facts = [
        (TaskFacts(due=date(2025, 5, 1), done=date(2025, 4, 30), start=None), []),
        (TaskFacts(due=date(2025, 5, 1), done=date(2025, 5, 2), start=None), []),
        (TaskFacts(due=date(2025, 5, 1), done=None, start=None), []),
        (TaskFacts(due=date(2025, 7, 1), done=None, start=None), []),
    ]
    f = task_figures(facts, None, 2025, today)
    assert (f.total, f.done_on_time, f.done_late, f.overdue) == (4, 1, 1, 1)


# --------------------------------------------------------------------------- services and API


@pytest.mark.django_db
def test_office_creates_for_all_departments_each_with_its_block(dept_framework, api):
    r = api("office").post(
        "/assessments/departments", {"framework": dept_framework.code, "year": 2025}
    )
    assert r.status_code == 201, r.content
    made = {a["zone"]: a["block"] for a in r.json()["created"]}
    assert made == {"zy-gxq-kjj": "二.1", "zy-gxq-sfj": "二.2"}
    again = api("office").post(
        "/assessments/departments", {"framework": dept_framework.code, "year": 2025}
    )
    assert again.status_code == 201
    assert again.json() == {"created": [], "existing": ["科技经济局", "司法分局"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("office", {"orgs": ["zy-gxq-kjj", "cd-gxq"]}, 422, "orgs"),
        ("office", {"year": 1999}, 422, "year"),
        ("office", {"framework": "nope"}, 422, "framework"),
        ("kjj", {}, 403, None),
        ("city", {}, 403, None),
    ],
)
def test_bad_batches_create_nothing(dept_framework, api, who, body, status, field):
    r = api(who).post(
        "/assessments/departments",
        {"framework": dept_framework.code, "year": 2025, **body},
    )
    assert r.status_code == status, r.content
    assert r.json().get("field") == field
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_department_fills_submits_office_adjusts_and_closes(dept_framework, api, users):
    from fazhi.assessments.annual import create_department_assessments

    made, _ = create_department_assessments(users["office"], dept_framework.code, None, 2025)
    sheet = next(a for a in made if a.zone.code == "zy-gxq-kjj")
    dept, office = api("kjj"), api("office")
    for code, data in {
        "1": {"count": 0},
        "2": {"value": 100},
        "3": {"value": 100},
        "k1": {"self_score": 30},
        "k2": {"self_score": 30},
    }.items():
        assert put(dept, sheet, code, data).status_code == 200
    assert dept.post(f"/assessments/{sheet.pk}/submit").status_code == 200
    assert put(dept, sheet, "k2", {"self_score": 1}).status_code == 409  # locked
    r = put(office, sheet, "k2", {"override_score": 25, "reason": "资金监管台账不全"})
    assert r.status_code == 200 and r.json()["totals"]["final"] == "95"
    assert dept.post(f"/assessments/{sheet.pk}/accept").status_code == 403
    assert office.post(f"/assessments/{sheet.pk}/accept").status_code == 200
    r = put(office, sheet, "k2", {"override_score": 30, "reason": "x"})
    assert r.status_code == 409  # closed
    ranking = office.get(f"/assessments/ranking?framework={dept_framework.code}&year=2025")
    rows = ranking.json()
    assert [(row["org"]["code"], row["rank"], row["grade"]) for row in rows] == [
        ("zy-gxq-kjj", 1, "优秀"),
        ("zy-gxq-sfj", 2, "不合格"),
    ]
    assert rows[0]["scaled"] == "95" and rows[0]["status"] == "accepted"
    mine = dept.get(f"/assessments/ranking?framework={dept_framework.code}&year=2025").json()
    assert [row["org"]["code"] for row in mine] == ["zy-gxq-kjj"]  # own row only


@pytest.mark.django_db
def test_ranking_shows_work_plan_figures(dept_framework, users, plan, api):
    from fazhi.assessments.annual import create_department_assessments
    from fazhi.workplan.models import Task

    create_department_assessments(users["office"], dept_framework.code, None, plan.year)
    leaves = list(Task.objects.filter(plan=plan, children__isnull=True)[:3])
    yesterday = date.today() - timedelta(days=1)
    for task in leaves:
        task.lead_org = users["kjj"].org
        task.due_date = task.due_in_force = yesterday
    leaves[0].done_at = yesterday
    Task.objects.bulk_update(leaves, ["lead_org", "due_date", "due_in_force", "done_at"])
    rows = (
        api("office")
        .get(f"/assessments/ranking?framework={dept_framework.code}&year={plan.year}")
        .json()
    )
    figures = next(r["figures"] for r in rows if r["org"]["code"] == "zy-gxq-kjj")
    led = Task.objects.filter(
        lead_org=users["kjj"].org, plan__year=plan.year, children__isnull=True
    )
    assert figures["total"] == led.count()
    assert figures["done_on_time"] >= 1 and figures["overdue"] >= 2


def _departments(n):
    from fazhi.orgs.services import add_org

    for i in range(n):
        add_org(f"zy-gxq-d{i}", f"部门{i}", "department", "zy-gxq")


@pytest.mark.django_db
def test_ranking_and_creation_queries_constant_in_departments(framework, users, login):
    from fazhi.assessments.annual import create_department_assessments

    def counts():
        with CaptureQueriesContext(connection) as created:
            create_department_assessments(users["office"], framework.code, None, 2025)
        page = login("office")
        with CaptureQueriesContext(connection) as ranked:
            r = page.get(f"/assessments/departments/?framework={framework.code}&year=2025")
        assert r.status_code == 200
        Assessment.objects.all().delete()
        return len(created), len(ranked), r.content.decode().count("<tr>")

    counts()  # fills the per-process caches of the table (tree, indicator ids)
    few = counts()
    _departments(5)
    many = counts()
    assert many[1] == few[1]  # the ranking page
    assert many[2] == few[2] + 5
    # creation: one audit entry per department (the hash chain is sequential), all else fixed
    from fazhi.audit.services import record

    with CaptureQueriesContext(connection) as one_entry:
        record(users["office"], "test.count", object_type="test", object_id="1")
    assert many[0] - few[0] == 5 * len(one_entry)
