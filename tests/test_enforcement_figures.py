"""The evidence sources of items 11 and 12: figures for the year, the records behind them,
what is missing, a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fazhi.assessments.sources import sources_for
from fazhi.enforcement.figures import summarise_enforcement, summarise_reviews
from fazhi.enforcement.reconsiderations import record_step, register
from fazhi.enforcement.reviews import create_round, score_file
from tests.enforcement_fixtures import TODAY, decided_case, open_clue, step

pytestmark = pytest.mark.django_db


def test_the_sources_are_registered_for_items_11_and_12():
    assert "enforcement" in [s.key for s in sources_for("12")]
    assert "file-reviews" in [s.key for s in sources_for("11")]


def test_nothing_yet_names_what_is_missing(enf, orgs):
    s = summarise_enforcement(orgs["zy-gxq"], 2025, TODAY)
    assert "2025 年没有登记投诉举报" in s.missing
    assert any("转立案" in m for m in s.missing)
    r = summarise_reviews(orgs["zy-gxq"], 2025, TODAY)
    assert "2025 年没有完成的案卷评查" in r.missing


def test_reports_turned_into_cases_and_investigated_in_time(officers, enf, orgs, complaint):
    decided_case(enf["office"], officers, complaint=complaint)  # filed 5 days, decided in time
    late = open_clue(enf["office"], received="2025-03-05", complaint=complaint)
    step(
        enf["office"],
        late,
        "filed",
        "2025-04-30",
        officers=[officers["wang"].pk, officers["zhao"].pk],
    )
    open_clue(enf["office"])  # from an inspection: not a report
    s = summarise_enforcement(orgs["zy-gxq"], 2025, TODAY)
    f = {x.label: x.value for x in s.figures}
    assert f["受理投诉举报"] == 1 and f["转立案（线索）"] == 2 and f["按期立案"] == 1
    assert f["按期作出决定（查处）"] == 1 and f["按期查处率"] == 1.0 and f["执法案件总数"] == 3
    assert len(s.rows) == 3 and s.missing == ()
    assert summarise_enforcement(orgs["zy-gxq"], 2025, date(2025, 3, 4)).figures[1].value == 0


def test_reviews_and_reconsiderations_counted(officers, enf, orgs):
    case = decided_case(enf["office"], officers)
    step(enf["kjj"], case, "served", "2025-04-11")
    step(enf["kjj"], case, "closed", "2025-04-21")
    rnd = create_round(enf["office"], {"title": "x", "year": "2025", "reviewers": "leader"})
    full = {
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
    score_file(enf["leader"], rnd.files.get().pk, full)
    r = register(
        enf["office"],
        {
            "received_on": "2025-03-03",
            "name": "张三",
            "respondent": "局",
            "act": "处罚",
            "request": "撤销",
        },
        today=TODAY,
    )
    record_step(enf["office"], r.pk, {"kind": "accepted", "on": "2025-03-04"}, today=TODAY)
    record_step(
        enf["office"],
        r.pk,
        {"kind": "decided", "on": "2025-04-01", "decision_kind": "annul"},
        today=TODAY,
    )
    # scored now (a real timestamp): counted as of today, not as of the register's day
    assert summarise_reviews(orgs["zy-gxq"], 2025, date(2025, 12, 31)).figures[0].value == 0
    s = summarise_reviews(orgs["zy-gxq"], 2025, timezone.localdate())
    f = {x.label: x.value for x in s.figures}
    assert f["评查案卷"] == 1 and f["优秀"] == 1 and f["收到行政复议申请"] == 1
    assert f["按期作出复议决定"] == 1 and f["复议纠错（变更、撤销、确认违法等）"] == 1


def _count(fn, zone):
    with CaptureQueriesContext(connection) as ctx:
        fn(zone, 2025, TODAY)
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_records(officers, enf, orgs, complaint):
    zone = orgs["zy-gxq"]
    small = (_count(summarise_enforcement, zone), _count(summarise_reviews, zone))
    for _ in range(4):
        decided_case(enf["office"], officers, complaint=complaint)
    assert (_count(summarise_enforcement, zone), _count(summarise_reviews, zone)) == small
