"""/awards/: commendations, 批示 and adopted practices (items 15, 16)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import awards as award_rules
from fazhi.core.errors import RuleError

from .. import access, awards
from .common import context, errors_of, file_answer, year_of

# ---------------------------------------------------------------- awards


def _awards_page(request, form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = year_of(request, today)
    rows = list(awards.awards_for(user).filter(zone=zone, on__year=year).order_by("-on", "-pk"))
    honours = [award_rules.Honour(a.kind, a.level, a.on) for a in rows]
    return render(
        request,
        "ledgers/awards.html",
        {
            **context(request, zone, year),
            "rows": [
                (a, award_rules.counts_for("15", h), award_rules.counts_for("16", h))
                for a, h in zip(rows, honours, strict=True)
            ],
            "n15": award_rules.case_count("15", honours, year)[0],
            "n16": award_rules.case_count("16", honours, year)[0],
            "rules": award_rules.RULES,
            "kinds": award_rules.KINDS,
            "levels": award_rules.LEVELS,
            "can_add": access.is_office_of(user, zone),
            "form": form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def awards_page(request):
    return _awards_page(request)


@login_required
@require_POST
def award_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        a = awards.record_award(
            request.user, data, request.FILES.get("file"), today=timezone.localdate()
        )
    except RuleError as exc:
        return _awards_page(request, {"values": data, "errors": errors_of(exc)}, 422)
    messages.success(request, f"已登记：{a.title}")
    return redirect(f"/awards/?year={a.on.year}")


@login_required
@require_GET
def award_file(request, award_id: int):
    access.require_reader(request.user)
    return file_answer(*awards.award_file(request.user, award_id))
