"""The registers' summaries beside a scoring item (figures, what is missing, a proposal)."""

from __future__ import annotations

from django import template

from fazhi.assessments.summaries import page_summaries, summaries_for_items

register = template.Library()

# The input a proposal fills, by the field it proposes (see core.summary.Proposal).
INPUT_IDS = {"self_score": "score", "value": "value", "count": "count", "cases": "cases"}


@register.inclusion_tag("assessments/_item_sources.html", takes_context=True)
def item_sources(context, assessment, indicator, can_edit=False):
    code = str(getattr(indicator, "code", indicator))
    found = page_summaries(assessment, code)
    return {
        "blocks": [
            {
                "source": s,
                "summary": summary,
                "adopt": f"{INPUT_IDS[summary.proposal.field]}-{code}" if summary.proposal else "",
            }
            for s, summary in found
        ],
        "assessment": assessment,
        "code": code,
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("assessments/_task_sources.html")
def task_sources(plan, indicators):
    """The registers behind a task's linked items, for the plan's zone and year (read only:
    evidence is attached on the assessment's page)."""
    from fazhi.frameworks.models import Framework

    tables = (
        dict(
            Framework.objects.filter(pk__in={i.framework_id for i in indicators}).values_list(
                "pk", "code"
            )
        )
        if indicators
        else {}
    )
    items = [(i.code, tables[i.framework_id]) for i in indicators]
    return {"found": summaries_for_items(plan.zone, plan.year, items), "year": plan.year}
