"""Plain dicts for the API and pages: one shape, built once."""

from __future__ import annotations

from django.urls import reverse

from fazhi.core import framework as fw
from fazhi.core.scoring import Totals, format_points

from .models import Assessment, Result


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
            }
            for g in t.groups.values()
        ],
    }


def result_dict(assessment: Assessment, ind: fw.Indicator, r: Result) -> dict:
    return {
        "indicator_code": ind.code,
        "kind": ind.kind,
        "title": ind.title,
        "max_points": points(ind.max_points),
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
        "year": a.year,
        "status": a.status,
        "status_label": a.get_status_display(),
        "version": a.version,
        "return_reason": a.return_reason,
        "totals": totals_dict(totals),
        "results": [result_dict(a, i, results[i.code]) for i in items if i.code in results],
    }
