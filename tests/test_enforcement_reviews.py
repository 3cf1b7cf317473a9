"""案卷评查 through the scoring engine: rounds (all or a seeded sample), reviewers who did not
handle the case, veto items, deductions, grades, distribution and common faults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from fazhi.core import enforcement as enf_rules
from fazhi.core.errors import RuleError, RuleErrors
from fazhi.enforcement.models import FileReview
from fazhi.enforcement.reviews import create_round, round_report, score_file
from tests.enforcement_fixtures import decided_case, step

pytestmark = pytest.mark.django_db

FULL = {
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


@pytest.fixture
def closed_cases(officers, enf):
    cases = []
    for _ in range(5):
        case = decided_case(enf["office"], officers)
        step(enf["kjj"], case, "served", "2025-04-11")
        step(enf["kjj"], case, "closed", "2025-04-21")
        cases.append(case)
    return cases


def test_a_seeded_sample_is_reproducible(closed_cases, enf):
    a = create_round(
        enf["office"],
        {"title": "一", "year": "2025", "sample_size": "3", "seed": "42", "reviewers": "leader"},
    )
    b = create_round(
        enf["office"],
        {"title": "二", "year": "2025", "sample_size": "3", "seed": "42", "reviewers": "leader"},
    )
    ids = lambda r: sorted(r.files.values_list("case_id", flat=True))  # noqa: E731
    assert ids(a) == ids(b) and len(ids(a)) == 3
    assert ids(a) == enf_rules.sample([c.pk for c in closed_cases], 3, 42)
    every = create_round(enf["office"], {"title": "全部", "year": "2025", "reviewers": "leader"})
    assert every.files.count() == 5 and every.seed is not None


def test_a_round_refuses_bad_input_all_at_once(closed_cases, enf):
    with pytest.raises(RuleErrors) as e:
        create_round(
            enf["office"], {"title": "", "year": "20x", "sample_size": "0", "reviewers": "nobody"}
        )
    assert set(e.value.errors) == {"title", "year", "sample_size", "reviewers"}
    assert not FileReview.objects.exists()


def test_a_reviewer_never_reviews_their_own_case(closed_cases, officers, enf):
    officers["wang"].user = enf["kjj"]
    officers["wang"].save()
    with pytest.raises(RuleError) as e:
        create_round(enf["office"], {"title": "x", "year": "2025", "reviewers": "kjj"})
    assert "本案执法人员" in e.value.message
    rnd = create_round(enf["office"], {"title": "x", "year": "2025", "reviewers": "kjj,leader"})
    assert set(rnd.files.values_list("reviewer__username", flat=True)) == {"leader"}
    # even if assigned by hand, the scoring refuses
    r = rnd.files.first()
    r.reviewer = enf["kjj"]
    r.save()
    with pytest.raises(PermissionDenied):
        score_file(enf["kjj"], r.pk, FULL)


def test_scoring_through_the_engine_with_vetoes_and_deductions(closed_cases, enf):
    rnd = create_round(
        enf["office"], {"title": "2025 年评查", "year": "2025", "reviewers": "leader"}
    )
    files = list(rnd.files.order_by("id"))
    leader = enf["leader"]
    excellent = score_file(leader, files[0].pk, FULL)
    assert (excellent.total, excellent.grade, excellent.vetoed) == (Decimal(100), "优秀", False)
    docked = score_file(leader, files[1].pk, {**FULL, "s_5": "12", "d_d2": "1", "d_d3": "2"})
    assert docked.total == Decimal(85) and docked.grade == "合格"  # 92 - 3 - 2×2
    assert docked.faults == ["d2", "d3"]
    vetoed = score_file(leader, files[2].pk, {**FULL, "v_v7": "1"})
    assert vetoed.vetoed and vetoed.grade == "不合格" and vetoed.total == Decimal(100)
    low = score_file(leader, files[3].pk, {**FULL, "s_5": "0", "s_7": "0", "d_d2": "1"})
    assert (low.total, low.grade) == (Decimal(57), "不合格")  # 60 - 3 falls below 合格
    report = round_report(rnd)
    assert report["scored"] == 4
    assert report["distribution"] == {"优秀": 1, "合格": 1, "不合格": 2}
    assert report["faults"][0]["code"] == "d2" and report["faults"][0]["count"] == 2
    assert report["faults"][0]["title"] == "无调查终结报告"


def test_a_sheet_reports_every_missing_score(closed_cases, enf):
    rnd = create_round(enf["office"], {"title": "x", "year": "2025", "reviewers": "leader"})
    r = rnd.files.first()
    with pytest.raises(RuleErrors) as e:
        score_file(enf["leader"], r.pk, {"s_1": "6", "d_d1": "x"})
    assert "不能超过分值 5" in e.value.errors["s_1"]
    assert "请为第 9 项评分" in e.value.errors["s_9"] and "d_d1" in e.value.errors
    r.refresh_from_db()
    assert r.scored_at is None


def test_review_pages(closed_cases, enf, login):
    c = login("office")
    r = c.post(
        "/enforcement/reviews/",
        {
            "title": "页面评查",
            "year": "2025",
            "sample_size": "2",
            "seed": "7",
            "reviewers": "leader",
        },
    )
    assert r.status_code == 302
    rnd_url = r["Location"]
    html = c.get(rnd_url).content.decode()
    assert "页面评查" in html and "随机种子 7" in html and "等次分布" in html
    review = FileReview.objects.first()
    leader = login("leader")
    sheet = leader.get(f"/enforcement/reviews/files/{review.pk}/").content.decode()
    assert "保存评分" in sheet and "执法人员少于两人" in sheet
    assert "保存评分" not in c.get(f"/enforcement/reviews/files/{review.pk}/").content.decode()
    bad = leader.post(
        f"/enforcement/reviews/files/{review.pk}/", {**FULL, "s_1": "9", "comment": "保留意见"}
    )
    assert (
        bad.status_code == 422
        and "保留意见" in bad.content.decode()
        and "不能超过分值 5" in bad.content.decode()
    )
    ok = leader.post(f"/enforcement/reviews/files/{review.pk}/", {**FULL, "version": "1"})
    assert ok.status_code == 302
    assert "优秀：1 卷" in c.get(rnd_url).content.decode()
