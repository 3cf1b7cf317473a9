"""执法案件 pages: the register with filters, a new clue, the case with its next steps."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.assessments.evidence import open_blob
from fazhi.audit.services import record
from fazhi.core import enforcement as enf
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.validate import int_in
from fazhi.decisions.selectors import cited_documents
from fazhi.orgs.models import Org
from fazhi.registers import clock
from fazhi.workdays.selectors import get_calendar

from .. import access, cases, filing, presenters, selectors
from ..exports import XLSX, register_xlsx
from ..models import Officer, StepFile
from .common import file_response, form_state, post_data

FILTERS = ("state", "department", "source", "overdue", "q")


def _departments(user):
    zone = access.zone_of_user(user)
    if zone is None:
        return Org.objects.none()
    qs = Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone)
    if user.has_role("department") and not user.has_role("office"):
        qs = qs.filter(pk=user.org_id)
    return qs.only("code", "name").order_by("path")


def _can_open(user) -> bool:
    zone = access.zone_of_user(user)
    return bool(zone) and (access.is_office_of(user, zone) or user.has_role("department"))


@login_required
@require_GET
def register(request):
    user = request.user
    access.require_reader(user)
    values = {k: (request.GET.get(k) or "").strip() for k in FILTERS}
    errors = {}
    try:
        f = selectors.parse_filter(request.GET)
    except RuleError as exc:
        errors[exc.field] = exc.message
        f = selectors.CaseFilter()
    try:
        page_no = int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)
    except RuleError:
        page_no = 1
    page = selectors.case_page(user, f, page_no)
    return render(
        request,
        "enforcement/register.html",
        {
            "rows": [selectors.case_row(c) for c in page.rows],
            "page": page,
            "values": values,
            "errors": errors,
            "query": urlencode({k: v for k, v in values.items() if v}),
            "states": enf.STATES,
            "sources": selectors.SOURCES,
            "departments": _departments(user),
            "can_open": _can_open(user),
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
            "today": clock.today(),
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def export(request):
    """The register as .xlsx, with the register's filters (all rows, not one page)."""
    user = request.user
    access.require_reader(user)
    try:
        f = selectors.parse_filter(request.GET)
    except RuleError as exc:
        messages.error(request, exc.message)
        return redirect("enforcement:register")
    today = clock.today()
    content, n = register_xlsx(user, f, today)
    record(
        user, "enforcement.export", object_type="enforcement_register", object_id="cases",
        after={"filter": {k: v for k, v in vars(f).items() if v not in ("", None)}, "rows": n},
    )  # fmt: skip
    return file_response(f"行政执法案件台账-{today.isoformat()}.xlsx", content, XLSX)


@login_required
@require_GET
def rules_page(request):
    """The periods of rules/enforcement.yaml and rules/reconsideration.yaml with their basis."""
    from fazhi.registers import rules as rule_sets

    access.require_reader(request.user)
    kinds = [
        ("行政执法（行政处罚）", rule_sets.page("enforcement")),
        ("行政复议", rule_sets.page("reconsideration")),
    ]
    return render(request, "registers/rules.html", {"kinds": kinds})


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    if not _can_open(user):
        raise PermissionDenied("只有创建办或部门执法人员可以登记线索")
    form = {"values": {"received_on": clock.today().isoformat(), "party_kind": "org"}, "errors": {}}
    if request.method == "GET" and request.GET.get("complaint"):
        form["values"].update(complaint=request.GET["complaint"][:40], source="complaint")
    if request.method == "POST":
        data = post_data(request)
        try:
            case = cases.open_case(user, data)
        except RuleError as exc:
            form = form_state(data, exc)
        else:
            messages.success(request, f"已登记线索 {case.number}")
            return redirect("enforcement:case", case.pk)
    return render(
        request,
        "enforcement/new.html",
        {
            "form": form,
            "departments": {d.code: d.name for d in _departments(user)},
            "sources": selectors.SOURCES,
            "party_kinds": {"org": "单位", "person": "自然人"},
        },
        status=422 if form["errors"] else 200,
    )


def _case_page(request, case, form_kind="", form=None, status=200, filing_form=None):
    user = request.user
    today = clock.today()
    can_act = access.can_act(user, case.zone, case.department_id)
    officer_rows = []
    if can_act:
        officer_rows = [
            {"id": o.pk, "label": f"{o.name}（{o.cert_no}，{enf.CERT_STATUSES[o.status(today)]}）"}
            for o in Officer.objects.filter(zone=case.zone, department=case.department).order_by(
                "name"
            )
        ]
    steps = list(case.steps.all())
    return render(
        request,
        "enforcement/case.html",
        {
            "case": case,
            "steps": steps,
            "handlers": list(case.handlers.all()),
            "party": selectors.party_display(case, full=can_act),
            "source_label": selectors.SOURCES.get(case.source, case.source),
            "decision_label": enf.DECISION_KINDS.get(case.decision_kind, ""),
            "penalty_label": enf.PENALTY_KINDS.get(case.penalty_kind, ""),
            "periods": presenters.periods(case, get_calendar(), today),
            "forms": presenters.step_forms(case, officer_rows, form_kind, form) if can_act else [],
            "officer_rows": officer_rows,
            "can_act": can_act,
            "today": today,
            "filing_results": enf.FILING_RESULTS,
            "filing_label": enf.FILING_RESULTS.get(case.filing_result, ""),
            "can_review_filing": filing.may_review(user, case),
            "filing_form": filing_form or {"values": {}, "errors": {}},
            # a normative document cited as the basis must be valid (issue 12)
            "citations": cited_documents(case.zone, [case.legal_basis], today),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request, enf_case_id):
    return _case_page(request, selectors.case_of(request.user, enf_case_id))


@login_required
@require_POST
def case_step(request, enf_case_id):
    user = request.user
    case = selectors.case_of(user, enf_case_id)
    data = post_data(request, multi=("officers",))
    try:
        cases.record_step(user, case.pk, data, files=request.FILES.getlist("file"))
    except (RuleError, ConflictError) as exc:
        if isinstance(exc, ConflictError):
            exc = RuleError("kind", exc.message)
        case = selectors.case_of(user, enf_case_id)
        return _case_page(request, case, data.get("kind", ""), form_state(data, exc), status=422)
    messages.success(request, f"已登记“{enf.EVENTS.get(data.get('kind'), '')}”")
    return redirect("enforcement:case", case.pk)


@login_required
@require_POST
def filing_review(request, enf_case_id):
    """备案审查: the city or the province reviews a major decision reported to it."""
    user = request.user
    case = selectors.case_of(user, enf_case_id)
    data = post_data(request)
    try:
        filing.review_filing(user, case.pk, data)
    except RuleError as exc:
        case = selectors.case_of(user, enf_case_id)
        return _case_page(request, case, filing_form=form_state(data, exc), status=422)
    messages.success(request, "备案审查结论已登记")
    return redirect("enforcement:case", case.pk)


@login_required
@require_GET
def case_docx(request, enf_case_id):
    """The case file's cover and catalogue (卷宗封面、卷内目录), .docx."""
    from ..casefile import DOCX, casefile_docx

    case = selectors.case_of(request.user, enf_case_id)
    full = access.can_act(request.user, case.zone, case.department_id)
    name, content = casefile_docx(case, full, clock.today())
    return file_response(name, content, DOCX)


@login_required
@require_GET
def case_file(request, enf_case_id, step_file_id):
    case = selectors.case_of(request.user, enf_case_id)
    f = StepFile.objects.select_related("blob").filter(pk=step_file_id, step__case=case).first()
    if f is None:
        raise Http404("文件不存在")
    from django.http import FileResponse

    return FileResponse(open_blob(f.blob), as_attachment=True, filename=f.name)
