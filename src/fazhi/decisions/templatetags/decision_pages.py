from django import template

from fazhi.decisions import access

register = template.Library()


@register.filter
def zone_wide(user) -> bool:
    """The office, leaders and reviewers above: they see counsel and the yearly figures."""
    return access.zone_wide(user)
