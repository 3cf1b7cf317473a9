"""重大行政决策 end to end: the yearly 决策事项目录 (on the portal once published), a decision
through the steps of the 条例, refusals with nothing written, scope, query counts, the scoring
item's source and the reminders."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.core.errors import RuleError
from fazhi.decisions import major
from fazhi.decisions.models import DecisionStep, MajorDecision

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def catalogue(users, workcalendar):
    return major.save_catalogue(
        users["office"],
        {"year": 2025, "adopted_on": "2025-01-10", "published_on": "2025-01-15"},
        D(2025, 1, 20),
    )


def launch(users, title="园区产业扶持政策", applicable=None, who="office", on="2025-08-01"):
    data = {"title": title, "launched_on": on, "department": "zy-gxq-kjj"}
    if applicable is not None:
        data["applicable"] = applicable
    return major.create_decision(users[who], data, today=D(2025, 8, 1))


def rec(users, d, today, who="office", **data):
    return major.record_decision_step(users[who], d.pk, data, today=today)


def test_catalogue_dates_in_order_and_office_only(users, workcalendar):
    with pytest.raises(RuleError) as exc:
        major.save_catalogue(
            users["office"],
            {"year": 2025, "adopted_on": "2025-02-01", "published_on": "2025-01-15"},
            D(2025, 3, 1),
        )
    assert exc.value.field == "published_on" and "早于确定日期" in exc.value.message
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        major.save_catalogue(
            users["kjj"], {"year": 2025, "adopted_on": "2025-02-01"}, D(2025, 3, 1)
        )


def test_a_decision_needs_its_years_catalogue(users, workcalendar):
    with pytest.raises(RuleError) as exc:
        launch(users)
    assert exc.value.field == "launched_on" and "目录尚未确定" in exc.value.message
    assert not MajorDecision.objects.exists()


def test_full_procedure_across_national_day(users, catalogue, client):
    d = launch(users)
    assert d.applicable == ["participation", "expert", "risk"]
    # Legality review before the procedures that apply: refused, naming them.
    with pytest.raises(RuleError) as exc:
        rec(
            users,
            d,
            D(2025, 8, 2),
            step="legality_sent",
            reviewer="司法分局",
            review_due="2025-08-20",
        )
    assert "公众参与（意见处理）" in exc.value.message and "专家论证" in exc.value.message
    # A 30-day period from 2025-09-01 ends on 10-09 (National Day); 10-01 needs a reason.
    with pytest.raises(RuleError) as exc:
        rec(
            users,
            d,
            D(2025, 9, 1),
            step="participation_open",
            on="2025-09-01",
            comment_end="2025-10-01",
        )
    assert exc.value.field == "comment_reason"
    assert DecisionStep.objects.filter(decision=d).count() == 1
    d = rec(
        users,
        d,
        D(2025, 9, 1),
        step="participation_open",
        on="2025-09-01",
        comment_end="2025-10-09",
    )
    assert d.comment_end == D(2025, 10, 9)
    with pytest.raises(RuleError) as exc:
        rec(
            users,
            d,
            D(2025, 10, 20),
            step="participation",
            on="2025-10-08",
            comments=3,
            handling="采纳 2 条",
        )
    assert exc.value.field == "on"
    d = rec(
        users,
        d,
        D(2025, 10, 10),
        step="participation",
        on="2025-10-10",
        comments=3,
        handling="采纳 2 条",
    )
    d = rec(
        users,
        d,
        D(2025, 10, 10),
        who="kjj",
        step="expert",
        on="2025-10-10",
        experts="张教授",
        opinions="可行",
    )
    d = rec(users, d, D(2025, 10, 10), step="risk", on="2025-10-10", conclusion="风险可控")
    # 7 working days from 2025-10-10: 10/11 (make-up), 10/13 ... 10/20.
    with pytest.raises(RuleError) as exc:
        rec(
            users,
            d,
            D(2025, 10, 10),
            step="legality_sent",
            on="2025-10-10",
            reviewer="司法分局",
            review_due="2025-10-17",
        )
    assert exc.value.field == "review_due" and "7 个工作日" in exc.value.message
    d = rec(
        users,
        d,
        D(2025, 10, 10),
        step="legality_sent",
        on="2025-10-10",
        reviewer="司法分局",
        review_due="2025-10-20",
    )
    d = rec(users, d, D(2025, 10, 20), step="legality", on="2025-10-20", opinion="合法")
    d = rec(
        users,
        d,
        D(2025, 10, 28),
        step="collective",
        on="2025-10-28",
        meeting="管委会常务会议",
        attendees="主任、副主任",
        conclusion="同意",
        dissent="副主任甲：建议分期实施",
        decided_by="管委会主任",
    )
    with pytest.raises(RuleError) as exc:
        rec(users, d, D(2025, 11, 1), step="publish", on="2025-10-27", carried_out_by="科技经济局")
    assert exc.value.field == "on"
    d = rec(users, d, D(2025, 11, 1), step="publish", on="2025-11-01", carried_out_by="科技经济局")
    d = rec(users, d, D(2025, 11, 5), step="archive", on="2025-11-05")
    assert d.state == "archived"
    with pytest.raises(RuleError, match="“启动”已办理"):
        rec(users, d, D(2025, 11, 6), step="launch")
    d = rec(users, d, D(2026, 5, 1), step="evaluation", on="2026-05-01", findings="效果良好")
    assert d.decided_by == "管委会主任" and d.carried_out_by == "科技经济局"
    page = client.get("/public/decisions/zy-gxq/").content.decode()
    assert "2025 年度" in page and "园区产业扶持政策" in page and "科技经济局" in page


def test_decision_page_shows_next_steps_to_writers_only(users, catalogue, login):
    d = launch(users, applicable=["expert"])
    page = login("office").get(f"/decisions/{d.pk}/").content.decode()
    assert "登记“专家论证（第十九条至第二十一条）”" in page
    assert "公开征求意见" not in page  # does not apply
    assert "可办理的下一步" not in login("leader").get(f"/decisions/{d.pk}/").content.decode()
    assert login("office2").get(f"/decisions/{d.pk}/").status_code == 404
    r = login("office").post(
        f"/decisions/{d.pk}/steps/",
        {"step": "legality_sent", "reviewer": "x", "review_due": "2025-08-02"},
    )
    assert r.status_code == 422
    assert "尚未办理“专家论证”" in r.content.decode()


def test_register_queries_constant_and_overdue_review(users, orgs, catalogue, login):
    def many(n, start):
        MajorDecision.objects.bulk_create(
            [
                MajorDecision(
                    zone=orgs["zy-gxq"],
                    catalogue=catalogue,
                    department=orgs["zy-gxq-kjj"],
                    title=f"决策{i}",
                    applicable=["expert"],
                    done=["launch", "expert", "legality_sent"],
                    state="in_procedure",
                    launched_on=D(2025, 3, 1),
                    review_due=D(2025, 3, 20),
                )
                for i in range(start, start + n)
            ]
        )

    c = login("office")
    many(2, 0)
    c.get("/decisions/")
    with CaptureQueriesContext(connection) as small:
        r = c.get("/decisions/?overdue=1")
    assert "审查逾期" in r.content.decode()
    many(100, 2)
    with CaptureQueriesContext(connection) as large:
        c.get("/decisions/?overdue=1")
    assert len(small) == len(large)


def test_source_for_item_7(users, orgs, catalogue):
    from fazhi.assessments.sources import sources_for

    d = launch(users, applicable=[])
    rec(
        users,
        d,
        D(2025, 8, 1),
        step="legality_sent",
        on="2025-08-01",
        reviewer="司法分局",
        review_due="2025-08-12",
    )
    rec(users, d, D(2025, 8, 12), step="legality", on="2025-08-12", opinion="合法")
    rec(
        users,
        d,
        D(2025, 8, 15),
        step="collective",
        on="2025-08-15",
        meeting="会",
        attendees="甲",
        conclusion="同意",
        decided_by="主任",
    )
    launch(users, title="第二项")
    (source,) = sources_for("7")
    with CaptureQueriesContext(connection) as q:
        s = source.summarise(orgs["zy-gxq"], 2025, D(2025, 12, 31))
    assert len(q) <= 2
    assert s.stamp()["目录事项"] == "2 项" and s.stamp()["程序完备率"] == "100.0%"
    assert s.missing == ()
    s2024 = source.summarise(orgs["zy-gxq"], 2024, D(2025, 12, 31))
    assert s2024.missing == ("2024 年度决策事项目录未确定",)


def test_review_reminders_once(users, catalogue):
    from fazhi.workplan.models import Notification
    from fazhi.workplan.supervision import tick

    d = launch(users, applicable=[])
    rec(
        users,
        d,
        D(2025, 8, 1),
        step="legality_sent",
        on="2025-08-01",
        reviewer="司法分局",
        review_due="2025-08-12",
    )
    tick(D(2025, 8, 8))
    tick(D(2025, 8, 9))
    assert Notification.objects.filter(event__startswith="decision-review").count() == 2


def test_a_cited_document_not_valid_is_flagged(users, catalogue, login):
    from fazhi.decisions import documents

    office = users["office"]
    doc = documents.create_document(office, {"title": "旧办法"}, D(2025, 1, 6))
    for data in (
        {"step": "solicit", "on": "2025-01-10", "comment_end": "2025-02-10"},
        {
            "step": "review",
            "on": "2025-02-20",
            "sent_on": "2025-02-12",
            "reviewer": "司法分局",
            "opinion": "合法",
        },
        {"step": "deliberate", "on": "2025-02-25", "meeting": "会"},
        {"step": "register", "on": "2025-02-28"},
        {"step": "publish", "on": "2025-03-03"},
        {"step": "cleanup", "on": "2025-06-01", "outcome": "abolish", "reason": "上位法修改"},
    ):
        documents.record_document_step(office, doc.pk, data, today=D(2025, 6, 1))
    d = major.create_decision(
        office,
        {
            "title": "产业政策",
            "launched_on": "2025-08-01",
            "draft": "依据资高新规〔2025〕1号、资高新规〔2025〕9号",
        },
        today=D(2025, 8, 1),
    )
    page = login("office").get(f"/decisions/{d.pk}/").content.decode()
    assert '资高新规〔2025〕1号《旧办法》：<strong class="light red">废止，不能作为依据' in page
    assert '资高新规〔2025〕9号：<strong class="light red">未在本园区登记' in page


def test_new_decision_form_keeps_the_choices_on_refusal(users, workcalendar, login):
    r = login("office").post(
        "/decisions/new/", {"title": "", "applicable": ["expert"], "launched_on": "2025-08-01"}
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'value="expert" checked' in body and 'value="risk">' in body
    assert 'id="n-title-error"' in body and "目录尚未确定" in body


def test_decision_catalogue_xlsx(users, catalogue, login):
    import io

    from openpyxl import load_workbook

    launch(users, title="=1+1")
    r = login("office").get("/decisions/catalogue.xlsx?year=2025")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "资阳高新区2025年度重大行政决策事项目录"
    assert ws["A3"].value == "'=1+1" and ws["B3"].value == "科技经济局"
