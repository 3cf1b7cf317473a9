"""案卷评查 pages: the rounds, one round with its grade distribution and common faults, and
the scoring sheet of one file (the same table format and engine as the self-assessment)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fazhi.core import framework as fw
from fazhi.core.errors import ConflictError, RuleError
from fazhi.frameworks import services as frameworks
from fazhi.registers import clock

from .. import access, reviews
from ..models import FileReview, ReviewRound
from .common import form_state, post_data


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    user = request.user
    access.require_reader(user)
    zone = access.zone_of_user(user)
    is_office = bool(zone) and access.is_office_of(user, zone)
    form = {"values": {"year": str(clock.today().year)}, "errors": {}}
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied("只有创建办可以组织案卷评查")
        data = post_data(request)
        try:
            rnd = reviews.create_round(user, data)
        except RuleError as exc:
            form = form_state(data, exc)
        else:
            messages.success(request, f"已创建评查“{rnd.title}”")
            return redirect("enforcement:review-round", rnd.pk)
    visible = ReviewRound.objects.filter(access.data_q(user, own_field="")).select_related("zone")
    mine = FileReview.objects.filter(reviewer=user, scored_at__isnull=True).select_related(
        "case", "round"
    )
    return render(
        request,
        "enforcement/reviews.html",
        {
            "rounds": list(visible.order_by("-year", "-id")),
            "mine": list(mine),
            "form": form,
            "is_office": is_office,
        },
        status=422 if form["errors"] else 200,
    )


@login_required
@require_GET
def round_detail(request, round_id):
    rnd = reviews.round_of(request.user, round_id)
    return render(
        request, "enforcement/review_round.html", {"round": rnd, **reviews.round_report(rnd)}
    )


def _sheet_rows(review, values):
    rows = []
    for ind in fw.items(frameworks.tree(review.round.framework)):
        saved = review.results.get(ind.code, {})
        prefix = {fw.SCORED: "s_", fw.VETO: "v_"}.get(ind.kind, "d_")
        name = f"{prefix}{ind.code}"
        if name in values:
            value = values[name]
        elif ind.kind == fw.SCORED:
            value = saved.get("self_score", "")
        elif ind.kind == fw.VETO:
            value = "1" if saved.get("raised") else ""
        else:
            value = str(saved.get("cases") or "")
        rows.append({"ind": ind, "name": name, "value": value})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, file_review_id):
    user = request.user
    review = reviews.review_of(user, file_review_id)
    form = {"values": {}, "errors": {}}
    if request.method == "POST":
        data = post_data(request)
        try:
            reviews.score_file(user, review.pk, data)
        except (RuleError, ConflictError) as exc:
            if isinstance(exc, ConflictError):
                exc = RuleError("version", exc.message)
            form = form_state(data, exc)
        else:
            messages.success(request, "评分已保存")
            return redirect("enforcement:review-sheet", review.pk)
    can_score = review.reviewer_id == user.pk
    return render(
        request,
        "enforcement/review_sheet.html",
        {
            "review": review,
            "rows": _sheet_rows(review, form["values"]),
            "form": form,
            "can_score": can_score,
        },
        status=422 if form["errors"] else 200,
    )
