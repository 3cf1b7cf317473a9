"""Evidence sources for the scoring items (fazhi.assessments.sources): 3 法律顾问,
6 制度 (规范性文件管理), 7 重大行政决策. Each runs a fixed number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.core.summary import Figure, Summary

from . import selectors
from .models import Counsel, CounselAttendance, CounselOpinion, DecisionCatalogue, MajorDecision


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def summarise_documents(zone, year: int, as_of: date) -> Summary:
    """Item 6: the documents published in the year, filed, on time, reviewed (two queries)."""
    first, last = _year(year)
    qs = (
        selectors.NormativeDocument.objects.filter(
            zone=zone, published_on__gte=first, published_on__lte=min(last, as_of)
        )
        .order_by("published_on", "id")
        .values_list(
            "doc_no", "title", "published_on", "filing_due", "filed_on", "reviewed", "state"
        )
    )
    rows = list(qs)
    facts = [nd.DocFacts(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]
    fig = nd.year_figures(facts, as_of)
    missing = [f"未报送备案：{n}" for n in fig.not_filed]
    missing += [f"逾期报备：{n}" for n in fig.filed_late]
    missing += [f"未经合法性审查：{n}" for n in fig.not_reviewed]
    if not rows:
        missing.append(f"{year} 年度没有公布的规范性文件记录")
    return Summary(
        title="行政规范性文件",
        figures=(
            Figure("公布文件", fig.published, "件"),
            Figure("已报送备案", fig.filed, "件"),
            Figure("报备率", fig.filing_rate, "%"),
            Figure("及时报备率", fig.on_time_rate, "%"),
            Figure("合法性审查率", fig.review_rate, "%"),
        ),
        headers=(
            "统一编号",
            "文件名称",
            "公布日期",
            "备案期限",
            "报送备案日期",
            "合法性审查",
            "状态",
        ),
        rows=tuple(
            (r[0], r[1], r[2], r[3], r[4], "是" if r[5] else "否", nd.STATES.get(r[6], r[6]))
            for r in rows
        ),
        missing=tuple(missing),
        note="报备率＝已报送备案数÷公布数；及时报备率＝在备案期限内报送数÷公布数；"
        "合法性审查率＝经合法性审查数÷公布数。均按公布日期计入年度。",
    )


def summarise_decisions(zone, year: int, as_of: date) -> Summary:
    """Item 7: the year's 决策事项目录 and its decisions with their steps (two queries)."""
    cat = (
        DecisionCatalogue.objects.filter(zone=zone, year=year)
        .values_list("adopted_on", "published_on")
        .first()
    )
    rows = list(
        MajorDecision.objects.filter(zone=zone, catalogue__year=year, launched_on__lte=as_of)
        .order_by("launched_on", "id")
        .values_list("title", "done", "applicable", "launched_on", "decided_on", "state")
    )
    missing = []
    if cat is None or cat[0] is None or cat[0] > as_of:
        missing.append(f"{year} 年度决策事项目录未确定")
    elif cat[1] is None or cat[1] > as_of:
        missing.append(f"{year} 年度决策事项目录未公布")
    decided = 0
    complete = 0
    out_rows = []
    for title, done, applicable, launched, decided_on, state in rows:
        done_set = frozenset(done)
        needed = [
            s
            for s in (ds.PARTICIPATION, ds.EXPERT, ds.RISK, ds.LEGALITY)
            if s not in done_set and (s == ds.LEGALITY or s in applicable)
        ]
        if ds.COLLECTIVE in done_set:
            decided += 1
            if not needed:
                complete += 1
        if needed and ds.COLLECTIVE in done_set:
            missing.append(f"《{title}》缺少：{'、'.join(ds.STEPS[s] for s in needed)}")
        out_rows.append(
            (
                title,
                launched,
                decided_on,
                ds.STATE_LABELS.get(state, state),
                "、".join(ds.STEPS[s] for s in ds.ORDER if s in done_set),
            )
        )
    return Summary(
        title="重大行政决策",
        figures=(
            Figure("目录事项", len(rows), "项"),
            Figure("已集体讨论决定", decided, "项"),
            Figure("程序完备率", None if not decided else complete / decided, "%"),
            Figure("合法性审查", sum(1 for r in rows if ds.LEGALITY in r[1]), "项"),
        ),
        headers=("决策事项", "启动日期", "决定日期", "状态", "已办步骤"),
        rows=tuple(out_rows),
        missing=tuple(missing),
        note="程序完备率＝已集体讨论决定且经合法性审查及适用的公众参与、专家论证、风险评估的事项÷已集体讨论决定的事项。",
    )


def summarise_counsel(zone, year: int, as_of: date) -> Summary:
    """Item 3: counsel under contract in the year, their opinions and attendance (three queries)."""
    first, last = _year(year)
    last = min(last, as_of)
    counsel = list(
        Counsel.objects.filter(zone=zone, contract_start__lte=last, contract_end__gte=first)
        .annotate(
            n_op=Count(
                "opinions", filter=Q(opinions__given_on__range=(first, last)), distinct=True
            ),
            n_at=Count(
                "attendance", filter=Q(attendance__attended_on__range=(first, last)), distinct=True
            ),
        )
        .order_by("contract_start", "id")
    )
    ops = CounselOpinion.objects.filter(
        counsel__zone=zone, given_on__range=(first, last)
    ).aggregate(
        n=Count("id"),
        decisions=Count("decision", distinct=True),
        documents=Count("document", distinct=True),
    )
    meetings = CounselAttendance.objects.filter(
        counsel__zone=zone, attended_on__range=(first, last)
    ).count()
    missing = []
    if not counsel:
        missing.append(f"{year} 年度没有在聘的法律顾问（聘用合同）")
    elif not ops["n"]:
        missing.append(f"{year} 年度没有法律顾问出具意见的记录")
    return Summary(
        title="法律顾问",
        figures=(
            Figure("在聘法律顾问", len(counsel), "名"),
            Figure("出具法律意见", ops["n"], "件"),
            Figure("审查重大行政决策", ops["decisions"], "项"),
            Figure("审查规范性文件", ops["documents"], "件"),
            Figure("列席会议", meetings, "次"),
        ),
        headers=("法律顾问", "类型", "聘期开始", "聘期结束", "服务范围", "出具意见", "列席会议"),
        rows=tuple(
            (
                c.name,
                c.get_kind_display(),
                c.contract_start,
                c.contract_end,
                c.scope,
                c.n_op,
                c.n_at,
            )
            for c in counsel
        ),
        missing=tuple(missing),
    )
