"""行政规范性文件: the register, a document with its steps and the next allowed ones, the
yearly figures with the missing documents named, the step files."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.audit.services import record
from fazhi.core import normative as nd
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.summary import Figure
from fazhi.core.validate import int_in

from .. import access, documents, exports, selectors
from ..models import NormativeDocument
from . import forms
from .common import departments_of, download, figures_zone, file_bytes, page_no, today


@login_required
@require_GET
def register(request):
    user = request.user
    access.require_reader(user)
    day = today()
    values = {
        k: (request.GET.get(k) or "").strip() for k in ("state", "validity", "year", "overdue", "q")
    }
    errors = {}
    try:
        f = selectors.parse_doc_filter(request.GET)
    except RuleError as exc:
        errors[exc.field] = exc.message
        f = selectors.DocFilter()
    page = selectors.paginate(selectors.document_register(user, f, day), page_no(request))
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request,
        "decisions/documents.html",
        {
            "rows": [selectors.document_row(d, day) for d in page.rows],
            "page": page,
            "values": values,
            "errors": errors,
            "query": query,
            "states": nd.STATES,
            "validities": nd.VALIDITY,
            "can_create": access.can_create(user),
            "can_configure": bool(
                user.org_id and user.org.kind == "zone" and access.is_office_of(user, user.org)
            ),
            "year": day.year,
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request):
    user = request.user
    access.require_reader(user)
    if not access.can_create(user):
        raise PermissionDenied("只有创建办或部门可以登记规范性文件")
    form = forms.form_state(forms.DOCUMENT_NEW)
    status = 200
    if request.method == "POST":
        values = forms.values_of(request.POST, forms.DOCUMENT_NEW)
        try:
            doc = documents.create_document(user, values, today())
            return redirect("decisions:document", doc.pk)
        except RuleError as exc:
            form, status = forms.form_state(forms.DOCUMENT_NEW, values, exc), 422
    return render(
        request,
        "decisions/document_new.html",
        {"form": form, "fields": _with_departments(forms.DOCUMENT_NEW, user.org)},
        status=status,
    )


def _with_departments(fields, org):
    depts = tuple((d.code, d.name) for d in departments_of(org))
    return [
        forms.F(f.name, f.label, f.kind, f.required, depts, f.help) if f.name == "department" else f
        for f in fields
    ]


def _page(request, doc_id, form=None, status=200):
    user = request.user
    access.require_reader(user)
    doc = access.get_visible(NormativeDocument, user, doc_id)
    day = today()
    writable = access.can_write(user, doc)
    allowed = nd.allowed_steps(doc.state) if writable else []
    steps = list(doc.steps.select_related("actor"))
    files = list(doc.files.all())
    return render(
        request,
        "decisions/document.html",
        {
            "doc": doc,
            "row": selectors.document_row(doc, day),
            "steps": [
                {
                    "s": s,
                    "label": nd.STEPS.get(s.step, "起草"),
                    "files": [f for f in files if f.step == s.step],
                }
                for s in steps
            ],
            "allowed": [(k, nd.STEPS[k], forms.DOCUMENT_STEPS[k]) for k in allowed],
            "form": form or forms.form_state((), step=""),
            "files_field": forms.FILES,
            "note_field": forms.NOTE,
            "blank": forms.form_state(()),
            "cleanup_due": nd.cleanup_due(doc.published_on, doc.last_cleanup_on)
            if doc.published_on
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def document_detail(request, doc_id):
    return _page(request, doc_id)


@login_required
@require_POST
def document_step(request, doc_id):
    step = request.POST.get("step") or ""
    fields = forms.DOCUMENT_STEPS.get(step, ())
    values = {**forms.values_of(request.POST, fields), "step": step}
    for k in ("note", "version"):
        values[k] = request.POST.get(k) or ""
    try:
        documents.record_document_step(
            request.user, doc_id, values, request.FILES.getlist("files"), today()
        )
        return redirect("decisions:document", doc_id)
    except (RuleError, ConflictError) as exc:
        form = forms.form_state(fields, values, exc, step)
        return _page(request, doc_id, form, 409 if isinstance(exc, ConflictError) else 422)


@login_required
@require_GET
def document_file(request, doc_id, file_id):
    access.require_reader(request.user)
    name, fh = documents.open_file(request.user, NormativeDocument, doc_id, file_id)
    return download(name, fh)


@login_required
@require_GET
def figures(request):
    user = request.user
    access.require_reader(user)
    if not access.zone_wide(user):
        raise PermissionDenied("年度报备统计由创建办、领导及上级查看")
    day = today()
    errors = {}
    try:
        year = int_in(request.GET.get("year") or day.year, "year", "年度", 2000, 2100)
    except RuleError as exc:
        errors[exc.field], year = exc.message, day.year
    zones = list(selectors.access_zones(user).order_by("path"))
    zone = next(
        (z for z in zones if z.code == request.GET.get("zone")), zones[0] if zones else None
    )
    fig = selectors.document_figures(zone, year, day) if zone else None
    rates = (
        [Figure("", r, "%").shown() for r in (fig.filing_rate, fig.on_time_rate, fig.review_rate)]
        if fig
        else []
    )
    return render(
        request,
        "decisions/figures.html",
        {"fig": fig, "rates": rates, "year": year, "zone": zone, "zones": zones, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_GET
def catalogue_xlsx(request):
    """The valid / abolished / expired catalogues as one .xlsx (a sheet each)."""
    zone, _ = figures_zone(request, request.user)
    day = today()
    record(request.user, "normative.catalogue_export", zone, after={"as_of": day})
    return file_bytes(
        f"{zone.name}行政规范性文件目录-{day.isoformat()}.xlsx",
        exports.documents_catalogue_xlsx(zone, day),
        exports.XLSX,
    )


SETTINGS_FIELDS = (
    forms.F(
        "filing_days",
        "报送备案期限（公布后日数）",
        required=True,
        help="默认 30 日；最后一日遇节假日顺延",
    ),
    forms.F("validity_years", "有效期（年）", required=True, help="默认 5 年"),
    forms.F("provisional_years", "暂行、试行有效期（年）", required=True, help="默认 2 年"),
)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """The zone's periods (the office): they apply to documents published from now on."""
    user = request.user
    access.require_reader(user)
    zone = user.org if user.org_id and user.org.kind == "zone" else None
    if zone is None or not access.is_office_of(user, zone):
        raise PermissionDenied("只有创建办可以设置规范性文件的期限")
    current = documents.settings_of(zone)
    values = {
        "filing_days": str(current.filing_days),
        "validity_years": str(current.validity_years),
        "provisional_years": str(current.provisional_years),
    }
    form, status = forms.form_state(SETTINGS_FIELDS, values), 200
    if request.method == "POST":
        values = forms.values_of(request.POST, SETTINGS_FIELDS)
        try:
            documents.save_settings(user, values)
            return redirect("decisions:documents")
        except RuleError as exc:
            form, status = forms.form_state(SETTINGS_FIELDS, values, exc), 422
    return render(
        request,
        "decisions/settings.html",
        {"form": form, "fields": SETTINGS_FIELDS, "zone": zone},
        status=status,
    )
