"""Evidence sources for the scoring items (fazhi.assessments.sources):

* item 12 (群众举报的违法行为得到及时查处): complaints received, turned into cases (转立案),
  filed within the period, decided within the period, closed;
* item 11 (违法行政行为的监督渠道): case files reviewed and graded (案卷评查) and
  reconsiderations received, decided on time, acts corrected.

Each summarise(zone, year, as_of) runs a fixed number of queries (three or four) whatever the
number of records."""

from __future__ import annotations

from collections import Counter
from datetime import date

from fazhi.core import reconsideration as rc
from fazhi.core.summary import Figure, Summary
from fazhi.registers.models import Case as RegisterCase

from .models import EnforcementCase, FileReview, Reconsideration


def _rate(part: int, whole: int):
    return part / whole if whole else None


def summarise_enforcement(zone, year: int, as_of: date) -> Summary:
    complaints = RegisterCase.objects.filter(
        zone=zone, kind="complaint", received_on__year=year, received_on__lte=as_of
    ).count()
    cases = list(
        EnforcementCase.objects.filter(
            zone=zone, received_on__year=year, received_on__lte=as_of
        )
        .select_related("complaint")
        .only(
            "number", "source", "received_on", "filed_on", "decided_on", "closed_on", "state",
            "filed_late", "decided_late", "overdue", "complaint__tracking_no", "subject",
        )
        .order_by("received_on", "id")
    )  # fmt: skip
    from_reports = [c for c in cases if c.complaint_id]
    filed = [c for c in from_reports if c.filed_on]
    filed_on_time = [c for c in filed if not c.filed_late]
    decided = [c for c in from_reports if c.decided_on]
    decided_on_time = [c for c in decided if not c.decided_late]
    closed = [c for c in from_reports if c.closed_on]
    figures = (
        Figure("受理投诉举报", complaints, "件"),
        Figure("转立案（线索）", len(from_reports), "件"),
        Figure("按期立案", len(filed_on_time), "件"),
        Figure("按期作出决定（查处）", len(decided_on_time), "件"),
        Figure("按期查处率", _rate(len(decided_on_time), len(decided)), "%"),
        Figure("已结案", len(closed), "件"),
        Figure("执法案件总数", len(cases), "件"),
    )
    missing = []
    if not complaints:
        missing.append(f"{year} 年没有登记投诉举报")
    if not from_reports:
        missing.append(f"{year} 年没有由投诉举报转立案的执法案件（查处记录）")
    rows = tuple(
        (
            c.number,
            c.complaint.tracking_no if c.complaint_id else "",
            c.subject,
            c.received_on.isoformat(),
            c.filed_on.isoformat() if c.filed_on else "",
            "逾期" if c.filed_late else ("按期" if c.filed_on else ""),
            c.decided_on.isoformat() if c.decided_on else "",
            "逾期" if c.decided_late else ("按期" if c.decided_on else ""),
            c.state_label,
        )
        for c in cases
    )
    return Summary(
        title="投诉举报转立案与查处",
        figures=figures,
        headers=(
            "案号",
            "来源投诉举报",
            "案由",
            "线索登记",
            "立案",
            "立案期限",
            "决定",
            "决定期限",
            "状态",
        ),
        rows=rows,
        missing=tuple(missing),
        note="立案、决定期限按 rules/enforcement.yaml（行政处罚法第六十条、第八十五条）由统一期限引擎计算。",
    )


def summarise_reviews(zone, year: int, as_of: date) -> Summary:
    reviews = list(
        FileReview.objects.filter(
            round__zone=zone, round__year=year, scored_at__isnull=False,
            scored_at__date__lte=as_of,
        )
        .select_related("case", "round")
        .only("grade", "total", "vetoed", "case__number", "round__title")
        .order_by("round_id", "id")
    )  # fmt: skip
    grades = Counter(r.grade for r in reviews)
    recons = list(
        Reconsideration.objects.filter(
            zone=zone, received_on__year=year, received_on__lte=as_of
        ).only("number", "state", "decided_on", "decided_late", "decision_kind", "received_on")
    )
    decided = [r for r in recons if r.decided_on]
    on_time = [r for r in decided if not r.decided_late]
    corrected = [r for r in decided if r.decision_kind in rc.CORRECTING_KINDS]
    figures = (
        Figure("评查案卷", len(reviews), "卷"),
        Figure("优秀", grades.get("优秀", 0), "卷"),
        Figure("合格", grades.get("合格", 0), "卷"),
        Figure("不合格", grades.get("不合格", 0), "卷"),
        Figure("收到行政复议申请", len(recons), "件"),
        Figure("按期作出复议决定", len(on_time), "件"),
        Figure("复议纠错（变更、撤销、确认违法等）", len(corrected), "件"),
    )
    missing = []
    if not reviews:
        missing.append(f"{year} 年没有完成的案卷评查")
    rows = tuple(
        ("案卷评查", r.round.title, r.case.number, str(r.total or ""), r.grade) for r in reviews
    ) + tuple(
        (
            "行政复议",
            r.number,
            r.received_on.isoformat(),
            rc.DECISION_KINDS.get(r.decision_kind, ""),
            "逾期" if r.decided_late else ("按期" if r.decided_on else "办理中"),
        )
        for r in recons
    )
    return Summary(
        title="行政执法案卷评查与行政复议",
        figures=figures,
        headers=("类别", "名称/案号", "案号/收到日期", "得分/决定", "等次/期限"),
        rows=rows,
        missing=tuple(missing),
        note="案卷评查按评查表由统一评分引擎计分；复议期限按 rules/reconsideration.yaml（行政复议法第八十八条）计算。",
    )
