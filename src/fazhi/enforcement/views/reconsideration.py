"""行政复议 pages: the register, a new application, a case with its periods and next steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core import reconsideration as rc
from fazhi.core.errors import ConflictError, RuleError
from fazhi.registers import clock
from fazhi.workdays.selectors import get_calendar

from .. import access, filing, reconsiderations
from ..models import Reconsideration
from .common import form_state, post_data

NOTE_REQUIRED = {
    "rejected", "terminated", "suspended", "converted", "opinion_issued", "correction_reported",
    "performance_ordered",
}  # fmt: skip


def _office(user) -> bool:
    zone = access.zone_of_user(user)
    return bool(zone) and access.is_office_of(user, zone)


@login_required
@require_GET
def register(request):
    user = request.user
    access.require_reader(user)
    rows = list(
        Reconsideration.objects.filter(access.data_q(user, own_field=""))
        .only(
            "number",
            "state",
            "received_on",
            "respondent",
            "act",
            "next_due",
            "overdue",
            "simplified",
            "deemed_accepted",
        )
        .order_by("-received_on", "-id")[:200]
    )
    return render(
        request,
        "enforcement/recon_register.html",
        {"rows": rows, "can_add": _office(user), "today": clock.today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    if not _office(user):
        raise PermissionDenied("只有创建办（复议机构）可以登记行政复议申请")
    form = {"values": {"received_on": clock.today().isoformat()}, "errors": {}}
    if request.method == "POST":
        data = post_data(request)
        try:
            case = reconsiderations.register(user, data)
        except RuleError as exc:
            form = form_state(data, exc)
        else:
            messages.success(request, f"已登记行政复议申请 {case.number}")
            return redirect("reconsideration:case", case.pk)
    return render(
        request,
        "enforcement/recon_new.html",
        {"form": form, "grounds": rc.SIMPLE_GROUNDS, "yesno": {"": "普通程序", "1": "简易程序"}},
        status=422 if form["errors"] else 200,
    )


def _case(user, recon_id) -> Reconsideration:
    case = (
        Reconsideration.objects.select_related("zone", "applicant", "enforcement_case")
        .prefetch_related("steps")
        .filter(pk=recon_id)
        .first()
    )
    if case is None or not access.can_see(user, case.zone, None):
        raise Http404("行政复议案件不存在或无权查看")
    return case


def _page(request, case, form_kind="", form=None, status=200, filing_form=None):
    today = clock.today()
    steps = list(case.steps.all())
    rules = reconsiderations.ruleset(case)
    result = dl.compute(rules, reconsiderations.events_of(steps), get_calendar(), today)
    periods = []
    for p in rules.periods:
        st = result.periods[p.code]
        if st.started_on is None:
            continue
        periods.append(
            {
                "name": p.name,
                "length": f"{p.length} {dl.UNITS[p.unit]}",
                "due_on": st.due_on,
                "met_on": st.met_on,
                "overdue": bool(st.overdue_days),
                "duty": p.duty,
                "paused": st.paused,
            }
        )
    can_act = access.is_office_of(request.user, case.zone)
    forms = []
    if can_act:
        for kind in reconsiderations.offered_events(case):
            forms.append(
                {
                    "kind": kind,
                    "label": rc.EVENTS[kind],
                    "open": kind == form_kind,
                    "note_required": kind in NOTE_REQUIRED,
                    "form": form if form and kind == form_kind else {"values": {}, "errors": {}},
                }
            )
    return render(
        request,
        "enforcement/recon_case.html",
        {
            "case": case, "steps": steps, "periods": periods, "forms": forms, "today": today,
            "deemed": reconsiderations.deemed_accepted_on(case, result),
            "applicant": case.applicant.masked() if not can_act else {"name": case.applicant.name, "phone": case.applicant.phone, "address": case.applicant.address},
            "decision_kinds": rc.DECISION_KINDS,
            "decision_label": rc.DECISION_KINDS.get(case.decision_kind, ""),
            "perform_overdue": bool(case.perform_due and not case.performed_on and case.perform_due < today),
            "filing_results": enf.FILING_RESULTS,
            "filing_label": enf.FILING_RESULTS.get(case.filing_result, ""),
            "can_review_filing": filing.may_review(request.user, case),
            "filing_form": filing_form or {"values": {}, "errors": {}},
        },
        status=status,
    )  # fmt: skip


@login_required
@require_GET
def case_detail(request, recon_id):
    return _page(request, _case(request.user, recon_id))


@login_required
@require_POST
def case_step(request, recon_id):
    user = request.user
    case = _case(user, recon_id)
    data = post_data(request)
    try:
        reconsiderations.record_step(user, case.pk, data)
    except (RuleError, ConflictError) as exc:
        if isinstance(exc, ConflictError):
            exc = RuleError("kind", exc.message)
        return _page(
            request, _case(user, recon_id), data.get("kind", ""), form_state(data, exc), 422
        )
    messages.success(request, f"已登记“{rc.EVENTS.get(data.get('kind'), '')}”")
    return redirect("reconsideration:case", case.pk)


@login_required
@require_POST
def filing_review(request, recon_id):
    """备案审查: the city or the province reviews a reconsideration decision reported to it."""
    user = request.user
    case = _case(user, recon_id)
    data = post_data(request)
    try:
        filing.review_recon_filing(user, case.pk, data)
    except RuleError as exc:
        return _page(request, _case(user, recon_id), filing_form=form_state(data, exc), status=422)
    messages.success(request, "备案审查结论已登记")
    return redirect("reconsideration:case", case.pk)
