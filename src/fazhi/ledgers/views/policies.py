"""/policies/: 政策清单 (item 9): policies, their 配套措施, the enterprises that benefited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import policies as rules
from fazhi.core.errors import RuleError

from .. import access, policies
from .common import context, errors_of, year_of


def _register(request, form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = year_of(request, today)
    items = list(policies.policies_for(user).filter(zone=zone).order_by("-issued_on", "-pk")[:500])
    rows = [(p, rules.supported(policies.state_of(p))) for p in items]
    return render(
        request,
        "ledgers/policies.html",
        {
            **context(request, zone, year),
            "rows": rows,
            "gaps": rules.gaps([policies.state_of(p) for p in items]),
            "levels": rules.LEVELS,
            "can_add": access.is_office_of(user, zone),
            "form": form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def policies_page(request):
    return _register(request)


@login_required
@require_POST
def policy_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        p = policies.add_policy(request.user, data, today=timezone.localdate())
    except RuleError as exc:
        return _register(request, {"values": data, "errors": errors_of(exc)}, 422)
    messages.success(request, f"已登记政策：{p.title}")
    return redirect("ledgers:policy", p.pk)


def _policy(request, policy_id, measure_form=None, benefit_form=None, status=200):
    user = request.user
    access.require_reader(user)
    p = policies.get_policy(user, policy_id)
    return render(
        request,
        "ledgers/policy.html",
        {
            "p": p,
            "measures": list(p.measures.order_by("pk")),
            "benefits": list(p.benefits.order_by("on", "pk")),
            "supported": rules.supported(policies.state_of(p)),
            "statuses": rules.MEASURE_STATUSES,
            "can_edit": access.is_office_of(user, p.zone),
            "measure_form": measure_form or {"values": {"status": "issued"}, "errors": {}},
            "benefit_form": benefit_form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def policy_page(request, policy_id: int):
    return _policy(request, policy_id)


@login_required
@require_POST
def policy_measure(request, policy_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        policies.add_measure(request.user, policy_id, data, today=timezone.localdate())
    except RuleError as exc:
        return _policy(
            request, policy_id, measure_form={"values": data, "errors": errors_of(exc)}, status=422
        )
    messages.success(request, "已登记配套措施")
    return redirect("ledgers:policy", policy_id)


@login_required
@require_POST
def policy_benefit(request, policy_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        policies.add_benefit(request.user, policy_id, data, today=timezone.localdate())
    except RuleError as exc:
        return _policy(
            request, policy_id, benefit_form={"values": data, "errors": errors_of(exc)}, status=422
        )
    messages.success(request, "已登记受益企业")
    return redirect("ledgers:policy", policy_id)
