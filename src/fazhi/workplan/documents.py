"""The work plan's 公文 (`fazhi.reports.gongwen`): the 督办单 and the monthly 工作进展通报.

The 督办单's 文号 is given when it is issued (notices.issue_notice); a 通报's when the office
issues it here. Both are audited; downloads answer 404 outside the user's scope.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.core.errors import RuleError
from fazhi.orgs import docnos
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Role
from fazhi.reports.gongwen import H1, Document, Paragraph, Table, cn_date, render_docx

from .models import Notice, Plan, ProgressReport
from .selectors import TaskRow, get_plan, notices_for, task_rows

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CN_NUMBERS = "一二三四五六七八九十"


def _cn_index(i: int) -> str:
    return CN_NUMBERS[i - 1] if i <= 10 else str(i)


# ---------------------------------------------------------------- 督办单


def notice_document(notice: Notice) -> Document:
    zone = notice.plan.zone
    task = notice.task
    body = [Paragraph(line) for line in notice.text.splitlines() if line.strip()]
    if task is not None:
        body.insert(0, Paragraph(f"督办任务：{task.number} {task.title}。"))
    body.append(
        Paragraph(
            f"请你单位抓紧办理，并于{cn_date(notice.reply_due)}前将办理情况书面回复"
            f"{zone.name}法治示范区创建工作办公室。"
        )
    )
    return Document(
        title="督办单",
        issuers=(zone.name,),
        doc_no=notice.number,
        addressee=notice.to_org.name,
        body=tuple(body),
        written_on=notice.issued_on,
    )


def notice_file_name(notice: Notice) -> str:
    return f"{notice.number}-督办单.docx"


def notice_docx(user, notice_id) -> tuple[str, bytes]:
    """The 督办单 as .docx for whoever may see it (its office, its addressee, leaders)."""
    notice = notices_for(user).select_related("plan__zone").filter(pk=notice_id).first()
    if notice is None:
        raise Http404("督办单不存在或无权查看")
    content = render_docx(notice_document(notice))
    record(user, "notice.download", notice, after={"number": notice.number})
    return notice_file_name(notice), content


# ---------------------------------------------------------------- 工作进展通报


def parse_month(value, today: date) -> tuple[int, int]:
    """ "2026-11" -> (2026, 11); a month after the current one is refused."""
    raw = str(value or "").strip()
    try:
        year, month = (int(p) for p in raw.split("-"))
        date(year, month, 1)
    except ValueError:
        raise RuleError("month", "通报月份应为 年-月，如 2026-11") from None
    if (year, month) > (today.year, today.month):
        raise RuleError("month", f"通报月份不能晚于本月 {today.year}-{today.month:02d}")
    return year, month


def _light_words(row: TaskRow) -> str:
    light = row.light
    if light is None:
        return "未设完成时限"
    words = f"{lights.LABELS.get(light.color, light.color)}（{light.reason}）"
    return words + ("，暂定" if light.tentative else "")


def bulletin_document(plan: Plan, year: int, month: int, as_of: date, doc_no: str) -> Document:
    """Tasks by area with their lights in words, the done/overdue counts and the month's
    reports. Lights are as of `as_of` (the month's end, or today within the month)."""
    rows = task_rows(plan, as_of)
    leaves = [r for r in rows if r.leaf]
    count = {c: sum(1 for r in leaves if r.light and r.light.color == c) for c in lights.LABELS}
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    reports = list(
        ProgressReport.objects.filter(task__plan=plan, reported_on__range=(first, last))
        .select_related("task")
        .order_by("reported_on", "task__position", "id")
    )
    body = [
        Paragraph(
            f"截至{cn_date(as_of)}，《{plan.title}》共有任务 {len(leaves)} 项："
            f"已办结 {count[lights.DONE]} 项，逾期（红灯）{count[lights.RED]} 项，"
            f"黄灯 {count[lights.YELLOW]} 项，绿灯 {count[lights.GREEN]} 项。"
            f"{year}年{month}月共填报进展 {len(reports)} 次。现将有关情况通报如下。"
        )
    ]
    areas: list[tuple[TaskRow, list[TaskRow]]] = []
    for r in rows:
        if r.depth == 1:
            areas.append((r, [r] if r.leaf else []))
        elif r.leaf and areas:
            areas[-1][1].append(r)
    for i, (area, items) in enumerate(areas, 1):
        body.append(Paragraph(f"{_cn_index(i)}、{area.task.title}", H1))
        table_rows = tuple(
            (
                r.task.number,
                r.task.title,
                r.task.lead_org.name if r.task.lead_org else "未交办",
                str(r.task.due_in_force or r.task.due_date or "—"),
                f"{r.task.progress}%",
                _light_words(r),
            )
            for r in items
        )
        if table_rows:
            body.append(
                Table(
                    ("编号", "任务", "牵头单位", "完成时限", "进度", "状态"),
                    table_rows,
                    (1, 3.2, 1.6, 1.4, 0.8, 2.4),
                )
            )
    n = len(areas) + 1
    body.append(Paragraph(f"{_cn_index(n)}、本月填报的进展", H1))
    if reports:
        body.append(
            Table(
                ("填报日期", "任务", "进度", "进展情况"),
                tuple(
                    (str(p.reported_on), f"{p.task.number} {p.task.title}", f"{p.percent}%", p.text)
                    for p in reports
                ),
                (1.2, 2.6, 0.8, 4),
            )
        )
    else:
        body.append(Paragraph("本月没有填报进展。"))
    return Document(
        title=f"关于{year}年{month}月法治示范区创建工作进展情况的通报",
        issuers=(plan.zone.name,),
        doc_no=doc_no,
        addressee="各有关部门",
        body=tuple(body),
        written_on=as_of,
    )


@transaction.atomic
def issue_bulletin(user, plan_id, month, today: date) -> tuple[str, bytes]:
    """The office issues the month's 通报: a new 文号 each time, audited."""
    plan = get_plan(user, plan_id)
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("工作进展通报由创建办印发")
    if not in_scope(user, plan.zone):
        raise Http404("工作方案不存在或无权查看")
    year, mon = parse_month(month, today)
    as_of = min(today, date(year, mon, calendar.monthrange(year, mon)[1]))
    doc_no = docnos.allocate(plan.zone, "bulletin", today.year)
    content = render_docx(bulletin_document(plan, year, mon, as_of, doc_no))
    record(user, "plan.bulletin", plan, after={"month": f"{year}-{mon:02d}", "doc_no": doc_no})
    return f"{doc_no}-工作进展通报.docx", content
