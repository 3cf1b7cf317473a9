"""Spreadsheets of the registers (XlsxWriter): the register itself, the annual report's table of
disclosure requests, and the figures summary attached to the self-assessment as evidence.
Every text cell goes through escape_cell_text (no formula injection)."""

from __future__ import annotations

import io
from datetime import date

from fazhi.reports.xlsx import escape_cell_text, print_setup, workbook

from . import catalog, states
from .models import Case
from .selectors import REPORT_ROWS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_HEADERS = (
    "受理编号",
    "类别",
    "渠道",
    "收到日期",
    "事项",
    "承办部门",
    "状态",
    "答复期限",
    "最近到期日",
    "是否逾期",
    "答复类型/处理结果",
    "答复日期",
    "期限说明（暂定的原因）",
)
REGISTER_WIDTHS = (22, 12, 14, 12, 40, 14, 16, 12, 12, 10, 20, 12, 40)


def _workbook(out):
    wb = workbook(out)
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "head": wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#E8EEF7",
                "text_wrap": True,
            }
        ),
        "cell": wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"}),
        "num": wb.add_format({"border": 1, "align": "center", "valign": "vcenter"}),
        "pct": wb.add_format(
            {"border": 1, "align": "center", "valign": "vcenter", "num_format": "0.0%"}
        ),
        "day": wb.add_format(
            {"border": 1, "num_format": "yyyy-mm-dd", "align": "center", "valign": "vcenter"}
        ),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
    }
    return wb, fmt


def _text(ws, row, col, value, f):
    ws.write_string(row, col, escape_cell_text(str(value or "")), f)


def _day(ws, row, col, value, fmt):
    if value:
        ws.write_datetime(row, col, value, fmt["day"])
    else:
        ws.write_blank(row, col, None, fmt["cell"])


def reply_label(case: Case) -> str:
    if case.kind == states.DISCLOSURE:
        return catalog.REPLY_TYPES.get(case.reply_type, "")
    if case.state == states.REJECTED:
        return "不予受理"
    return catalog.COMPLAINT_OUTCOMES.get(case.reply_type, "")


def register_title(user, zone_code: str = "") -> str:
    """The register's title names the zone: the one filtered on (when in scope), else the
    user's own zone, else the user's org (a city bureau's register spans its zones)."""
    from fazhi.orgs.access import visible_orgs

    org = visible_orgs(user).filter(code=zone_code).first() if zone_code else None
    org = org or (user.org.zone() if user.org_id else None) or user.org
    return f"{org.name}台账" if org else "台账"


def write_register_xlsx(out, cases, today: date, title: str = "台账") -> int:
    """The register's rows (an iterable of Case, e.g. selectors.register(...)). No personal data.
    Returns the number of rows written."""
    wb, fmt = _workbook(out)
    ws = wb.add_worksheet("台账")
    ws.merge_range(
        0,
        0,
        0,
        len(REGISTER_HEADERS) - 1,
        escape_cell_text(f"{title}（截至 {today.isoformat()}）"),
        fmt["title"],
    )
    for col, (h, w) in enumerate(zip(REGISTER_HEADERS, REGISTER_WIDTHS, strict=True)):
        ws.write_string(1, col, h, fmt["head"])
        ws.set_column(col, col, w)
    n = 0
    for n, c in enumerate(cases, 1):
        r = n + 1
        _text(ws, r, 0, c.tracking_no, fmt["cell"])
        _text(ws, r, 1, states.KINDS.get(c.kind, c.kind), fmt["cell"])
        _text(ws, r, 2, catalog.CHANNELS.get(c.kind, {}).get(c.channel, c.channel), fmt["cell"])
        _day(ws, r, 3, c.received_on, fmt)
        _text(ws, r, 4, c.subject, fmt["cell"])
        _text(ws, r, 5, c.department.name if c.department_id else "", fmt["cell"])
        _text(ws, r, 6, c.state_label, fmt["cell"])
        _day(ws, r, 7, c.reply_due, fmt)
        _day(ws, r, 8, c.next_due, fmt)
        _text(ws, r, 9, "是" if c.next_due and c.next_due < today else "", fmt["cell"])
        _text(ws, r, 10, reply_label(c), fmt["cell"])
        _day(ws, r, 11, c.replied_on, fmt)
        _text(ws, r, 12, c.deadline_note, fmt["cell"])
    ws.freeze_panes(2, 0)
    print_setup(ws, title_rows=2)
    wb.close()
    return n


def write_annual_report_xlsx(out, report: dict) -> None:
    """The table 收到和处理政府信息公开申请情况 and the reconsideration/litigation table."""
    wb, fmt = _workbook(out)
    ws = wb.add_worksheet("依申请公开情况")
    ws.merge_range(
        0,
        0,
        0,
        3,
        escape_cell_text(
            f"{report['zone_name']} {report['year']} 年度收到和处理政府信息公开申请情况"
        ),
        fmt["title"],
    )
    for col, (h, w) in enumerate(
        zip(("项目", "自然人", "法人或其他组织", "总计"), (70, 12, 16, 10), strict=True)
    ):
        ws.write_string(1, col, h, fmt["head"])
        ws.set_column(col, col, w)
    for i, (key, label) in enumerate(REPORT_ROWS, 2):
        row = report["rows"][key]
        _text(ws, i, 0, label, fmt["cell"])
        ws.write_number(i, 1, row["person"], fmt["num"])
        ws.write_number(i, 2, row["organisation"], fmt["num"])
        ws.write_number(i, 3, row["total"], fmt["num"])
    print_setup(ws, title_rows=2, landscape=False)
    ws2 = wb.add_worksheet("复议诉讼")
    ws2.merge_range(
        0,
        0,
        0,
        5,
        escape_cell_text(
            f"{report['zone_name']} {report['year']} 年度政府信息公开行政复议、行政诉讼情况"
        ),
        fmt["title"],
    )
    heads = ["类别", *catalog.APPEAL_RESULTS.values(), "总计"]
    for col, h in enumerate(heads):
        ws2.write_string(1, col, h, fmt["head"])
        ws2.set_column(col, col, 12)
    for i, (kind, label) in enumerate(catalog.APPEAL_KINDS.items(), 2):
        _text(ws2, i, 0, label, fmt["cell"])
        for col, result in enumerate([*catalog.APPEAL_RESULTS, "total"], 1):
            ws2.write_number(i, col, report["appeals"][kind][result], fmt["num"])
    print_setup(ws2, title_rows=2)
    ws3 = wb.add_worksheet("按答复类型")
    ws3.write_string(0, 0, "答复类型", fmt["head"])
    ws3.write_string(0, 1, "件数", fmt["head"])
    ws3.set_column(0, 0, 24)
    for i, (k, label) in enumerate(catalog.REPLY_TYPES.items(), 1):
        _text(ws3, i, 0, label, fmt["cell"])
        ws3.write_number(i, 1, report["by_reply_type"][k], fmt["num"])
    print_setup(ws3, title_rows=1, landscape=False)
    wb.close()


def to_bytes(writer, *args, **kwargs) -> bytes:
    buf = io.BytesIO()
    writer(buf, *args, **kwargs)
    return buf.getvalue()
