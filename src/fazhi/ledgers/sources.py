"""The ledgers' evidence sources (fazhi.assessments.sources): figures beside items 1, 2, 4,
5, 13, 14, 15 and 16, the records behind them, what is missing, and a proposal where the
table gives a rule (13: proportional; 15, 16: case counts). A fixed number of queries each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fazhi.core import activities as act_rules
from fazhi.core import awards as award_rules
from fazhi.core.summary import Figure, Proposal, Summary
from fazhi.workdays.selectors import get_calendar

from .models import Activity, Award, Target
from .targets import ITEM_POINTS, overview

ACTIVITY_SOURCES = {
    "1": ("annual-plan", "年度科技工作计划部署"),
    "2": ("research", "专题研究"),
    "4": ("study", "法治专题学习"),
    "5": ("training", "法律培训"),
    "14": ("publicity", "法治宣传活动"),
}


def summarise_targets(zone, year: int, as_of: date) -> Summary:
    qs = Target.objects.filter(zone=zone, year=year)
    ov = overview(qs, as_of, get_calendar())
    rows = tuple(
        (
            r.target.indicator,
            r.target.unit,
            r.target.target,
            r.target.weight,
            r.target.department.name if r.target.department else "",
            r.actual,
            r.period,
            None if r.rate is None else float(r.rate),
            r.light.reason,
        )
        for r in ov.rows
    )
    missing = []
    if not ov.rows:
        missing.append(f"未登记 {year} 年主体考核目标（指标、目标值、权重）")
    unreported = [r.target.indicator for r in ov.rows if r.actual is None]
    if unreported:
        missing.append("未填报实际完成数的指标：" + "、".join(unreported[:10]))
    late = [r.target.indicator for r in ov.rows if r.report_due and r.actual is not None]
    if late:
        missing.append("最近一期未按时填报的指标：" + "、".join(late[:10]))
    done = sum(1 for r in ov.rows if r.rate is not None and r.rate >= 1)
    return Summary(
        title="主体考核目标",
        figures=(
            Figure("考核指标", len(ov.rows), "项"),
            Figure("已完成目标的指标", done, "项"),
            Figure("加权完成率", None if ov.weighted is None else float(ov.weighted), "%"),
        ),
        headers=(
            "指标",
            "单位",
            "目标值",
            "权重",
            "责任部门",
            "累计完成数",
            "截至期间",
            "完成率",
            "进度",
        ),
        rows=rows,
        missing=tuple(missing),
        proposal=Proposal(ov.proposal.value, ov.proposal.rule) if ov.proposal else None,
        note=f"实际完成数为各指标最近一期填报的年度累计数；满分按评分表第 13 项 {ITEM_POINTS} 分。",
    )


def _held(a: Activity) -> act_rules.Held:
    return act_rules.Held(
        a.kind, a.held_on, a.status, a.files_n, a.attendee_count + a.public_headcount
    )


def activity_summariser(code: str):
    kinds = [req.kind for req in act_rules.REQUIREMENTS[code]]

    def summarise(zone, year: int, as_of: date) -> Summary:
        from django.db.models import Count

        items = list(
            Activity.objects.filter(
                zone=zone, kind__in=kinds, held_on__year=year, held_on__lte=as_of
            )
            .select_related("organiser")
            .annotate(files_n=Count("files"))
            .order_by("held_on", "pk")
        )
        held = [a for a in items if a.status == act_rules.HELD]
        figures = [
            Figure(f"{act_rules.KINDS[k]}（已开展）", sum(1 for a in held if a.kind == k), "次")
            for k in kinds
        ]
        figures.append(
            Figure("参加人次", sum(a.attendee_count + a.public_headcount for a in held), "人次")
        )
        return Summary(
            title=ACTIVITY_SOURCES[code][1],
            figures=tuple(figures),
            headers=(
                "日期",
                "类别",
                "主题",
                "组织部门",
                "状态",
                "本单位参加",
                "群众参与",
                "佐证文件",
            ),
            rows=tuple(
                (
                    a.held_on,
                    act_rules.KINDS[a.kind],
                    a.subject,
                    a.organiser.name if a.organiser else "",
                    act_rules.STATUSES[a.status],
                    a.attendee_count,
                    a.public_headcount,
                    a.files_n,
                )
                for a in items
            ),
            missing=tuple(act_rules.missing_for(code, [_held(a) for a in items], year)),
            note="只计当年已开展的活动；计划中的活动列出但不计数。",
        )

    return summarise


AWARD_SOURCES = {
    "15": ("awards", "省部级以上表彰、奖励、批示"),
    "16": ("practices", "经验做法全国推广"),
}


def award_summariser(code: str):
    def summarise(zone, year: int, as_of: date) -> Summary:
        items = list(
            Award.objects.filter(zone=zone, on__year=year, on__lte=as_of).order_by("on", "pk")
        )
        honours = [award_rules.Honour(a.kind, a.level, a.on) for a in items]
        n, rule = award_rules.case_count(code, honours, year)
        asked = "省部级以上表彰、奖励、批示" if code == "15" else "在全国范围内推广的经验做法"
        return Summary(
            title=AWARD_SOURCES[code][1],
            figures=(
                Figure(f"{asked}（计入第 {code} 项）", int(n), "起"),
                Figure("登记总数（含不计入的）", len(items), "件"),
            ),
            headers=("日期", "类别", "级别", "名称", "单位", "文号", "推广范围", f"计入第{code}项"),
            rows=tuple(
                (
                    a.on,
                    award_rules.KINDS[a.kind],
                    award_rules.LEVELS[a.level],
                    a.title,
                    a.issuer,
                    a.doc_no,
                    a.where,
                    "是" if award_rules.counts_for(code, h) else "否",
                )
                for a, h in zip(items, honours, strict=True)
            ),
            missing=() if n else (f"{year} 年无{asked}",),
            proposal=Proposal(n, rule, field="cases"),
            note="附加项分值表中为“——”：建议值为起数，每起分值由创建办在该项设定。",
        )

    return summarise


def summarise_projects(zone, year: int, as_of: date, records: bool = True) -> Summary:
    """Item 10: the projects applied for in the year, their stages, funds, 绩效评价 figures
    (indicators achieved against planned, spending per budget line) and flags. The table gives
    no scoring rule for item 10, so nothing is proposed. Read as plain tuples (three queries,
    no model instances): a zone has thousands of projects. Without `records` (the scoring
    page) one query: the 绩效评价 details only fill the records."""
    from fazhi.core import projects as project_rules
    from fazhi.core import targets as target_rules
    from fazhi.core.scoring import format_points as num

    from .models import Project, ProjectBudgetLine, ProjectIndicator

    cols = (
        "applied_on",
        "title",
        "applicant",
        "department__name",
        "stage",
        "review_score",
        "budget",
        "paid",
        "spent",
        "due_on",
        "acceptance",
        "grade",
        "credit_note",
        "accepted_on",
        "pk",
    )
    of_year = {"zone": zone, "applied_on__year": year, "applied_on__lte": as_of}
    items = list(Project.objects.filter(**of_year).order_by("applied_on", "pk").values_list(*cols))
    evaluation: dict[int, tuple[list[str], list[str]]] = {}
    within = {f"project__{k}": v for k, v in of_year.items()}
    indicators = ProjectIndicator.objects.filter(**within).order_by("pk")
    lines = ProjectBudgetLine.objects.filter(**within).order_by("pk")
    for pid, name, unit, planned, achieved in (
        indicators.values_list("project_id", "name", "unit", "planned", "achieved")
        if records
        else ()
    ):
        rate = target_rules.as_percent(target_rules.completion(achieved, planned))
        evaluation.setdefault(pid, ([], []))[0].append(
            f"{name} {num(achieved)}/{num(planned)}{unit}（{rate}%）"
        )
    for pid, line, budgeted, spent in (
        lines.values_list("project_id", "line", "budgeted", "spent") if records else ()
    ):
        evaluation.setdefault(pid, ([], []))[1].append(f"{line} {spent}/{budgeted}")
    rows, overdue, unevaluated, unspent = [], [], [], []
    approved = accepted = evaluated = 0
    budget = paid = spent = Decimal(0)
    for (
        on,
        title,
        applicant,
        dept,
        stage,
        score,
        bud,
        pd,
        sp,
        due,
        acc,
        grade,
        credit,
        acc_on,
        pid,
    ) in items:
        f = project_rules.flags(stage, due, pd, sp, bool(credit), as_of)
        if bud is not None:
            approved += 1
            budget += bud
        paid, spent = paid + pd, spent + sp
        accepted += acc_on is not None
        evaluated += bool(grade)
        if f.acceptance_overdue:
            overdue.append(title)
        if stage == project_rules.ACCEPTED:
            unevaluated.append(title)
        if f.unspent:
            unspent.append(title)
        if not records:
            continue
        notes = [
            t
            for t, on_ in (
                ("验收逾期", f.acceptance_overdue),
                (f"结余 {f.unspent} 万元", bool(f.unspent)),
                ("失信记录", f.credit_breach),
            )
            if on_
        ]
        rows.append(
            (
                on,
                title,
                applicant,
                dept or "",
                project_rules.STAGES[stage],
                score,
                bud,
                pd,
                sp,
                due,
                project_rules.ACCEPTANCE.get(acc, ""),
                project_rules.GRADES.get(grade, ""),
                "；".join(evaluation.get(pid, ([], []))[0]),
                "；".join(evaluation.get(pid, ([], []))[1]),
                "；".join(notes),
            )
        )
    missing = []
    if not items:
        missing.append(f"{year} 年未登记科技计划项目的申报、评审、立项、执行、验收")
    if overdue:
        missing.append(f"超过验收期限未验收的项目 {len(overdue)} 个：" + "、".join(overdue[:10]))
    if unevaluated:
        missing.append(
            f"已验收未做资金绩效评价的项目 {len(unevaluated)} 个：" + "、".join(unevaluated[:10])
        )
    if unspent:
        missing.append(f"已验收仍有资金结余的项目 {len(unspent)} 个：" + "、".join(unspent[:10]))
    return Summary(
        title="科技计划项目与资金",
        figures=(
            Figure("申报项目", len(items), "个"),
            Figure("立项项目", approved, "个"),
            Figure("已验收", accepted, "个"),
            Figure("已绩效评价", evaluated, "个"),
            Figure("立项预算", budget, "万元"),
            Figure("已拨付", paid, "万元"),
            Figure("已支出", spent, "万元"),
            Figure("验收逾期", len(overdue), "个"),
        ),
        headers=(
            "申报日期",
            "项目名称",
            "申报单位",
            "主管部门",
            "阶段",
            "评审得分",
            "预算",
            "已拨付",
            "已支出",
            "验收期限",
            "验收结论",
            "绩效评价",
            "绩效指标（实际/计划，完成率）",
            "预算科目（支出/预算，万元）",
            "提示",
        ),
        rows=tuple(rows),
        missing=tuple(missing),
        note="按申报日期计入年度；金额单位万元。",
    )


def summarise_policies(zone, year: int, as_of: date) -> Summary:
    """Item 9: the policies in force for the zone up to the end of the year (issued by then),
    their measures and what was paid out; gaps named. No rule in the table: no proposal."""
    from fazhi.core import policies as policy_rules

    from .models import Policy
    from .policies import state_of

    items = list(
        Policy.objects.filter(zone=zone, issued_on__lte=min(as_of, date(year, 12, 31))).order_by(
            "issued_on", "pk"
        )
    )
    states = [state_of(p) for p in items]
    gaps = policy_rules.gaps(states)
    missing = list(gaps[:20])
    if not items:
        missing.append("未登记适用于本园区的国家和省政策清单")
    return Summary(
        title="政策清单",
        figures=(
            Figure("适用政策", len(items), "项"),
            Figure("已出台配套措施", sum(1 for s in states if policy_rules.supported(s)), "项"),
            Figure("缺少配套", len(gaps), "项"),
            Figure("受益企业", sum(p.beneficiaries for p in items), "家次"),
            Figure("兑现金额", sum((p.benefit_total for p in items), start=0), "万元"),
        ),
        headers=(
            "发布日期",
            "政策名称",
            "层级",
            "发文机关",
            "文号",
            "配套情况",
            "受益企业（家次）",
            "兑现金额（万元）",
        ),
        rows=tuple(
            (
                p.issued_on,
                p.title,
                policy_rules.LEVELS[p.level],
                p.issuer,
                p.doc_no,
                "已出台"
                if policy_rules.supported(s)
                else ("制定中" if p.measures_drafting else "无"),
                p.beneficiaries,
                p.benefit_total,
            )
            for p, s in zip(items, states, strict=True)
        ),
        missing=tuple(missing),
        note="兑现金额为各政策累计登记的奖励补助；配套措施以已出台的为准。",
    )
