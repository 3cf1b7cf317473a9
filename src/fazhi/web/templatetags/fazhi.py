from django import template

from fazhi.core.scoring import format_points

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
