"""Decision-making registers API (bearer token, scoped like the pages):

/api/v1/normative-documents   list, create, one, record a step, the states table, figures
/api/v1/decisions             list, launch, one, record a step, the yearly catalogue, figures
/api/v1/counsel               list, add, opinions, attendance, figures
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Status

from fazhi.assessments.sources import summarise
from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.core.validate import int_in
from fazhi.decisions import access, counsel, documents, major, selectors
from fazhi.decisions.models import MajorDecision, NormativeDocument

from .schemas.common import READ, WRITE
from .schemas.decisions import (
    AttendanceIn,
    AttendanceOut,
    CatalogueIn,
    CatalogueOut,
    CounselIn,
    CounselOut,
    DecisionDetailOut,
    DecisionIn,
    DecisionPage,
    DecisionStepIn,
    DocumentDetailOut,
    DocumentIn,
    DocumentPage,
    DocumentStatesOut,
    DocumentStepIn,
    OpinionIn,
    OpinionOut,
    StepDone,
    SummaryOut,
)

documents_router = Router(tags=["normative-documents"])
decisions_router = Router(tags=["decisions"])
counsel_router = Router(tags=["counsel"])


def _today():
    return timezone.localdate()


def _page_no(request) -> int:
    return int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)


def _steps(steps, labels) -> list[dict]:
    return [
        {
            "step": s.step,
            "label": labels.get(s.step, "起草"),
            "on": s.on,
            "data": {k: str(v) for k, v in s.data.items() if v not in (None, "")},
        }
        for s in steps
    ]


def _summary(request, key: str) -> dict:
    user = request.user
    access.require_reader(user)
    if not access.zone_wide(user):
        raise PermissionDenied("年度统计由创建办、领导及上级查看")
    today = _today()
    year = int_in(request.GET.get("year") or today.year, "year", "年度", 2000, 2100)
    zone = access.writing_zone(user, request.GET.get("zone") or None)
    s = summarise(key, zone, year, today)
    return {
        "title": s.title,
        "zone": zone.code,
        "year": year,
        "figures": [{"label": f.label, "value": f.shown()} for f in s.figures],
        "missing": list(s.missing),
        "note": s.note,
    }


# ---------------------------------------------------------------- normative documents


def document_dict(user, doc: NormativeDocument, today) -> dict:
    row = selectors.document_row(doc, today)
    return {
        "id": doc.pk,
        "zone": doc.zone.code,
        "department": doc.department.code if doc.department_id else None,
        "title": doc.title,
        "provisional": doc.provisional,
        "state": doc.state,
        "state_label": doc.state_label,
        "validity": row["validity"],
        "validity_label": row["validity_label"],
        "doc_no": doc.doc_no,
        "drafted_on": doc.drafted_on,
        "published_on": doc.published_on,
        "filing_due": doc.filing_due,
        "filed_on": doc.filed_on,
        "filing_overdue": row["filing_overdue"],
        "valid_until": doc.valid_until,
        "version": doc.version,
        "allowed_steps": nd.allowed_steps(doc.state) if access.can_write(user, doc) else [],
    }


@documents_router.get("", response={200: DocumentPage, **READ}, summary="规范性文件台账")
def list_normative_documents(request):
    """Filters: state, validity (valid/abolished/expired/not_in_force), year, overdue=1, q; page."""
    user = request.user
    access.require_reader(user)
    today = _today()
    f = selectors.parse_doc_filter(request.GET)
    qs = selectors.document_register(user, f, today).select_related("zone", "department")
    page = selectors.paginate(qs, _page_no(request))
    return {
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "items": [document_dict(user, d, today) for d in page.rows],
    }


@documents_router.post(
    "", response={201: DocumentDetailOut, **WRITE}, summary="登记起草的规范性文件"
)
def create_normative_document(request, payload: DocumentIn):
    doc = documents.create_document(request.user, payload.data(), _today())
    return Status(201, _document_detail(request.user, doc.pk))


def _document_detail(user, doc_id) -> dict:
    doc = access.get_visible(NormativeDocument, user, doc_id)
    return {
        **document_dict(user, doc, _today()),
        "steps": _steps(doc.steps.all(), nd.STEPS),
    }


@documents_router.get(
    "/states", response={200: DocumentStatesOut, **READ}, summary="规范性文件办理步骤表"
)
def normative_states(request):
    return {
        "states": nd.STATES,
        "steps": nd.STEPS,
        "transitions": [{"state": s, "step": step} for (s, step) in nd.TRANSITIONS],
    }


@documents_router.get("/figures", response={200: SummaryOut, **READ}, summary="规范性文件年度统计")
def normative_figures(request):
    """报备率、及时报备率、合法性审查率 of a zone's year (?zone=&year=), with the missing named."""
    return _summary(request, "normative-documents")


@documents_router.get(
    "/{int:doc_id}", response={200: DocumentDetailOut, **READ}, summary="规范性文件详情"
)
def get_normative_document(request, doc_id: int):
    access.require_reader(request.user)
    return _document_detail(request.user, doc_id)


@documents_router.post(
    "/{int:doc_id}/steps", response={200: DocumentDetailOut, **WRITE}, summary="办理规范性文件步骤"
)
def record_normative_step(request, doc_id: int, payload: DocumentStepIn):
    documents.record_document_step(request.user, doc_id, payload.data(), today=_today())
    return _document_detail(request.user, doc_id)


# ---------------------------------------------------------------- major decisions


def decision_dict(user, d: MajorDecision, today) -> dict:
    row = selectors.decision_row(d, today)
    writable = access.can_write(user, d)
    return {
        "id": d.pk,
        "zone": d.zone.code,
        "year": d.catalogue.year,
        "department": d.department.code if d.department_id else None,
        "title": d.title,
        "applicable": list(d.applicable),
        "done": list(d.done),
        "state": d.state,
        "state_label": d.state_label,
        "launched_on": d.launched_on,
        "comment_end": d.comment_end,
        "review_due": d.review_due,
        "review_overdue": row["review_overdue"],
        "decided_on": d.decided_on,
        "decided_by": d.decided_by,
        "carried_out_by": d.carried_out_by,
        "published_on": d.published_on,
        "version": d.version,
        "allowed_steps": ds.allowed_steps(frozenset(d.done), frozenset(d.applicable))
        if writable
        else [],
    }


def _decision_detail(user, decision_id) -> dict:
    d = access.get_visible(
        MajorDecision, user, decision_id, related=("zone", "department", "catalogue")
    )
    return {**decision_dict(user, d, _today()), "steps": _steps(d.steps.all(), ds.STEPS)}


@decisions_router.get("", response={200: DecisionPage, **READ}, summary="重大行政决策台账")
def list_major_decisions(request):
    """Filters: state, year (of the catalogue), overdue=1 (legality review past due), q; page."""
    user = request.user
    access.require_reader(user)
    today = _today()
    f = selectors.parse_decision_filter(request.GET)
    qs = selectors.decision_register(user, f, today).select_related("zone")
    page = selectors.paginate(qs, _page_no(request))
    return {
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "items": [decision_dict(user, d, today) for d in page.rows],
    }


@decisions_router.post("", response={201: DecisionDetailOut, **WRITE}, summary="启动重大行政决策")
def launch_major_decision(request, payload: DecisionIn):
    d = major.create_decision(request.user, payload.data(), today=_today())
    return Status(201, _decision_detail(request.user, d.pk))


@decisions_router.post(
    "/catalogues", response={200: CatalogueOut, **WRITE}, summary="确定或公布决策事项目录"
)
def save_decision_catalogue(request, payload: CatalogueIn):
    cat = major.save_catalogue(request.user, payload.data(), _today())
    return {
        "zone": cat.zone.code,
        "year": cat.year,
        "adopted_on": cat.adopted_on,
        "published_on": cat.published_on,
    }


@decisions_router.get(
    "/figures", response={200: SummaryOut, **READ}, summary="重大行政决策年度统计"
)
def decision_figures(request):
    return _summary(request, "decisions")


@decisions_router.get(
    "/{int:decision_id}", response={200: DecisionDetailOut, **READ}, summary="重大行政决策详情"
)
def get_major_decision(request, decision_id: int):
    access.require_reader(request.user)
    return _decision_detail(request.user, decision_id)


@decisions_router.post(
    "/{int:decision_id}/steps",
    response={200: DecisionDetailOut, **WRITE},
    summary="办理重大行政决策步骤",
)
def record_decision_step(request, decision_id: int, payload: DecisionStepIn):
    major.record_decision_step(request.user, decision_id, payload.data(), today=_today())
    return _decision_detail(request.user, decision_id)


# ---------------------------------------------------------------- counsel


@counsel_router.get("", response={200: list[CounselOut], **READ}, summary="法律顾问台账")
def list_counsel(request):
    access.require_reader(request.user)
    rows = selectors.counsel_counts(counsel.counsel_for(request.user).select_related("zone"))
    return [
        {
            "id": c.pk,
            "zone": c.zone.code,
            "kind": c.kind,
            "name": c.name,
            "contract_start": c.contract_start,
            "contract_end": c.contract_end,
            "scope": c.scope,
            "opinions": c.n_opinions,
            "meetings": c.n_meetings,
        }
        for c in rows
    ]


@counsel_router.post("", response={201: CounselOut, **WRITE}, summary="登记法律顾问")
def add_counsel(request, payload: CounselIn):
    c = counsel.add_counsel(request.user, payload.data(), _today())
    return Status(
        201,
        {
            "id": c.pk,
            "zone": c.zone.code,
            "kind": c.kind,
            "name": c.name,
            "contract_start": c.contract_start,
            "contract_end": c.contract_end,
            "scope": c.scope,
            "opinions": 0,
            "meetings": 0,
        },
    )


@counsel_router.get("/figures", response={200: SummaryOut, **READ}, summary="法律顾问年度统计")
def counsel_figures(request):
    return _summary(request, "counsel")


@counsel_router.post(
    "/{int:counsel_id}/opinions", response={201: OpinionOut, **WRITE}, summary="登记法律顾问意见"
)
def add_counsel_opinion(request, counsel_id: int, payload: OpinionIn):
    op = counsel.add_opinion(request.user, counsel_id, payload.data(), _today())
    return Status(
        201,
        {
            "id": op.pk,
            "counsel": counsel_id,
            "subject_kind": op.subject_kind,
            "subject": op.subject,
            "given_on": op.given_on,
            "conclusion": op.conclusion,
        },
    )


@counsel_router.post(
    "/{int:counsel_id}/attendance",
    response={201: AttendanceOut, **WRITE},
    summary="登记法律顾问列席会议",
)
def add_counsel_attendance(request, counsel_id: int, payload: AttendanceIn):
    a = counsel.add_attendance(request.user, counsel_id, payload.data(), _today())
    return Status(
        201, {"id": a.pk, "counsel": counsel_id, "meeting": a.meeting, "attended_on": a.attended_on}
    )


__all__ = ["StepDone", "counsel_router", "decisions_router", "documents_router"]
