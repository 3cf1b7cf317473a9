"""A register's summary beside a scoring item, and the one-click evidence file made from it.

Every register that backs an item declares a `sources.Source`; this module is the only place
that turns one into what the scoring page shows and into a stamped evidence file."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core.errors import RuleError
from fazhi.core.summary import Summary
from fazhi.registers.clock import today as register_today
from fazhi.reports.summary_xlsx import summary_xlsx

from . import sources
from .models import Evidence

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _summarise(source: sources.Source, zone, year: int, as_of: date, page=False) -> Summary:
    try:
        if page:  # shown beside the item: the figures, not the records behind them
            return source.page_summary(zone, year, as_of)
        return source.summarise(zone, year, as_of)
    except RuleError as exc:
        return Summary(title=source.title, figures=(), error=exc.message)


def item_sources_of(assessment, code: str) -> list[sources.Source]:
    """The sources behind the item of this assessment: a zone's, on the table they number."""
    if assessment is None or assessment.zone.kind != "zone":
        return []
    return sources.sources_for(code, assessment.framework.code)


def page_summaries(assessment, code: str) -> list[tuple[sources.Source, Summary]]:
    """The summaries of the item's sources, each source computed once per page (kept on the
    assessment object, which every item row of one page shares)."""
    found = item_sources_of(assessment, code)
    if not found:
        return []
    cache = assessment.__dict__.setdefault("_source_summaries", {})
    today = register_today()
    out = []
    for s in found:
        if s.key not in cache:
            cache[s.key] = _summarise(s, assessment.zone, assessment.year, today, page=True)
        out.append((s, cache[s.key]))
    return out


def item_summaries(assessment, code: str) -> list[tuple[sources.Source, Summary]]:
    """The item's sources with their records (the API says how many records stand behind)."""
    today = register_today()
    return [
        (s, _summarise(s, assessment.zone, assessment.year, today))
        for s in item_sources_of(assessment, code)
    ]


def summaries_for_items(zone, year: int, items) -> list[tuple[sources.Source, Summary]]:
    """The summaries of the registers behind any of the items, given as (code, framework
    code) pairs (a work-plan task's linked items), each register once."""
    found = {s.key: s for code, fw in items for s in sources.sources_for(code, fw)}
    today = register_today()
    return [(s, _summarise(s, zone, year, today, page=True)) for s in found.values()]


def _as_of(assessment, as_of: date | None) -> tuple[date, bool]:
    """The real date, or the year-end of a closed year (then True): evidence cannot be dated
    at will."""
    today = register_today()
    year_end = date(assessment.year, 12, 31)
    if as_of is not None and as_of != today and (as_of != year_end or year_end >= today):
        raise RuleError(
            "as_of",
            f"统计按实际日期（{today}）生成；只有已结束年度的年末数可以指定截至日期 {year_end}",
        )
    as_of = as_of or today
    return as_of, as_of == year_end and as_of < today


def parse_as_of(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise RuleError("as_of", "as_of 格式应为 YYYY-MM-DD") from None


def _summary_file(user, assessment_id, code, key: str, as_of: date | None):
    """(assessment, source key, summary, file name, .xlsx bytes, as_of, year-end?, today)."""
    from .selectors import get_assessment

    code = str(code)
    assessment = get_assessment(user, assessment_id)
    source = sources.source(key)
    if source is None or source not in item_sources_of(assessment, code):
        raise Http404("该评分项没有这一台账")
    as_of, closed = _as_of(assessment, as_of)
    summary = source.summarise(assessment.zone, assessment.year, as_of)
    today = register_today()
    stamp = (
        f"年末数截至{as_of.isoformat()}（{today.isoformat()}生成）"
        if closed
        else f"截至{as_of.isoformat()}"
    )
    heading = f"{assessment.zone.name} {assessment.year} 年度{summary.title}台账统计"
    content = summary_xlsx(summary, heading, f"统计{stamp}")
    name = f"{assessment.zone.name}{assessment.year}年度台账统计（{summary.title}）{stamp}.xlsx"
    return assessment, summary, name, content, as_of, closed, today


def summary_download(user, assessment_id, code, key: str) -> tuple[str, bytes]:
    """The register's yearly summary as .xlsx, for anyone who may read the assessment (the
    file 作为佐证 would attach, without attaching it)."""
    _, _, name, content, *_ = _summary_file(user, assessment_id, code, key, None)
    return name, content


def attach_summary(user, assessment_id, code, key: str, as_of: date | None = None) -> Evidence:
    """Write the source's summary for the assessment's zone and year (.xlsx) into the evidence
    store and attach it to the item, stamped with the date and the figures it shows. Only who
    may add evidence to the assessment, while it is editable."""
    from .services import add_evidence

    code = str(code)
    assessment, summary, name, content, as_of, closed, today = _summary_file(
        user, assessment_id, code, key, as_of
    )
    with transaction.atomic():
        item = add_evidence(
            user, assessment_id, code, SimpleUploadedFile(name, content, content_type=XLSX)
        )
        record(
            user,
            "evidence.summary.attach",
            item,
            after={
                "assessment": assessment.pk,
                "indicator": code,
                "source": key,
                "as_of": as_of,
                "generated_on": today,
                "year_end": closed,
                "figures": summary.stamp(),
                "proposal": str(summary.proposal.value) if summary.proposal else None,
                "missing": list(summary.missing),
            },
        )
    return item
