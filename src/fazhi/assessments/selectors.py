"""Reads shared by pages, the API and exports. Scope comes from orgs.access."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from fazhi.core import framework as fw
from fazhi.core.scoring import ResultInput, Totals, compute_totals
from fazhi.core.submission import SubmitCheck, submit_check
from fazhi.frameworks.services import indicator_ids, tree
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


INPUT_FIELDS = (
    "self_score",
    "cases",
    "raised",
    "points",
    "count",
    "value",
    "not_applicable",
    "override_score",
)


def _input(self_score, cases, raised, points, count, value, not_applicable, override_score):
    return ResultInput(
        self_score=self_score,
        cases=cases,
        raised=raised,
        points=points,
        count=count,
        value=value,
        not_applicable=not_applicable,
        override=override_score,
    )


def result_input(r: Result) -> ResultInput:
    return _input(*(getattr(r, name) for name in INPUT_FIELDS))


def blocks_of(assessment: Assessment) -> frozenset[str]:
    return frozenset({assessment.block}) if assessment.block else frozenset()


def totals_of(assessment: Assessment, results: dict[str, Result] | None = None) -> Totals:
    if results is None:
        results = results_of(assessment)
    return compute_totals(
        tree(assessment.framework),
        {c: result_input(r) for c, r in results.items()},
        blocks_of(assessment),
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
        tree(assessment.framework),
        {c: result_input(r) for c, r in results.items()},
        files,
        blocks_of(assessment),
    )


def totals_for_many(assessments: list[Assessment]) -> list[tuple[Assessment, Totals]]:
    """Totals of many assessments from one query over their results (a list page).
    Indicator ids map to codes through the framework's cached table: no join."""
    by_assessment: dict[int, dict[str, ResultInput]] = {a.pk: {} for a in assessments}
    codes: dict[int, str] = {}
    for framework in {a.framework_id: a.framework for a in assessments}.values():
        codes.update({pk: code for code, pk in indicator_ids(framework).items()})
    rows = Result.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "indicator_id", *INPUT_FIELDS
    )
    for aid, indicator_id, *values in rows:
        by_assessment[aid][codes[indicator_id]] = _input(*values)
    return [
        (a, compute_totals(tree(a.framework), by_assessment[a.pk], blocks_of(a)))
        for a in assessments
    ]


def entries_of(indicators, block: str = "") -> list[fw.Indicator]:
    """What an assessment keeps a result for: the items that apply (only the chosen
    block of a `choose: one` group) and the optional groups (for 不适用)."""
    blocks = frozenset({block}) if block else frozenset()
    return [ind for _, ind in fw.applicable(indicators, blocks) if not ind.is_group or ind.optional]


def items_by_code(assessment: Assessment) -> dict[str, fw.Indicator]:
    """The entries of the assessment by code (see entries_of)."""
    return {i.code: i for i in entries_of(tree(assessment.framework), assessment.block)}
