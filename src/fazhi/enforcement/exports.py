"""The enforcement case register as a spreadsheet, with the register's filters applied, in
the shared titled-table layout (fazhi.reports.xlsx). No personal data of the parties."""

from __future__ import annotations

import io
from datetime import date

from fazhi.core import enforcement as enf
from fazhi.reports.xlsx import table_formats, table_sheet, workbook

from . import access, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (
    "案号", "案由", "线索来源", "承办部门", "状态", "线索登记日期", "立案日期", "决定日期",
    "决定书文号", "最近到期日", "是否逾期", "投诉举报受理编号", "期限说明（暂定的原因）",
)  # fmt: skip
WIDTHS = (22, 36, 12, 14, 16, 12, 12, 12, 22, 12, 8, 22, 30)
COLUMNS = (
    "number", "subject", "source", "department__name", "state", "received_on", "filed_on",
    "decided_on", "decision_no", "next_due", "overdue", "complaint__tracking_no", "deadline_note",
)  # fmt: skip


def title_of(user) -> str:
    org = access.zone_of_user(user) or user.org
    return f"{org.name}行政执法案件台账" if org else "行政执法案件台账"


def register_xlsx(user, f: selectors.CaseFilter, today: date) -> tuple[bytes, int]:
    """The cases the register shows with filter `f` (all of them, not one page), newest first;
    the content and the number of rows."""
    rows = (
        (
            number,
            subject,
            selectors.SOURCES.get(source, source),
            dept or "",
            enf.STATES.get(state, state),
            received,
            filed,
            decided,
            decision_no,
            due,
            "是" if overdue else "",
            complaint or "",
            note,
        )  # fmt: skip
        for number, subject, source, dept, state, received, filed, decided, decision_no, due, overdue, complaint, note in selectors.cases_qs(
            user, f
        )
        .order_by("-received_on", "-id")
        .values_list(*COLUMNS)
        .iterator(chunk_size=2000)
    )
    out = io.BytesIO()
    wb = workbook(out)
    title = f"{title_of(user)}（截至 {today.isoformat()}）"
    n = table_sheet(wb, table_formats(wb), "执法案件台账", title, HEADERS, WIDTHS, rows)
    wb.close()
    return out.getvalue(), n
