"""Template helpers of the register pages, and the register figures box of an assessment item."""

from __future__ import annotations

from django import template

register = template.Library()

FIGURE_ITEMS = {"8": ("disclosure",), "11": ("complaint",), "12": ("complaint",)}


@register.filter
def dept_options(departments) -> dict:
    return {d.code: d.name for d in departments}


@register.filter
def merge(a: dict, b: dict) -> dict:
    return {**(a or {}), **(b or {})}


@register.filter
def event_label(kind) -> str:
    from fazhi.registers.states import EVENTS

    return EVENTS.get(kind, "办理事项")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.inclusion_tag("registers/_item_figures_box.html", takes_context=True)
def item_figures(context, assessment, indicator, can_edit=False):
    """The zone's register figures for the assessment's year on items 8, 11 and 12, computed
    once per page (kept on the render context), with the button that attaches them."""
    code = str(getattr(indicator, "code", indicator))
    kinds = FIGURE_ITEMS.get(code)
    if not kinds or assessment is None:
        return {"show": False}
    # Kept on the assessment object: each included item row has its own render context.
    cache = assessment.__dict__.setdefault("_register_figures", {})
    key = assessment.pk
    if key not in cache:
        from fazhi.core.errors import RuleError
        from fazhi.registers import clock, selectors
        from fazhi.workdays.selectors import get_calendar

        try:
            cache[key] = (
                selectors.register_figures(
                    assessment.zone, assessment.year, get_calendar(), clock.today()
                ),
                "",
            )
        except RuleError as exc:
            cache[key] = (None, exc.message)
    figures, error = cache[key]
    labels = {"disclosure": "依申请公开", "complaint": "投诉举报"}
    blocks = [{"kind": k, "label": labels[k], "f": figures[k]} for k in kinds] if figures else []
    request = context.get("request")
    return {
        "show": True,
        "assessment": assessment,
        "code": code,
        "blocks": blocks,
        "error": error,
        "year": assessment.year,
        "as_of": figures["as_of"] if figures else None,
        "can_edit": can_edit,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.inclusion_tag("portal/_footer.html")
def portal_footer():
    """The foot of every public page: each zone's answering agency with its phone and address,
    the way in for anyone who cannot use the forms or the challenge."""
    from fazhi.registers import public

    return {"agencies": public.public_agencies()}
