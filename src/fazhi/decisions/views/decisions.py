"""重大行政决策: the register, the yearly 决策事项目录, a decision with its steps and the next
allowed ones (with the 条例's article), the step files."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.audit.services import record
from fazhi.core import decision_steps as ds
from fazhi.core.errors import ConflictError, RuleError

from .. import access, exports, major, selectors
from ..documents import open_file
from ..models import MajorDecision
from . import forms
from .common import download, figures_zone, file_bytes, page_no, today
from .documents import _with_departments


@login_required
@require_GET
def register(request):
    user = request.user
    access.require_reader(user)
    day = today()
    values = {k: (request.GET.get(k) or "").strip() for k in ("state", "year", "overdue", "q")}
    errors = {}
    try:
        f = selectors.parse_decision_filter(request.GET)
    except RuleError as exc:
        errors[exc.field] = exc.message
        f = selectors.DecisionFilter()
    page = selectors.paginate(selectors.decision_register(user, f, day), page_no(request))
    return render(
        request,
        "decisions/decisions.html",
        {
            "rows": [selectors.decision_row(d, day) for d in page.rows],
            "page": page,
            "values": values,
            "errors": errors,
            "query": urlencode({k: v for k, v in values.items() if v}),
            "states": ds.STATE_LABELS,
            "can_create": access.can_create(user),
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request):
    user = request.user
    access.require_reader(user)
    if not access.can_create(user):
        raise PermissionDenied("只有创建办或部门可以启动重大行政决策")
    form, status = forms.form_state(forms.DECISION_NEW), 200
    if request.method == "POST":
        values = forms.values_of(request.POST, forms.DECISION_NEW)
        try:
            d = major.create_decision(user, values, request.FILES.getlist("files"), today())
            return redirect("decisions:decision", d.pk)
        except RuleError as exc:
            form, status = forms.form_state(forms.DECISION_NEW, values, exc), 422
    return render(
        request,
        "decisions/decision_new.html",
        {
            "form": form,
            "fields": _with_departments(forms.DECISION_NEW, user.org),
            "files_field": forms.FILES,
            "blank": forms.form_state(()),
        },
        status=status,
    )


def _page(request, decision_id, form=None, status=200):
    user = request.user
    access.require_reader(user)
    d = access.get_visible(
        MajorDecision, user, decision_id, related=("zone", "department", "catalogue")
    )
    writable = access.can_write(user, d)
    allowed = ds.allowed_steps(frozenset(d.done), frozenset(d.applicable)) if writable else []
    steps = list(d.steps.all())
    files = list(d.files.all())
    return render(
        request,
        "decisions/decision.html",
        {
            "d": d,
            "row": selectors.decision_row(d, today()),
            "applicable": [ds.STEPS[s] for s in d.applicable],
            "citations": selectors.cited_documents(
                d.zone, [d.title, *(str(v) for s in steps for v in s.data.values())], today()
            ),
            "steps": [
                {
                    "s": s,
                    "label": f"{ds.STEPS[s.step]}（{ds.ARTICLES[s.step]}）",
                    "files": [f for f in files if f.step == s.step],
                }
                for s in steps
            ],
            "allowed": [
                (k, f"{ds.STEPS[k]}（{ds.ARTICLES[k]}）", forms.DECISION_STEPS[k]) for k in allowed
            ],
            "form": form or forms.form_state(()),
            "files_field": forms.FILES,
            "note_field": forms.NOTE,
            "blank": forms.form_state(()),
        },
        status=status,
    )


@login_required
@require_GET
def decision_detail(request, decision_id):
    return _page(request, decision_id)


@login_required
@require_POST
def decision_step(request, decision_id):
    step = request.POST.get("step") or ""
    fields = forms.DECISION_STEPS.get(step, ())
    values = {**forms.values_of(request.POST, fields), "step": step}
    for k in ("note", "version"):
        values[k] = request.POST.get(k) or ""
    try:
        major.record_decision_step(
            request.user, decision_id, values, request.FILES.getlist("files"), today()
        )
        return redirect("decisions:decision", decision_id)
    except (RuleError, ConflictError) as exc:
        form = forms.form_state(fields, values, exc, step)
        return _page(request, decision_id, form, 409 if isinstance(exc, ConflictError) else 422)


@login_required
@require_GET
def decision_file(request, decision_id, decision_file_id):
    access.require_reader(request.user)
    name, fh = open_file(request.user, MajorDecision, decision_id, decision_file_id)
    return download(name, fh)


CATALOGUE_FIELDS = (
    forms.F("year", "年度", required=True),
    forms.F("adopted_on", "确定日期", "date", True),
    forms.F("published_on", "公布日期", "date", help="公布后在公众服务页面展示"),
)


@login_required
@require_http_methods(["GET", "POST"])
def catalogues(request):
    user = request.user
    access.require_reader(user)
    office = user.org_id and user.org.kind == "zone" and access.is_office_of(user, user.org)
    form, status = forms.form_state(CATALOGUE_FIELDS, {"year": str(today().year)}), 200
    if request.method == "POST":
        if not office:
            raise PermissionDenied("只有创建办可以确定和公布决策事项目录")
        values = forms.values_of(request.POST, CATALOGUE_FIELDS)
        try:
            major.save_catalogue(user, values, today())
            return redirect("decisions:catalogues")
        except RuleError as exc:
            form, status = forms.form_state(CATALOGUE_FIELDS, values, exc), 422
    cats = selectors.catalogues_for(user).select_related("zone").order_by("-year", "zone__path")
    return render(
        request,
        "decisions/catalogues.html",
        {
            "cats": list(cats),
            "form": form,
            "fields": CATALOGUE_FIELDS,
            "office": office,
            "zone_wide": access.zone_wide(user),
        },
        status=status,
    )


@login_required
@require_GET
def catalogue_xlsx(request):
    """A year's 决策事项目录 with each decision's state (?zone=&year=)."""
    zone, year = figures_zone(request, request.user)
    record(request.user, "decision_catalogue.export", zone, after={"year": year})
    return file_bytes(
        f"{zone.name}{year}年度重大行政决策事项目录.xlsx",
        exports.decision_catalogue_xlsx(zone, year),
        exports.XLSX,
    )
