"""Exports of an assessment in the official layouts."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.audit.services import record
from fazhi.frameworks.services import tree
from fazhi.reports.scoring_xlsx import ResultRow, write_scoring_xlsx

from .selectors import results_of, totals_of


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
        )
        for code, r in results.items()
    }
    write_scoring_xlsx(
        out,
        title=assessment.framework.title,
        zone_name=assessment.zone.name,
        year=assessment.year,
        status_label=assessment.get_status_display(),
        indicators=tree(assessment.framework),
        results=rows,
        totals=totals_of(assessment, results),
        generated_on=timezone.localdate(),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(user, assessment) -> HttpResponse:
    """The export as a download, audited (pages and the API share it)."""
    buffer = io.BytesIO()
    write_xlsx(assessment, buffer)
    record(user, "assessment.export", assessment, after={"format": "xlsx"})
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"{assessment.zone.name}{assessment.year}年度自查评分表.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
