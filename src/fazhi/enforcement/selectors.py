"""Reads shared by the enforcement pages and the API: registers with filters (a fixed number
of queries whatever the number of records), a case with its steps, the public 公示."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.http import Http404

from fazhi.core import enforcement as enf
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in

from . import access
from .models import CaseOfficer, CaseStep, EnforcementCase, Officer, StepFile

PAGE_SIZE = 50
SOURCES = dict(EnforcementCase.Source.choices)


@dataclass
class Page:
    rows: list
    count: int
    page: int
    pages: int


def officers(user, today: date, status: str = "") -> list[dict]:
    """The officers in the user's scope with their certificate status (one query)."""
    access.require_reader(user)
    qs = Officer.objects.filter(access.data_q(user)).select_related("department")
    if status == "attention":
        qs = qs.filter(
            Q(revoked=True) | Q(valid_to__lte=today + timedelta(days=enf.EXPIRY_WARNING_DAYS))
        )
    out = []
    for o in qs.order_by("department__path", "name", "id"):
        st = o.status(today)
        out.append(
            {
                "id": o.pk,
                "name": o.name,
                "department": o.department.name,
                "department_code": o.department.code,
                "cert_no": o.cert_no,
                "issuer": o.issuer,
                "valid_from": o.valid_from,
                "valid_to": o.valid_to,
                "revoked": o.revoked,
                "status": st,
                "status_label": enf.CERT_STATUSES[st],
                "attention": st != enf.VALID,
                "version": o.version,
            }
        )
    return out


@dataclass
class CaseFilter:
    state: str = ""
    department: str = ""
    source: str = ""
    overdue: bool | None = None
    q: str = ""


def parse_filter(params) -> CaseFilter:
    f = CaseFilter()
    state = (params.get("state") or "").strip()
    if state and state not in enf.STATES and state != "open":
        raise RuleError("state", "状态不正确")
    f.state = state
    f.department = (params.get("department") or "").strip()[:40]
    source = (params.get("source") or "").strip()
    if source and source not in SOURCES:
        raise RuleError("source", "线索来源不正确")
    f.source = source
    overdue = (params.get("overdue") or "").strip()
    if overdue not in ("", "0", "1"):
        raise RuleError("overdue", "是否逾期只能选“已逾期”或“未逾期”")
    f.overdue = None if overdue == "" else overdue == "1"
    f.q = (params.get("q") or "").strip()[:50]
    return f


def cases_qs(user, f: CaseFilter):
    access.require_reader(user)
    qs = EnforcementCase.objects.filter(access.data_q(user))
    if f.state == "open":
        qs = qs.filter(state__in=enf.OPEN_STATES)
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.department:
        qs = qs.filter(department__code=f.department)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.overdue is not None:
        qs = qs.filter(overdue=f.overdue)
    if f.q:
        qs = qs.filter(Q(number__icontains=f.q) | Q(subject__icontains=f.q))
    return qs


def case_page(user, f: CaseFilter, page_no: int = 1) -> Page:
    """One page of the register: two queries (count, rows)."""
    qs = cases_qs(user, f)
    count = qs.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page_no = min(max(1, page_no), pages)
    rows = list(
        qs.select_related("department", "complaint")
        .only(
            "number", "subject", "state", "source", "received_on", "filed_on", "decided_on",
            "next_due", "overdue", "deadline_note", "version", "department__name",
            "complaint__tracking_no", "zone_id",
        )
        .order_by("-received_on", "-id")[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    )  # fmt: skip
    return Page(rows=rows, count=count, page=page_no, pages=pages)


def case_row(c: EnforcementCase) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "subject": c.subject,
        "state": c.state,
        "state_label": c.state_label,
        "source": c.source,
        "source_label": SOURCES.get(c.source, c.source),
        "department": c.department.name,
        "complaint": c.complaint.tracking_no if c.complaint_id else "",
        "received_on": c.received_on,
        "filed_on": c.filed_on,
        "decided_on": c.decided_on,
        "next_due": c.next_due,
        "overdue": c.overdue,
        "deadline_note": c.deadline_note,
        "version": c.version,
    }


def case_of(user, case_id) -> EnforcementCase:
    """A case the user may see, with its steps, files and officers; 404 otherwise."""
    try:
        pk = int_in(case_id, "case_id", "案件编号", 1, 2**62)
    except RuleError:
        raise Http404("执法案件不存在或无权查看") from None
    case = (
        EnforcementCase.objects.select_related("zone", "department", "complaint", "party")
        .prefetch_related(
            Prefetch("steps", CaseStep.objects.prefetch_related(
                Prefetch("files", StepFile.objects.order_by("id"))
            ).order_by("on", "id")),
            Prefetch("handlers", CaseOfficer.objects.select_related("officer").order_by("-lead", "id")),
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip
    if case is None or not access.can_see(user, case.zone, case.department_id):
        raise Http404("执法案件不存在或无权查看")
    return case


def party_display(case: EnforcementCase, full: bool) -> dict:
    if case.party_kind == "org":
        return {
            "kind": "单位",
            "name": case.party_org,
            "id_number": case.credit_code,
            "address": "",
        }
    p = case.party
    if p is None:
        return {"kind": "自然人", "name": "", "id_number": "", "address": ""}
    if full:
        return {"kind": "自然人", "name": p.name, "id_number": p.id_number, "address": p.address}
    m = p.masked()
    return {
        "kind": "自然人",
        "name": m["name"],
        "id_number": m["id_number"],
        "address": m["address"],
    }


# ---------------------------------------------------------------- the public 公示


def public_name(name: str) -> str:
    """A natural person's name on the public 公示: the surname only (王小明 -> 王**)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def published(zone_code: str = "", page_no: int = 1) -> Page:
    """Decisions on public display (公示, not withdrawn), parties masked: a natural person's
    name as 王*, no ID number or address. Two queries."""
    qs = EnforcementCase.objects.filter(published_on__isnull=False, withdrawn_on__isnull=True)
    if zone_code:
        qs = qs.filter(zone__code=zone_code)
    count = qs.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page_no = min(max(1, page_no), pages)
    rows = []
    for c in qs.select_related("zone", "department", "party").order_by("-published_on", "-id")[
        (page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE
    ]:
        party = (
            c.party_org if c.party_kind == "org" else public_name(c.party.name if c.party else "")
        )
        rows.append(
            {
                "number": c.decision_no,
                "zone": c.zone.name,
                "agency": c.department.name,
                "party": party,
                "credit_code": c.credit_code if c.party_kind == "org" else "",
                "subject": c.subject,
                "decision_kind": enf.DECISION_KINDS.get(c.decision_kind, ""),
                "penalty": enf.PENALTY_KINDS.get(c.penalty_kind, ""),
                "amount": c.amount,
                "decision_text": c.decision_text,
                "legal_basis": c.legal_basis,
                "decided_on": c.decided_on,
                "published_on": c.published_on,
            }
        )
    return Page(rows=rows, count=count, page=page_no, pages=pages)
