"""任务倒排表: the backward schedule, tasks ordered by the date they are due."""

from __future__ import annotations

import io
from datetime import date

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.reports.xlsx import due_label, escape_cell_text, print_setup, workbook

from .models import Plan
from .selectors import task_rows

HEADERS = ("序号", "任务", "牵头单位", "配合单位", "责任人", "开始时间", "完成时限", "进度", "状态")
WIDTHS = (6, 48, 14, 20, 10, 12, 12, 8, 22)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def schedule_rows(plan: Plan, today: date) -> list:
    """Task units (leaves) ordered by the due date in force; undated ones last."""
    rows = [r for r in task_rows(plan, today) if r.leaf]
    return sorted(
        rows, key=lambda r: (r.task.due_in_force or r.task.due_date or date.max, r.task.position)
    )


# Light colours as fills (readable in black and white too: the status text says it).
LIGHT_FILLS = {
    lights.RED: ("#F4CCCC", "#9C0006"),
    lights.YELLOW: ("#FFF2CC", "#7F6000"),
    lights.GREEN: ("#D9EAD3", "#274E13"),
    lights.DONE: ("#E7E6E6", "#404040"),
}


def write_schedule_xlsx(out, plan: Plan, today: date) -> None:
    wb = workbook(out)
    ws = wb.add_worksheet("任务倒排表")
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#E8EEF7"}
    )
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    centre = wb.add_format({"border": 1, "valign": "vcenter", "align": "center"})
    day = wb.add_format(
        {"border": 1, "num_format": "yyyy-mm-dd", "valign": "vcenter", "align": "center"}
    )
    pct = wb.add_format({"border": 1, "num_format": "0%", "valign": "vcenter", "align": "center"})
    colour = {
        c: wb.add_format(
            {"border": 1, "text_wrap": True, "valign": "vcenter", "bg_color": bg, "font_color": fg}
        )
        for c, (bg, fg) in LIGHT_FILLS.items()
    }
    last = len(HEADERS) - 1
    ws.merge_range(
        0, 0, 0, last, escape_cell_text(f"{plan.zone.name}{plan.year}年度任务倒排表"), title
    )
    ws.merge_range(
        1, 0, 1, last, escape_cell_text(f"{plan.title}　截至 {today.isoformat()}　按完成时限排序")
    )
    for col, (name, width) in enumerate(zip(HEADERS, WIDTHS, strict=False)):
        ws.write_string(2, col, name, head)
        ws.set_column(col, col, width)
    for i, row in enumerate(schedule_rows(plan, today), start=1):
        t, r = row.task, 2 + i
        due = t.due_in_force or t.due_date
        ws.write_number(r, 0, i, cell)
        ws.write_string(r, 1, escape_cell_text(f"{t.number} {t.title}"), cell)
        ws.write_string(
            r, 2, escape_cell_text(t.lead_org.name if t.lead_org_id else "未分配"), cell
        )
        ws.write_string(
            r, 3, escape_cell_text("、".join(o.name for o in t.support_orgs.all())), cell
        )
        ws.write_string(r, 4, escape_cell_text(t.responsible), cell)
        ws.write_datetime(r, 5, t.start_date, day) if t.start_date else ws.write_blank(
            r, 5, None, day
        )
        if due and t.due_date and due != t.due_date:  # extended: "12-25（原 12-03）"
            ws.write_string(r, 6, due_label(due, t.due_date), centre)
        elif due:
            ws.write_datetime(r, 6, due, day)
        else:
            ws.write_blank(r, 6, None, day)
        ws.write_number(r, 7, t.progress / 100, pct)
        light = row.light
        status = (
            f"{lights.LABELS.get(light.color, '—')}：{light.reason}"
            + (f"（{light.tentative}）" if light.tentative else "")
            if light
            else "未设完成时限"
        )
        ws.write_string(
            r, 8, escape_cell_text(status), colour.get(light.color, cell) if light else cell
        )
    ws.freeze_panes(3, 0)
    print_setup(ws, title_rows=3)
    wb.close()


def schedule_response(user, plan: Plan, today: date) -> HttpResponse:
    buffer = io.BytesIO()
    write_schedule_xlsx(buffer, plan, today)
    record(user, "plan.export", plan, after={"format": "xlsx", "as_of": today})
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{plan.zone.name}任务倒排表（{today.isoformat()}）.xlsx"
    )
    return response
