"""A case with its timeline, deadlines and the forms for the next steps, its files (.docx,
attachments), and the button that attaches the register figures to an item of the
self-assessment. registers.services write and refuse (PermissionDenied → 403,
RuleError/ConflictError shown next to the field or at the top of the form, everything
typed kept)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.orgs.models import Org
from fazhi.registers import catalog, clock, exports, query_codes, selectors, services, states
from fazhi.registers.events import record_event
from fazhi.registers.selectors import is_office_of
from fazhi.workdays.selectors import get_calendar

from .common import file_response, require_business

# The fields of each step's form (besides on, note and version), as record_event reads them.
EVENT_FORM = {
    "correction_requested": ("text", "correction_due"),
    "corrected": (),
    "abandoned": (),
    "accepted": (),
    "rejected": ("reason",),
    "assigned": ("department",),
    "transferred": ("department", "reason"),
    "consultation_started": ("third_party",),
    "consultation_delivered": (),
    "consultation_ended": (),
    "extended": ("days", "reason", "notified_on"),
    "replied": ("reply_type", "outcome", "ground", "agency", "published_at", "text", "publish"),
    "reply_delivered": (),
    "review_requested": ("reason",),
    "review_replied": ("outcome", "text"),
    "review_delivered": (),
    "recheck_requested": ("reason",),
    "recheck_replied": ("outcome", "text"),
    "appealed": ("appeal", "result"),
    "closed": (),
}
COMMON = ("on", "note")


# ---------------------------------------------------------------- one case


def _event_form(kind: str = "", values: dict | None = None, exc: Exception | None = None) -> dict:
    errors, top = {}, ""
    fields = EVENT_FORM.get(kind, ()) + COMMON
    if isinstance(exc, RuleError) and exc.field in fields:
        errors[exc.field] = exc.message
    elif exc is not None:
        top = getattr(exc, "message", None) or str(exc) or "操作未完成，请重试"
    return {"kind": kind, "values": values or {}, "errors": errors, "top": top}


def _case_page(request, case_id, form=None, status=200, qc=None):
    user = request.user
    require_business(user)
    today = clock.today()
    view = selectors.case_view(user, case_id, get_calendar(), today)
    case = view.case
    reply_label = (
        exports.reply_label(case) if (case.replied_on or case.state == states.REJECTED) else ""
    )
    ground_label = catalog.WITHHOLD_GROUNDS.get(
        case.reply_ground
    ) or catalog.NOT_PROCESSED_GROUNDS.get(case.reply_ground, "")
    names = _org_names(view.events)
    events = [
        {"e": e, "label": view.labels.get(e.kind, e.label), "detail": _detail(e, names)}
        for e in view.events
    ]
    form = form or _event_form()
    # A refusal for a step whose form is not on the page (the state no longer allows it).
    orphan = ""
    if form["kind"] and form["kind"] not in view.allowed_events:
        orphan = form["top"] or "；".join(form["errors"].values())
    return render(
        request,
        "registers/case.html",
        {
            "view": view,
            "case": case,
            "events": events,
            "today": today,
            "reply_label": reply_label,
            "ground_label": ground_label,
            "allowed": [(k, view.labels[k]) for k in view.allowed_events],
            "form": form,
            "orphan": orphan,
            "row": selectors.case_row(case, today),
            # 补发查询码: the office, for a case with a person to check against
            "can_reissue": is_office_of(request.user, case) and not case.anonymous,
            "qc": qc or {"values": {"method": "id_document"}, "errors": {}, "top": ""},
            "qc_methods": query_codes.METHODS,
            "period_notes": clock.period_notes(case, view.deadlines, today)
            if view.deadlines
            else {},
            "departments": Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent_id=case.zone_id)
            .only("code", "name")
            .order_by("path")
            if view.allowed_events
            else [],
            "reply_types": catalog.REPLY_TYPES,
            "withhold_grounds": catalog.WITHHOLD_GROUNDS,
            "not_processed_grounds": catalog.NOT_PROCESSED_GROUNDS,
            "outcomes": catalog.COMPLAINT_OUTCOMES,
            "appeal_kinds": catalog.APPEAL_KINDS,
            "appeal_results": catalog.APPEAL_RESULTS,
            "channel_label": catalog.CHANNELS.get(case.kind, {}).get(case.channel, case.channel),
            "delivery_label": catalog.DELIVERY.get(case.delivery, ""),
            "category_label": catalog.COMPLAINT_CATEGORIES.get(case.category, ""),
        },
        status=status,
    )


def _org_names(events) -> dict[str, str]:
    """Department names for the codes the events keep (one query for the whole timeline)."""
    codes = {(e.data or {}).get(k) for e in events for k in ("department", "from")} - {None, ""}
    return dict(Org.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def _detail(e, names: dict[str, str]) -> str:
    """What an event's data says, in words (reasons, texts, departments by name)."""
    d = e.data or {}
    parts = []
    if d.get("department"):
        dept = names.get(d["department"], d["department"])
        parts.append(
            f"由 {names.get(d['from'], d['from'])} 转至 {dept}"
            if d.get("from")
            else f"承办部门 {dept}"
        )
    if d.get("reason"):
        parts.append(f"理由：{d['reason']}")
    if d.get("text"):
        parts.append(d["text"])
    if d.get("correction_due"):
        parts.append(f"补正期限 {d['correction_due']}")
    if d.get("third_party"):
        parts.append(f"征求意见对象：{d['third_party']}")
    if e.days:
        parts.append(f"延长 {e.days} 日（工作日或自然日依期限规则）")
    if d.get("notified_on"):
        parts.append(f"告知日期 {d['notified_on']}")
    if d.get("reply_type"):
        parts.append(catalog.REPLY_TYPES.get(d["reply_type"], d["reply_type"]))
    if d.get("outcome"):
        parts.append(catalog.COMPLAINT_OUTCOMES.get(d["outcome"], d["outcome"]))
    if d.get("appeal"):
        parts.append(
            f"{catalog.APPEAL_KINDS.get(d['appeal'], d['appeal'])}：{catalog.APPEAL_RESULTS.get(d.get('result', ''), '')}"
        )
    return "；".join(parts)


@login_required
@require_GET
def case_detail(request, case_id: int):
    return _case_page(request, case_id)


@login_required
@require_POST
def case_event(request, case_id: int):
    user = request.user
    require_business(user)
    kind = request.POST.get("kind", "")
    fields = EVENT_FORM.get(kind, ()) + COMMON
    values = {k: request.POST.get(k, "").strip() for k in fields}
    data = {"kind": kind, "version": request.POST.get("version", "")}
    for k, v in values.items():
        if v != "":
            data[k] = v
    if kind == "replied":
        data["publish"] = "1" if request.POST.get("publish") else ""
    try:
        ev = record_event(user, case_id, data)
    except (RuleError, ConflictError) as exc:
        return _case_page(
            request,
            case_id,
            _event_form(kind, values, exc),
            status=409 if isinstance(exc, ConflictError) else 422,
        )
    messages.success(request, f"已登记：{ev.label}（{ev.on:%Y-%m-%d}）")
    return redirect(reverse("registers:case", args=[case_id]) + "#timeline")


@login_required
@require_POST
def case_query_code(request, case_id: int):
    require_business(request.user)
    values = {k: request.POST.get(k, "").strip() for k in query_codes.FIELDS}
    try:
        case, code = query_codes.reissue(request.user, case_id, values)
    except (RuleError, ConflictError) as exc:
        errors = getattr(exc, "errors", None) or {}
        qc = {"values": values, "errors": errors, "top": "" if errors else exc.message}
        status = 409 if isinstance(exc, ConflictError) else 422
        return _case_page(request, case_id, status=status, qc=qc)
    messages.success(
        request,
        f"已补发 {case.tracking_no} 的查询码（只显示这一次，请告知本人；原查询码已失效）：{code}",
    )
    return redirect("registers:case", case_id=case.pk)


@login_required
@require_GET
def case_letter(request, case_id: int):
    require_business(request.user)
    name, content = services.letter_of(request.user, case_id)
    return file_response(name, content, services.DOCX)


@login_required
@require_GET
def case_file(request, case_id: int, attachment_id: int):
    require_business(request.user)
    name, handle = services.attachment_of(request.user, case_id, attachment_id)
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, safe_display_name(name))
    return response


# Fields the office fills when it registers a case received by hotline, letter, e-mail box,
# report box or in person (the web form's fields, plus how and when it came in).
