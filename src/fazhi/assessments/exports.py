"""Exports of an assessment in the official layouts."""

from __future__ import annotations

import io
from dataclasses import replace

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.audit.services import record
from fazhi.core.framework import items, prune, walk
from fazhi.frameworks.services import tree
from fazhi.reports.scoring_xlsx import ResultRow, write_scoring_xlsx

from .selectors import blocks_of, results_of, totals_of


def write_xlsx(assessment, out) -> None:
    """The 自查评分表 as .xlsx, in the paper layout."""
    results = results_of(assessment, with_evidence=True)
    rows = {
        code: ResultRow(
            self_score=r.self_score,
            cases=r.cases,
            raised=r.raised,
            reason=r.reason,
            points=r.points,
            note=r.note,
            evidence=tuple(e.name for e in r.evidence.all()),
            count=r.count,
            value=r.value,
            not_applicable=r.not_applicable,
            na_reason=r.na_reason,
            override=r.override_score,
            override_reason=r.override_reason,
        )
        for code, r in results.items()
    }
    _inherit_not_applicable(assessment, rows)
    write_scoring_xlsx(
        out,
        title=assessment.framework.title,
        zone_name=assessment.zone.name,
        year=assessment.year,
        status_label=assessment.get_status_display(),
        indicators=prune(tree(assessment.framework), blocks_of(assessment)),
        results=rows,
        totals=totals_of(assessment, results),
        generated_on=timezone.localdate(),
    )


def _inherit_not_applicable(assessment, rows: dict) -> None:
    """Items beneath a group marked 不适用 print as not applicable too."""
    for _, group in walk(tree(assessment.framework)):
        row = rows.get(group.code)
        if group.is_group and row is not None and row.not_applicable:
            reason = f"所属指标组不适用：{row.na_reason}"
            for item in items(group.children):
                if item.code in rows:
                    rows[item.code] = replace(
                        rows[item.code], not_applicable=True, na_reason=reason
                    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(user, assessment) -> HttpResponse:
    """The export as a download, audited (pages and the API share it)."""
    buffer = io.BytesIO()
    write_xlsx(assessment, buffer)
    record(user, "assessment.export", assessment, after={"format": "xlsx"})
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    kind = "考核表" if assessment.zone.kind == "department" else "自查评分表"
    name = f"{assessment.zone.name}{assessment.year}年度{kind}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
