"""The register with its filters, its rules page and its files (.xlsx): thin, over
registers.selectors (which scope: 404 outside it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from fazhi.audit.services import record
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in
from fazhi.orgs.models import Org
from fazhi.registers import clock, exports, rules, selectors, states

from .common import departments_of, file_response, require_business

FILTER_FIELDS = ("kind", "state", "department", "overdue", "due_within", "q")


# ---------------------------------------------------------------- the register


@login_required
@require_GET
def rules_page(request):
    """The deadline rules in force, each period with its legal basis (依据)."""
    require_business(request.user)
    kinds = [(label, rules.page(kind)) for kind, label in states.KINDS.items()]
    return render(request, "registers/rules.html", {"kinds": kinds})


@login_required
@require_GET
def register(request):
    user = request.user
    require_business(user)
    today = clock.today()
    values = {k: (request.GET.get(k) or "").strip() for k in FILTER_FIELDS}
    errors = {}
    try:
        f = selectors.parse_filter(request.GET)
    except RuleError as exc:
        errors[exc.field if exc.field in FILTER_FIELDS else "q"] = exc.message
        f = selectors.RegisterFilter()
    try:
        page_no = int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)
    except RuleError:
        page_no = 1
    page = selectors.register_page(user, f, today, page_no)
    rows = [selectors.case_row(c, today) for c in page.rows]
    query = urlencode({k: v for k, v in values.items() if v})
    zone_wide = selectors.scope_of(user) != selectors.SCOPE_OWN
    return render(
        request,
        "registers/register.html",
        {
            "rows": rows,
            "page": page,
            "values": values,
            "errors": errors,
            "query": query,
            "today": today,
            "kinds": states.KINDS,
            "states": states.STATES,
            "departments": departments_of(user),
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
            "zone_wide": zone_wide,
            "year": today.year,
            "zones": Org.objects.filter(kind=Org.Kind.ZONE, path__startswith=user.org.path)
            .only("code", "name")
            .order_by("path")
            if zone_wide and user.org_id
            else [],
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def export(request):
    user = request.user
    require_business(user)
    try:
        f = selectors.parse_filter(request.GET)
    except RuleError as exc:
        messages.error(request, exc.message)
        return redirect("registers:register")
    today = clock.today()
    content = exports.to_bytes(
        exports.write_register_xlsx,
        selectors.register(user, f, today).iterator(chunk_size=2000),
        today,
        exports.register_title(user, f.zone),
    )
    record(
        user,
        "register.export",
        object_type="register",
        object_id=f.kind or "all",
        after={"filter": vars(f)},
    )
    return file_response(f"台账-{today.isoformat()}.xlsx", content, exports.XLSX)


@login_required
@require_GET
def annual_report(request):
    user = request.user
    require_business(user)
    try:
        year = int_in(request.GET.get("year") or clock.today().year, "year", "年度", 2000, 2100)
        zone = selectors.zone_for(user, request.GET.get("zone") or None)
    except RuleError as exc:
        messages.error(request, exc.message)
        return redirect("registers:register")
    report = selectors.annual_report(zone, year)
    record(user, "register.annual_report", zone, after={"year": year})
    return file_response(
        f"{zone.name}{year}年度政府信息公开申请情况.xlsx",
        exports.to_bytes(exports.write_annual_report_xlsx, report),
        exports.XLSX,
    )
