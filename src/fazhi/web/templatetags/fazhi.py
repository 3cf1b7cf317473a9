from django import template

from fazhi.assessments.selectors import result_input
from fazhi.core.rules import describe
from fazhi.core.scoring import computed_score, format_points
from fazhi.core.submission import unfilled as _unfilled

register = template.Library()


@register.filter
def pts(value) -> str:
    """Points as printed: 5, 4.5, 4.25; empty for none."""
    return format_points(value) if value is not None else ""


@register.filter
def filesize(n) -> str:
    n = int(n or 0)
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def rule_text(ind) -> str:
    """A scored item's rule (and 倒扣 floor) in words, as the export prints it."""
    return describe(ind.rule, ind.max_points, ind.min_points) if ind.kind == "scored" else ""


@register.filter
def score_of(ind, r) -> str:
    """The score a scored item's entry gives before any override ("" while none)."""
    return format_points(computed_score(ind, result_input(r))) if r is not None else ""


@register.filter
def unfilled(ind, r) -> bool:
    """A scored item still waiting for its entry (self score or its rule's input)."""
    return r is not None and _unfilled(ind, result_input(r))
