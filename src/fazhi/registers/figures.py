"""The register figures attached as evidence to an item of the self-assessment."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from fazhi.assessments.models import Evidence
from fazhi.audit.services import record
from fazhi.core.errors import RuleError
from fazhi.workdays.selectors import get_calendar

from . import clock, states
from .exports import XLSX, to_bytes, write_figures_xlsx
from .selectors import register_figures

# ---------------------------------------------------------------- figures for the self-assessment

FIGURE_KINDS = {"8": (states.DISCLOSURE,), "11": (states.COMPLAINT,), "12": (states.COMPLAINT,)}


def attach_figures_as_evidence(
    user, assessment_id, indicator_code, as_of: date | None = None
) -> Evidence:
    """Write a summary of the zone's register figures for the assessment's year (.xlsx) into
    the evidence store and attach it to the item (items 8: disclosure; 11, 12: complaints;
    any other item: both). Only the zone's office, while the assessment is editable.

    Evidence is stamped with the real date (the caller cannot choose it). A past `as_of` is
    allowed only for the year-end figure of a closed year (YYYY-12-31 of the assessment's year,
    before today), and the file name and the audit entry say so."""
    from fazhi.assessments.selectors import get_assessment
    from fazhi.assessments.services import add_evidence

    today = clock.today()
    assessment = get_assessment(user, assessment_id)
    year_end = date(assessment.year, 12, 31)
    if as_of is not None and as_of != today and (as_of != year_end or year_end >= today):
        raise RuleError(
            "as_of",
            f"统计按实际日期（{today}）生成；只有已结束年度的年末数可以指定截至日期 {year_end}",
        )
    as_of = as_of or today
    closed = as_of == year_end and as_of < today
    code = str(indicator_code)
    kinds = FIGURE_KINDS.get(code, (states.DISCLOSURE, states.COMPLAINT))
    figures = register_figures(assessment.zone, assessment.year, get_calendar(), as_of)
    content = to_bytes(write_figures_xlsx, figures, kinds)
    label = "、".join(states.KINDS[k] for k in kinds)
    stamp = (
        f"年末数截至{as_of.isoformat()}（{today.isoformat()}生成）"
        if closed
        else f"截至{as_of.isoformat()}"
    )
    name = f"{assessment.zone.name}{assessment.year}年度台账统计（{label}）{stamp}.xlsx"
    with transaction.atomic():
        item = add_evidence(
            user, assessment_id, code, SimpleUploadedFile(name, content, content_type=XLSX)
        )
        record(
            user,
            "register.figures.attach",
            item,
            after={
                "assessment": assessment.pk,
                "indicator": code,
                "as_of": as_of,
                "generated_on": today,
                "year_end": closed,
                **{
                    k: {
                        x: figures[k][x] for x in ("received", "replied", "on_time_rate", "overdue")
                    }
                    for k in kinds
                },
            },
        )
    return item
