"""Template helpers of the register pages, and the register figures box of an assessment item."""

from __future__ import annotations

from django import template

register = template.Library()


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


@register.inclusion_tag("portal/_footer.html")
def portal_footer():
    """The foot of every public page: each zone's answering agency with its phone and address,
    the way in for anyone who cannot use the forms or the challenge."""
    from fazhi.registers import public

    return {"agencies": public.public_agencies()}
