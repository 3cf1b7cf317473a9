"""Plain dicts for the API and pages: one shape, built once."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import framework as fw
from fazhi.core.rules import describe
from fazhi.core.scoring import Totals, computed_score, format_points

from .models import Assessment, Result
from .selectors import result_input


def points(d) -> str | None:
    return None if d is None else format_points(d)


def totals_dict(t: Totals) -> dict:
    return {
        "scored": points(t.scored),
        "scored_max": points(t.scored_max),
        "bonus": points(t.bonus),
        "deduction": points(t.deduction),
        "final": points(t.final),
        "disqualified": t.disqualified,
        "vetoes": t.vetoes,
        "unset": t.unset,
        "items_total": t.items_total,
        "items_done": t.items_done,
        "applicable_max": points(t.applicable_max),
        "scaled": points(t.scaled),
        "not_applicable": t.not_applicable,
        "groups": [
            {
                "code": g.code,
                "title": g.title,
                "max_points": points(g.max_points),
                "declared_max": points(g.declared_max),
                "scored": points(g.scored),
                "items_total": g.items_total,
                "items_done": g.items_done,
                "bonus": points(g.bonus),
                "deduction": points(g.deduction),
                "applicable_max": points(g.applicable_max),
            }
            for g in t.groups.values()
        ],
    }


def input_dict(ind: fw.Indicator, r: Result) -> dict:
    """What was entered for a scored item: the rule's input, or the self score."""
    if ind.kind != fw.SCORED:
        return {}
    if ind.rule is None:
        return {"self_score": points(r.self_score)}
    if ind.rule.input_field == "count":
        return {"count": r.count}
    return {"value": points(r.value)}


def result_dict(assessment: Assessment, ind: fw.Indicator, r: Result) -> dict:
    scored = ind.kind == fw.SCORED
    return {
        "indicator_code": ind.code,
        "label": ind.shown_code,
        "kind": ind.kind,
        "title": ind.title,
        "max_points": points(ind.max_points),
        "min_points": points(ind.min_points) if scored else None,
        "rule": ind.rule.to_dict() if ind.rule else None,
        "rule_text": describe(ind.rule, ind.max_points, ind.min_points) if scored else "",
        "optional": ind.optional,
        "input": input_dict(ind, r),
        "computed_score": points(computed_score(ind, result_input(r))) if scored else None,
        "override": None
        if r.override_score is None
        else {"score": points(r.override_score), "reason": r.override_reason},
        "not_applicable": r.not_applicable,
        "not_applicable_reason": r.na_reason,
        "self_score": points(r.self_score),
        "cases": r.cases,
        "raised": r.raised,
        "reason": r.reason,
        "points": points(r.points),
        "note": r.note,
        "version": r.version,
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "sm3": e.blob.digest,
                "size": e.blob.size,
                "url": reverse("web:evidence-download", args=[assessment.pk, e.pk]),
            }
            for e in r.evidence.all()
        ],
    }


def assessment_dict(
    a: Assessment, totals: Totals, items: list[fw.Indicator], results: dict[str, Result]
) -> dict:
    return {
        "id": a.pk,
        "zone": {"code": a.zone.code, "name": a.zone.name},
        "framework": {
            "code": a.framework.code,
            "version": a.framework.version,
            "title": a.framework.title,
        },
        "org_kind": a.zone.kind,
        "block": a.block,
        "year": a.year,
        "status": a.status,
        "status_label": a.get_status_display(),
        "version": a.version,
        "return_reason": a.return_reason,
        "totals": totals_dict(totals),
        "results": [result_dict(a, i, results[i.code]) for i in items if i.code in results],
    }


def ranking_dict(row) -> dict:
    t, f = row.totals, row.figures
    return {
        "rank": row.rank,
        "grade": row.grade,
        "org": {"code": row.assessment.zone.code, "name": row.assessment.zone.name},
        "assessment_id": row.assessment.pk,
        "status": row.assessment.status,
        "final": points(t.final),
        "applicable_max": points(t.applicable_max),
        "scaled": points(t.scaled),
        "disqualified": t.disqualified,
        "figures": {
            "total": f.total,
            "done_on_time": f.done_on_time,
            "done_late": f.done_late,
            "overdue": f.overdue,
            "missed_reports": f.missed_reports,
        },
    }


def source_summary_dict(source, summary) -> dict:
    """A register's summary beside an item (fazhi.core.summary.Summary), as the API shows it."""
    p = summary.proposal
    return {
        "key": source.key,
        "title": summary.title,
        "figures": [{"label": f.label, "value": f.shown()} for f in summary.figures],
        "records": len(summary.rows),
        "missing": list(summary.missing),
        "proposal": {"value": str(p.value), "field": p.field, "rule": p.rule} if p else None,
        "note": summary.note,
        "error": summary.error,
    }
