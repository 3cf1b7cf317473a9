"""Search (搜索) across tasks, cases, evidence and 督办单, within the user's data scope.

Personal data is never decrypted to search it: a name or a phone number is matched exactly
through its blind index (security.fields.lookup_q), and only by those who may see the
applicant's contact details (the zone's office and the handling department).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from fazhi.assessments.models import Evidence
from fazhi.assessments.selectors import assessments_for
from fazhi.core.errors import RuleError
from fazhi.core.validate import parse_date
from fazhi.orgs.access import SCOPE_OWN, scope_of, visible_orgs
from fazhi.orgs.models import Org, Role
from fazhi.registers.selectors import cases_for
from fazhi.security.fields import lookup_q
from fazhi.security.models import Person
from fazhi.workplan.models import ReportEvidence
from fazhi.workplan.selectors import notices_for, tasks_for

MAX_TERM = 50
LIMIT = 50
# Business roles that may search; the administrators see no business content (三权分立).
SEARCH_ROLES = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)


@dataclass
class Query:
    q: str = ""
    department: Org | None = None
    start: date | None = None
    end: date | None = None
    person: str = ""


@dataclass
class Hits:
    rows: list
    total: int


@dataclass
class Results:
    tasks: Hits
    cases: Hits
    evidence: Hits
    report_evidence: Hits
    notices: Hits
    notes: list[str] = field(default_factory=list)


def may_search_people(user) -> bool:
    return user.has_role(Role.OFFICE) or user.has_role(Role.DEPARTMENT)


def parse_query(user, params) -> tuple[Query, dict[str, str]]:
    """The query and every error at once, by field."""
    errors: dict[str, str] = {}
    query = Query()
    for name in ("q", "person"):
        value = (params.get(name) or "").replace("\x00", "").strip()
        if len(value) > MAX_TERM:
            label = "关键词" if name == "q" else "姓名或电话"
            errors[name] = f"{label}最多 {MAX_TERM} 个字，现有 {len(value)} 个字"
        setattr(query, name, value[:MAX_TERM])
    if query.person and not may_search_people(user):
        errors["person"] = "只有创建办和承办部门可以按姓名或电话查找案件"
    code = params.get("department") or ""
    if code:
        query.department = departments_for(user).filter(code=code).first()
        if query.department is None:
            errors["department"] = "请从列表中选择部门"
    for name, label in (("start", "开始日期"), ("end", "结束日期")):
        try:
            setattr(query, name, parse_date(params.get(name), name, label, required=False))
        except RuleError as exc:
            errors[name] = exc.message
    if query.start and query.end and query.end < query.start:
        errors["end"] = f"结束日期不能早于开始日期 {query.start}"
    if not errors and not (query.q or query.person or query.department or query.start or query.end):
        errors["q"] = "请输入关键词，或选择部门、日期范围"
    return query, errors


def departments_for(user):
    return visible_orgs(user).filter(kind=Org.Kind.DEPARTMENT).order_by("path")


def _hits(qs) -> Hits:
    rows = list(qs[:LIMIT])
    return Hits(rows, len(rows) if len(rows) < LIMIT else qs.count())


def _between(qs, name: str, query: Query):
    if query.start:
        qs = qs.filter(**{f"{name}__gte": query.start})
    if query.end:
        qs = qs.filter(**{f"{name}__lte": query.end})
    return qs


def search(user, query: Query) -> Results:
    none = Hits([], 0)
    notes: list[str] = []
    only_people = bool(query.person)  # a person is looked for in cases only
    tasks = evidence = report_evidence = notices = none
    if not only_people:
        qs = tasks_for(user).select_related("plan", "lead_org")
        if query.q:
            qs = qs.filter(
                Q(title__icontains=query.q) | Q(text__icontains=query.q) | Q(number=query.q)
            )
        if query.department:
            qs = qs.filter(
                Q(lead_org=query.department) | Q(support_orgs=query.department)
            ).distinct()
        tasks = _hits(_between(qs, "due_date", query).order_by("plan_id", "position"))

        qs = notices_for(user)
        if query.q:
            qs = qs.filter(
                Q(number__icontains=query.q)
                | Q(text__icontains=query.q)
                | Q(reply_text__icontains=query.q)
            )
        if query.department:
            qs = qs.filter(to_org=query.department)
        notices = _hits(_between(qs, "issued_on", query).order_by("-issued_on", "-id"))

        qs = ReportEvidence.objects.filter(report__task__in=tasks_for(user)).select_related(
            "report__task"
        )
        if query.q:
            qs = qs.filter(name__icontains=query.q)
        if query.department:
            qs = qs.filter(report__task__lead_org=query.department)
        report_evidence = _hits(_between(qs, "report__reported_on", query).order_by("-id"))

        if query.department:
            notes.append("自评佐证材料属于园区，不按部门筛选，已略去。")
        elif scope_of(user) != SCOPE_OWN:  # a department has no self-assessment of its own
            qs = Evidence.objects.filter(
                result__assessment__in=assessments_for(user)
            ).select_related("result__assessment__zone", "result__indicator")
            if query.q:
                qs = qs.filter(name__icontains=query.q)
            evidence = _hits(
                _between(qs, "uploaded_at__date", query).order_by("-uploaded_at", "-id")
            )

    qs = cases_for(user).select_related("department")
    if query.q:
        qs = qs.filter(
            Q(tracking_no__icontains=query.q.upper())
            | Q(subject__icontains=query.q)
            | Q(content__icontains=query.q)
            | Q(respondent__icontains=query.q)
        )
    if query.person:
        if user.has_role(Role.DEPARTMENT) and not user.has_role(Role.OFFICE):
            qs = qs.filter(department_id=user.org_id)  # the handling department's own cases
        digits = sum(ch.isdigit() for ch in query.person)
        kind = "phone" if digits >= 7 else "name"
        qs = qs.filter(
            person__in=Person.objects.filter(lookup_q(Person, kind, query.person)).values("pk")
        )
    if query.department:
        qs = qs.filter(department=query.department)
    cases = _hits(_between(qs, "received_on", query).order_by("-received_on", "-id"))
    return Results(tasks, cases, evidence, report_evidence, notices, notes)
