"""The published catalogues as spreadsheets: the valid / abolished / expired normative
documents of a zone (one sheet each), and a year's 决策事项目录. Every text cell goes through
escape_cell_text (no formula injection)."""

from __future__ import annotations

import io
from datetime import date

from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.reports.xlsx import table_formats, table_sheet, workbook

from .models import MajorDecision, NormativeDocument
from .selectors import validity_q

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def documents_catalogue_xlsx(zone, today: date) -> bytes:
    out = io.BytesIO()
    wb = workbook(out)
    fmt = table_formats(wb)
    for key in (nd.VALID, nd.V_ABOLISHED, nd.V_EXPIRED):
        label = nd.VALIDITY[key]
        rows = (
            NormativeDocument.objects.filter(zone=zone)
            .filter(validity_q(key, today))
            .order_by("-published_on", "-id")
            .values_list("doc_no", "title", "published_on", "valid_until", "ended_on")
        )
        table_sheet(
            wb,
            fmt,
            label,
            f"{zone.name}{label}的行政规范性文件目录（截至 {today.isoformat()}）",
            ("统一编号", "文件名称", "公布日期", "有效期至", "废止/失效日期"),
            (24, 48, 12, 12, 14),
            rows.iterator(chunk_size=2000),
        )
    wb.close()
    return out.getvalue()


def decision_catalogue_xlsx(zone, year: int) -> bytes:
    out = io.BytesIO()
    wb = workbook(out)
    fmt = table_formats(wb)
    rows = (
        (title, dept or "", ds.STATE_LABELS.get(state, state), launched, decided, published)
        for title, dept, state, launched, decided, published in MajorDecision.objects.filter(
            zone=zone, catalogue__year=year
        )
        .order_by("launched_on", "id")
        .values_list(
            "title", "department__name", "state", "launched_on", "decided_on", "published_on"
        )
        .iterator(chunk_size=2000)
    )
    table_sheet(
        wb,
        fmt,
        "决策事项目录",
        f"{zone.name}{year}年度重大行政决策事项目录",
        ("决策事项", "承办单位", "状态", "启动日期", "决定日期", "公布日期"),
        (48, 16, 16, 12, 12, 12),
        rows,
    )
    wb.close()
    return out.getvalue()
