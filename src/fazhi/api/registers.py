"""Registers API: the public intake and tracking (no sign-in), and the staff register.

Public (auth=None), under /api/v1/public:
    GET  /zones                      zones that take public submissions
    GET  /challenge                  {token, question, svg, audio_url, expires_in}
    POST /disclosure-requests        201 {tracking_no, query_code, received_on, due_on}
    POST /complaints                 201 {tracking_no, query_code, received_on, due_on}
    POST /track {tracking_no, code}  state, dates, steps, the reply once published (the code
                                     stays out of access logs; GET /track/{no}?code= also works)
Over the rate limit: 429 with Retry-After. An unknown number and a wrong code: the same 404.

Staff (bearer token, scoped by orgs.access), under /api/v1/registers: the register, a case
with its events and deadlines, events, the reply letter, the annual report, the figures.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from ninja import Router, Status

from fazhi.assessments import summaries
from fazhi.audit.middleware import address_of
from fazhi.audit.services import record
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in
from fazhi.registers import catalog, clock, exports, public, selectors, services, states
from fazhi.registers.events import record_event
from fazhi.registers.figures import SOURCES, register_figures
from fazhi.registers.views.portal import audio_url
from fazhi.workdays.selectors import get_calendar

from .schemas.common import READ, WRITE, errors, file_answer
from .schemas.public import (
    ChallengeOut,
    ComplaintIn,
    DisclosureIn,
    ReceiptOut,
    TrackIn,
    TrackOut,
    ZoneOut,
)
from .schemas.registers import (
    CaseOut,
    CasePage,
    EventAnswer,
    EventIn,
    FiguresEvidenceOut,
    FiguresOut,
    RegisterCaseIn,
    RegisteredOut,
    StatesOut,
)

router = Router(tags=["registers"])
public_router = Router(tags=["public"])
staff_router = Router(tags=["registers"])
router.add_router("/public", public_router)
router.add_router("/registers", staff_router)


def _json(status: int, body: dict, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(
        body,
        status=status,
        json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    for k, v in (headers or {}).items():
        response[k] = v
    return response


def _limited(exc: public.RateLimited) -> JsonResponse:
    return _json(429, {"detail": exc.message}, {"Retry-After": str(exc.retry_after)})


def _today(request) -> date:
    raw = request.GET.get("today")
    try:
        return date.fromisoformat(raw) if raw else clock.today()
    except ValueError:
        raise RuleError("today", "today 格式应为 YYYY-MM-DD") from None


def _file(name: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# ---------------------------------------------------------------- public


@public_router.get("/zones", auth=None, response={200: list[ZoneOut]}, summary="受理园区")
def public_zones(request):
    """Zones that take public submissions: [{code, name, disclosure, complaint}]."""
    return public.public_zones()


@public_router.get(
    "/challenge",
    auth=None,
    url_name="public-challenge",
    response={200: ChallengeOut, **errors(429)},
    summary="获取验证题",
)
def challenge(request):
    """A challenge to answer with a submission: {token, question, svg, audio_url, expires_in,
    required}; audio_url reads the same sum aloud (WAV), "" when the server has no speech engine."""
    try:
        data = public.issue_challenge(address_of(request))
    except public.RateLimited as exc:
        return _limited(exc)
    return {**data, "audio_url": audio_url(data["token"]), "required": public.challenge_on()}


def _submit(request, kind: str, payload: DisclosureIn | ComplaintIn):
    try:
        receipt = public.submit(kind, payload.data(), address=address_of(request))
    except public.RateLimited as exc:
        return _limited(exc)
    return Status(201, receipt.as_dict())


PUBLIC_WRITE = {201: ReceiptOut, **errors(422, 429)}


@public_router.post(
    "/disclosure-requests", auth=None, response=PUBLIC_WRITE, summary="提交政府信息公开申请"
)
def submit_disclosure_request(request, payload: DisclosureIn):
    """依申请公开."""
    return _submit(request, states.DISCLOSURE, payload)


@public_router.post("/complaints", auth=None, response=PUBLIC_WRITE, summary="提交投诉举报")
def submit_complaint(request, payload: ComplaintIn):
    """投诉举报."""
    return _submit(request, states.COMPLAINT, payload)


@public_router.get(
    "/track/{tracking_no}",
    auth=None,
    response={200: TrackOut, **errors(404, 422, 429)},
    summary="查询办理进度（查询码在地址中，建议改用 POST /track）",
)
def track(request, tracking_no: str, code: str = ""):
    return _track(request, tracking_no, code)


@public_router.post(
    "/track",
    auth=None,
    response={200: TrackOut, **errors(404, 422, 429)},
    summary="查询办理进度",
)
def track_by_post(request, payload: TrackIn):
    """查询办理进度：编号和查询码放在请求体中，不进入访问日志（推荐）。"""
    # Anything but text cannot match a number or a code: answered like a wrong code (404).
    number, code = payload.tracking_no, payload.code
    return _track(
        request,
        number if isinstance(number, str) else "",
        code if isinstance(code, str) else "",
    )


def _track(request, tracking_no: str, code: str):
    try:
        return public.track(tracking_no, code, address=address_of(request))
    except public.RateLimited as exc:
        return _limited(exc)
    except public.NotFound:
        return _json(404, {"detail": public.NOT_FOUND_MESSAGE})


# ---------------------------------------------------------------- staff


def case_dict(user, view: selectors.CaseView, today: date) -> dict:
    c = view.case
    data = selectors.case_row(c, today)
    data.update(
        {
            "version": c.version,
            "content": c.content,
            "category": c.category,
            "respondent": c.respondent,
            "delivery": c.delivery,
            "anonymous": c.anonymous,
            "person": view.person,
            "contact_visible": view.contact_visible,
            "rules": {"kind": c.rules.kind, "version": c.rules.version},
            "reply": None
            if not c.replied_on and c.state != states.REJECTED
            else {
                "type": c.reply_type,
                "type_label": exports.reply_label(c),
                "ground": c.reply_ground,
                "ground_label": catalog.WITHHOLD_GROUNDS.get(c.reply_ground)
                or catalog.NOT_PROCESSED_GROUNDS.get(c.reply_ground, ""),
                "agency": c.reply_agency,
                "published_at": c.reply_published_at,
                "text": c.reply_text,
                "replied_on": c.replied_on,
                "published": c.reply_public,
                "letter": c.letter_id is not None,
                "letter_no": c.letter_no,
            },
            "closed_on": c.closed_on,
            "events": [selectors.event_dict(e, view.labels) for e in view.events],
            "deadlines": selectors.deadlines_dict(view.deadlines),
            "deadline_error": view.deadline_error,
            "allowed_events": [{"kind": k, "label": view.labels[k]} for k in view.allowed_events],
            "attachments": [
                {"id": a.pk, "name": a.name, "uploaded_at": a.uploaded_at} for a in view.attachments
            ]
            if view.contact_visible
            else [],
        }
    )
    return data


@staff_router.get(
    "/states", response={200: StatesOut, **READ}, by_alias=True, summary="案件状态与办理事项"
)
def state_machine(request):
    """The state machine: states, events and the allowed transitions per kind."""
    return {"states": states.STATES, "events": states.EVENTS, "transitions": states.table()}


@staff_router.get("/cases", response={200: CasePage, **READ}, summary="台账")
def list_cases(request):
    """The register. Query: kind, state (or open), department, zone, overdue (1|0), due_within (days),
    q (tracking number, subject or phone), year, order (received|due), page, per_page, today."""
    f = selectors.parse_filter(request.GET)
    today = _today(request)
    page = int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)
    per_page = int_in(
        request.GET.get("per_page") or selectors.PER_PAGE,
        "per_page",
        "每页条数",
        1,
        selectors.MAX_PER_PAGE,
    )
    p = selectors.register_page(request.user, f, today, page, per_page)
    return {
        "count": p.count,
        "page": p.page,
        "pages": p.pages,
        "per_page": p.per_page,
        "results": [selectors.case_row(c, today) for c in p.rows],
    }


@staff_router.post(
    "/cases", response={201: RegisteredOut, **WRITE}, by_alias=True, summary="登记案件"
)
def register_case(request, payload: RegisterCaseIn):
    """The office registers a case received by post, in person, by hotline, e-mail or report box:
    kind, zone, channel, received_on, the person's fields and the case's (as the public forms).
    The answer carries the query code once."""
    case, code = services.register_case(request.user, payload.data())
    today = clock.today()
    view = selectors.case_view(request.user, case.pk, get_calendar(), max(today, case.received_on))
    return Status(201, {**case_dict(request.user, view, today), "query_code": code})


@staff_router.get(
    "/cases/export.xlsx",
    response=READ,
    openapi_extra=file_answer(exports.XLSX, "台账（.xlsx，不含个人信息）"),
    summary="导出台账",
)
def export_cases(request):
    """The register (same filters as the list) as .xlsx, without personal data."""
    if selectors.scope_of(request.user) == selectors.SCOPE_NONE:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("无权导出台账")
    f = selectors.parse_filter(request.GET)
    today = _today(request)
    content = exports.to_bytes(
        exports.write_register_xlsx,
        selectors.register(request.user, f, today).iterator(chunk_size=2000),
        today,
        exports.register_title(request.user, f.zone),
    )
    record(
        request.user,
        "register.export",
        object_type="register",
        object_id=f.kind or "all",
        after={"filter": vars(f)},
    )
    return _file(f"台账-{today.isoformat()}.xlsx", content, exports.XLSX)


@staff_router.get(
    "/cases/{int:case_id}", response={200: CaseOut, **READ}, by_alias=True, summary="案件详情"
)
def get_case(request, case_id: int):
    """A case with its events, computed deadlines (as of today or ?today=) and the steps the user may take."""
    today = _today(request)
    return case_dict(
        request.user, selectors.case_view(request.user, case_id, get_calendar(), today), today
    )


@staff_router.post(
    "/cases/{int:case_id}/events",
    response={201: EventAnswer, **WRITE},
    by_alias=True,
    summary="记录办理事项",
)
def post_event(request, case_id: int, payload: EventIn):
    """Record a step: {kind, on, ...} (see registers.events.record_event for the fields per kind)."""
    ev = record_event(request.user, case_id, payload.data())
    today = clock.today()
    view = selectors.case_view(request.user, case_id, get_calendar(), today)
    return Status(
        201, {"event": selectors.event_dict(ev), "case": case_dict(request.user, view, today)}
    )


@staff_router.get(
    "/cases/{int:case_id}/letter.docx",
    response=READ,
    openapi_extra=file_answer(services.DOCX, "答复书（.docx）"),
    summary="答复书",
)
def letter(request, case_id: int):
    """The reply letter (.docx); the handling staff only (it names the applicant)."""
    name, content = services.letter_of(request.user, case_id)
    return _file(name, content, services.DOCX)


def _year(request) -> int:
    return int_in(request.GET.get("year") or clock.today().year, "year", "年度", 2000, 2100)


@staff_router.get(
    "/annual-report.xlsx",
    response=READ,
    openapi_extra=file_answer(exports.XLSX, "政府信息公开工作年度报告的申请情况表（.xlsx）"),
    summary="年度报告申请情况表",
)
def annual_report(request):
    """政府信息公开工作年度报告 figures for ?year= (and ?zone=, default the user's zone) as .xlsx."""
    zone = selectors.zone_for(request.user, request.GET.get("zone"))
    year = _year(request)
    report = selectors.annual_report(zone, year)
    record(request.user, "register.annual_report", zone, after={"year": year})
    return _file(
        f"{zone.name}{year}年度政府信息公开申请情况.xlsx",
        exports.to_bytes(exports.write_annual_report_xlsx, report),
        exports.XLSX,
    )


@staff_router.get("/figures", response={200: FiguresOut, **READ}, summary="台账统计")
def figures(request):
    """register_figures for ?year= and ?zone= (as of today or ?today=)."""
    zone = selectors.zone_for(request.user, request.GET.get("zone"))
    figures = register_figures(zone, _year(request), get_calendar(), _today(request))
    for kind in (states.DISCLOSURE, states.COMPLAINT):
        del figures[kind]["rows"]  # listed in the evidence file, not here
    return figures


@staff_router.post(
    "/assessments/{int:assessment_id}/items/{code}/figures",
    response={201: FiguresEvidenceOut, **WRITE},
    summary="台账统计附为评分项佐证",
)
def attach_figures(request, assessment_id: int, code: str):
    """Attach a summary of the register figures to an item (8: disclosure requests; 11, 12:
    complaints), stamped with the real date; ?as_of=YYYY-12-31 only for the year-end figure of
    a closed year. The same as POST /assessments/{id}/items/{code}/sources/{key}."""
    if "today" in request.GET:
        raise RuleError(
            "today", "佐证材料按实际日期生成，不接受 today；已结束年度的年末数请用 as_of"
        )
    as_of = summaries.parse_as_of(request.GET.get("as_of", ""))
    key = next((s.key for s in SOURCES if code in s.codes), "")
    item = summaries.attach_summary(request.user, assessment_id, code, key, as_of)
    return Status(201, {"id": item.pk, "name": item.name, "sm3": item.blob_id, "indicator": code})
