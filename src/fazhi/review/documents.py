"""The chain's 公文 as data (`fazhi.reports.gongwen`): the zone's 报送报告 with its two
attachments, the city's 情况报告 (the zone's report attached), the province's naming notice.
The wording follows the seed (资科〔2020〕14号 and the report it forwards)."""

from __future__ import annotations

from fazhi.assessments.selectors import results_of, totals_of
from fazhi.core.scoring import format_points
from fazhi.frameworks.services import tree
from fazhi.reports.gongwen import Attachment, Document, Paragraph, Table
from fazhi.reports.scoring_xlsx import ResultRow, _build_blocks, _cell_text

from .models import Application, Campaign


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Body text: one paragraph per line (blank lines ignored)."""
    return tuple(Paragraph(line.strip()) for line in text.splitlines() if line.strip())


def plan_table(app: Application) -> tuple:
    """Attachment 1: the work plan's tasks with lead org, support orgs and due date."""
    if app.plan is None:
        return (Paragraph("（未关联工作方案）", indent=False),)
    tasks = (
        app.plan.tasks.select_related("lead_org")
        .prefetch_related("support_orgs")
        .order_by("position")
    )
    rows = tuple(
        (
            t.number,
            t.title + (f"：{t.text}" if t.text else ""),
            t.lead_org.name if t.lead_org else "",
            "、".join(o.name for o in t.support_orgs.all()),
            f"{t.due_date.year}年{t.due_date.month}月" if t.due_date else "",
        )
        for t in tasks
    )
    return (
        Table(
            ("序号", "重点任务", "牵头单位", "配合单位", "完成时限"), rows, (1.2, 6, 2, 2.4, 1.6)
        ),
    )


def scoring_table(app: Application) -> tuple:
    """Attachment 2: the 自查评分表 as printed, with the zone's self scores and totals."""
    results = results_of(app.assessment, with_evidence=False)
    rows = {
        c: ResultRow(
            self_score=r.self_score,
            cases=r.cases,
            raised=r.raised,
            reason=r.reason,
            points=r.points,
        )
        for c, r in results.items()
    }
    blocks = _build_blocks(tree(app.assessment.framework), rows)
    # The group's name once, on its first row (the paper merges the cells down the block).
    out = tuple(
        (
            row.code,
            (row.group or "") if i == 0 else "",
            row.title,
            _cell_text(row.max_cell),
            _cell_text(row.score_cell),
        )
        for block in blocks
        for i, row in enumerate(block)
    )
    totals = totals_of(app.assessment, results)
    summary = (
        f"评分项合计 {format_points(totals.scored)} 分（满分 {format_points(totals.scored_max)} 分），"
        f"加分 {format_points(totals.bonus)} 分，扣分 {format_points(totals.deduction)} 分，"
        f"自评总分 {format_points(totals.final)} 分。"
    )
    if totals.disqualified:
        summary += f"存在一票否决情形（第{'、'.join(totals.vetoes)}项）。"
    return (
        Table(("序号", "一级指标", "评分内容", "分值", "自评分"), out, (1, 2.6, 7, 1.4, 1.4)),
        Paragraph(summary),
    )


def zone_report(app: Application) -> Document:
    campaign = app.campaign
    issuers = tuple(x.strip() for x in app.report_issuers.splitlines() if x.strip())
    return Document(
        title="\n".join((*issuers, app.report_title)),
        issuers=issuers,
        header=False,  # as in the seed: the zone's report carries no 版头 of its own
        addressee=app.report_addressee,
        body=_paragraphs(app.report_body),
        attachments=(
            Attachment(f"创建{campaign.honour}工作方案", plan_table(app)),
            Attachment(campaign.framework.title, scoring_table(app)),
        ),
        written_on=app.report_written_on or app.created_at.date(),
    )


def city_report(app: Application) -> Document:
    """资科〔2020〕14号 in the seed's words, from the city's conclusion, number and signer."""
    campaign, city = app.campaign, app.zone.parent
    report = zone_report(app)
    flat_title = "".join(report.title.splitlines())
    conclusion = "符合申报创建条件" if app.city_conclusion == "eligible" else "不符合申报创建条件"
    body = [
        Paragraph(
            f"根据贵厅《{campaign.notice_title}》（{campaign.notice_no}）要求，我市结合实际，"
            f"指导基础条件好、创建意愿强烈的{app.zone.name}开展申报工作，并对创建工作进行了评估，"
            f"认为{conclusion}。现将《{flat_title}》转报贵厅，请予支持。"
        )
    ]
    body += list(_paragraphs(app.city_opinion))
    return Document(
        title=f"{city.name}\n关于推荐申报{campaign.honour.removeprefix('四川省')}的情况报告",
        issuers=(city.name,),
        doc_no=app.city_doc_no,
        signers=(app.city_signer,),
        addressee=campaign.province.name.replace("四川省科学技术厅", "省科技厅"),
        body=tuple(body),
        attachments=(Attachment(flat_title, document=report),),
        written_on=app.city_written_on,
    )


def naming_notice(campaign: Campaign, named: list[Application]) -> Document:
    """The province's notice naming the zones (命名通知), with the list as its attachment."""
    cities = sorted({a.zone.parent.name for a in named if a.zone.parent_id})
    year = campaign.named_on.year
    return Document(
        title=f"{campaign.province.name}\n关于命名{year}年度{campaign.honour}的通知",
        issuers=(campaign.province.name,),
        doc_no=campaign.naming_doc_no,
        addressee="、".join(cities) or "各市（州）科技局",
        body=(
            Paragraph(
                f"根据《{campaign.notice_title}》（{campaign.notice_no}），经园区申报、市级评估转报、"
                f"形式审查、专家评审和公示（{campaign.publicity_starts_on.month}月{campaign.publicity_starts_on.day}日"
                f"至{campaign.publicity_ends_on.month}月{campaign.publicity_ends_on.day}日），"
                f"决定命名{'、'.join(a.zone.name for a in named) or '（无）'}为{year}年度{campaign.honour}。"
            ),
            Paragraph(
                "请被命名的园区巩固创建成果，持续推进科技创新法治建设；我厅将每年组织复核，实行动态管理。"
            ),
        ),
        attachments=(
            Attachment(
                f"{year}年度{campaign.honour}名单",
                (
                    Table(
                        ("序号", "园区", "所在市", "评审得分"),
                        tuple(
                            (
                                str(i),
                                a.zone.name,
                                a.zone.parent.name if a.zone.parent_id else "",
                                format_points(a.panel_score),
                            )
                            for i, a in enumerate(named, 1)
                        ),
                        (1, 4, 4, 2),
                    ),
                ),
            ),
        ),
        written_on=campaign.named_on,
        printed_by=f"{campaign.province.name}办公室",
        printed_on=campaign.named_on,
    )
