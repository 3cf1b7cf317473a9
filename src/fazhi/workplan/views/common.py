"""What the work-plan pages share: the day, who may do what, the lights, form state."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.core import lights
from fazhi.core.errors import ConflictError, RuleError
from fazhi.orgs.models import Org, Role

from .. import selectors
from ..documents import DOCX
from ..models import Task


def today() -> date:
    """The day lights are computed for (a function so tests can move it)."""
    return timezone.localdate()


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def has_any_role(user, *roles) -> bool:
    has_role = getattr(user, "has_role", None)
    return any(has_role(r) if has_role else user.role == r for r in roles)


BUSINESS = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)
SUPERVISORS = (Role.OFFICE, Role.LEADER, Role.REVIEWER)


def require_business(user) -> None:
    if not has_any_role(user, *BUSINESS):
        raise PermissionDenied("系统管理员负责组织与用户，不查看工作方案")


def require_supervisor(user, what: str) -> None:
    require_business(user)
    if not has_any_role(user, *SUPERVISORS):
        raise PermissionDenied(f"{what}供创建办和领导使用；部门请在“我的任务”中查看本部门任务")


def zone_departments(plan):
    return (
        Org.objects.filter(parent_id=plan.zone_id, kind=Org.Kind.DEPARTMENT)
        .only("id", "code", "name")
        .order_by("path")
    )


# Severity for sorting.
SEVERITY = {lights.RED: 4, lights.YELLOW: 3, lights.GREEN: 1, lights.DONE: 0}
LIGHT_FILTERS = {
    "red": "红灯",
    "yellow": "黄灯",
    "green": "绿灯",
    "done": "已办结",
    "none": "未定时限",
}


def light_color(light) -> str:
    """The filter key of a light: none for a task without a due date or a computable light."""
    if light is None or light.color not in LIGHT_FILTERS:
        return "none"
    return light.color


def due_of(task: Task) -> date | None:
    return task.due_in_force or task.due_date


# ---------------------------------------------------------------- forms: values and errors

FORM_FIELDS = {
    "report": ("percent", "text", "reason", "file"),
    "extension": ("new_due", "reason"),
    "assign": ("lead_org", "support_orgs", "responsible", "start_date", "due_date", "indicators"),
    "split": ("title",),
    "milestone": ("title", "due_date"),
    "decide": ("note",),
    "settings": ("yellow_days", "lag_points", "report_day"),
    "create": ("template", "year", "report_day"),
    "issue": ("to_org", "task", "text", "reply_due"),
    "reply": ("reply",),
    "bulletin": ("month",),
}


def form_state(name: str, values: dict | None = None, exc: Exception | None = None) -> dict:
    """The state of one form: what to show in it, and the refusal next to its field
    (or at its top when it names no field of the form: a conflict, a permission)."""
    errors, top = {}, ""
    if isinstance(exc, RuleError):
        for field, message in getattr(exc, "errors", {exc.field: exc.message}).items():
            if field in FORM_FIELDS[name]:
                errors[field] = message
            else:
                top = top or message
    elif exc is not None:
        top = getattr(exc, "message", None) or str(exc) or "操作未完成，请重试"
    return {"values": values or {}, "errors": errors, "top": top}


def refusal_status(exc: Exception) -> int:
    if isinstance(exc, RuleError):
        return 422
    if isinstance(exc, ConflictError):
        return 409
    return 403


REFUSED = (RuleError, ConflictError, PermissionDenied)


def visible_ids(user, plan) -> set[int]:
    return set(selectors.tasks_for(user).filter(plan=plan).values_list("pk", flat=True))


def docx_response(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
