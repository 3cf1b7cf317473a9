"""Reads shared by pages, the API and exports. Scope comes from orgs.access."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from fazhi.core import framework as fw
from fazhi.core.scoring import ResultInput, Totals, compute_totals
from fazhi.core.submission import SubmitCheck, submit_check
from fazhi.frameworks.services import tree
from fazhi.orgs.access import org_scope_q

from .models import Assessment, Evidence, Result


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(org_scope_q(user, "zone")).select_related("zone", "framework")


def get_assessment(user, assessment_id, *, for_update: bool = False) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (existence is not revealed)."""
    qs = assessments_for(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(assessment_id))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("自评不存在或无权查看") from None


def results_of(assessment: Assessment, *, with_evidence: bool = False) -> dict[str, Result]:
    """Results by indicator code, in one query (two with evidence, whatever its count)."""
    qs = Result.objects.filter(assessment=assessment).select_related("indicator")
    if with_evidence:
        qs = qs.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("blob"))
        )
    return {r.indicator.code: r for r in qs}


def result_input(r: Result) -> ResultInput:
    return ResultInput(self_score=r.self_score, cases=r.cases, raised=r.raised, points=r.points)


def totals_of(assessment: Assessment, results: dict[str, Result] | None = None) -> Totals:
    if results is None:
        results = results_of(assessment)
    return compute_totals(
        tree(assessment.framework), {c: result_input(r) for c, r in results.items()}
    )


def check_of(assessment: Assessment) -> SubmitCheck:
    """What still stops (missing scores) or weakens (no evidence) a submission; two queries."""
    results = results_of(assessment)
    files: dict[str, int] = {}
    for code in Evidence.objects.filter(result__assessment=assessment).values_list(
        "result__indicator__code", flat=True
    ):
        files[code] = files.get(code, 0) + 1
    return submit_check(
        tree(assessment.framework), {c: result_input(r) for c, r in results.items()}, files
    )


def totals_for_many(assessments: list[Assessment]) -> list[tuple[Assessment, Totals]]:
    """Totals of many assessments from one query over their results (a list page)."""
    by_assessment: dict[int, dict[str, ResultInput]] = {a.pk: {} for a in assessments}
    rows = Result.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "indicator__code", "self_score", "cases", "raised", "points"
    )
    for aid, code, score, cases, raised, points in rows:
        by_assessment[aid][code] = ResultInput(
            self_score=score, cases=cases, raised=raised, points=points
        )
    return [(a, compute_totals(tree(a.framework), by_assessment[a.pk])) for a in assessments]


def items_by_code(assessment: Assessment) -> dict[str, fw.Indicator]:
    return {i.code: i for i in fw.items(tree(assessment.framework))}
