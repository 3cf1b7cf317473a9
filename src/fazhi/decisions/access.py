"""Who sees and who writes the decision-making registers (over orgs.access).

Read: the office, leaders and reviewers of a zone (and above) see its records; a department
sees the records it drafts or carries out. Write: the zone's office, and the department on its
own records. Administrators and experts see none."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from fazhi.core.errors import RuleError
from fazhi.orgs.access import SCOPE_NONE, SCOPE_OWN, in_scope, scope_of, zone_data_q
from fazhi.orgs.models import Org, Role

BUSINESS = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)


def require_reader(user) -> None:
    has_role = getattr(user, "has_role", None)
    if not (has_role and any(has_role(r) for r in BUSINESS)):
        raise PermissionDenied("系统管理员负责系统运行，不查看依法决策台账")
    if scope_of(user) == SCOPE_NONE:
        raise PermissionDenied("无权查看依法决策台账")


def scope_q(user):
    return zone_data_q(user, "zone", ("department",))


def is_office_of(user, zone: Org) -> bool:
    return user.has_role(Role.OFFICE) and in_scope(user, zone)


def can_write(user, record) -> bool:
    """The zone's office, or the department on its own record."""
    if is_office_of(user, record.zone):
        return True
    return (
        user.has_role(Role.DEPARTMENT)
        and record.department_id is not None
        and record.department_id == user.org_id
    )


def can_create(user) -> bool:
    return user.has_role(Role.OFFICE) or user.has_role(Role.DEPARTMENT)


def zone_wide(user) -> bool:
    return scope_of(user) not in (SCOPE_NONE, SCOPE_OWN)


def get_visible(model, user, pk, *, for_update: bool = False, related=("zone", "department")):
    qs = model.objects.filter(scope_q(user))
    if for_update:
        qs = model.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    try:
        return qs.select_related(*related).get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("记录不存在或无权查看") from None


def writing_zone(user, zone_code) -> Org:
    """The zone a new record goes to: the given one (in the office's scope) or the user's own."""
    if zone_code:
        zone = Org.objects.filter(code=zone_code, kind=Org.Kind.ZONE).first()
        if zone is None or not in_scope(user, zone):
            raise RuleError("zone", f"园区“{zone_code}”不存在或不在本人管理范围内")
        return zone
    own = user.org.zone() if user.org_id else None
    if own is None:
        raise RuleError("zone", "请填写园区代码")
    return own


def department_of(user, zone: Org, code) -> Org | None:
    """The drafting department / 承办单位: a department of the zone; a department user's own."""
    if user.has_role(Role.DEPARTMENT) and not user.has_role(Role.OFFICE):
        return user.org
    if not code:
        return None
    dept = Org.objects.filter(code=code, kind=Org.Kind.DEPARTMENT, parent=zone).first()
    if dept is None:
        raise RuleError("department", f"部门“{code}”不是本园区的部门")
    return dept
