"""Who sees and who acts on enforcement records. Office, leader and reviewers see the zones
in their scope (read-only but for the office); a department sees and handles its own cases
and officers. The administrators see no business content (三权分立)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fazhi.orgs.access import SCOPE_NONE, SCOPE_OWN, SCOPE_SUBTREE, in_scope, scope_of
from fazhi.orgs.models import Org, Role


def data_q(user, zone_field: str = "zone", own_field: str = "department") -> Q:
    """The records in the user's scope. For a zone-wide reader the zones are listed first
    (one small query), so the register filters on the indexed zone column with no join."""
    scope = scope_of(user)
    if scope == SCOPE_SUBTREE:
        zones = list(
            Org.objects.filter(path__startswith=user.org.path, kind=Org.Kind.ZONE).values_list(
                "pk", flat=True
            )
        )
        return Q(**{f"{zone_field}_id__in": zones})
    if scope == SCOPE_OWN and own_field:
        return Q(**{own_field: user.org_id})
    return Q(pk__in=[])


def require_reader(user) -> None:
    if scope_of(user) == SCOPE_NONE:
        raise PermissionDenied("无权查看行政执法台账")


def can_see(user, zone: Org, department_id: int | None) -> bool:
    scope = scope_of(user)
    if scope == SCOPE_SUBTREE:
        return zone.path.startswith(user.org.path)
    if scope == SCOPE_OWN:
        return department_id is not None and department_id == user.org_id
    return False


def is_office_of(user, zone: Org) -> bool:
    return user.has_role(Role.OFFICE) and in_scope(user, zone)


def can_act(user, zone: Org, department_id: int | None) -> bool:
    """The zone's office, or the handling department's staff."""
    if is_office_of(user, zone):
        return True
    return (
        user.has_role(Role.DEPARTMENT)
        and department_id is not None
        and user.org_id == department_id
    )


def require_act(user, zone: Org, department_id: int | None) -> None:
    if not can_see(user, zone, department_id):
        raise Http404("记录不存在或无权查看")
    if not can_act(user, zone, department_id):
        raise PermissionDenied("只有创建办或承办部门可以办理")


def require_office(user, zone: Org) -> None:
    if not is_office_of(user, zone):
        if scope_of(user) != SCOPE_NONE and (in_scope(user, zone) or zone_of_user(user) == zone):
            raise PermissionDenied("只有创建办可以执行该操作")
        raise Http404("园区不存在或无权访问")


def zone_of_user(user) -> Org | None:
    return user.org.zone() if user.org_id else None
