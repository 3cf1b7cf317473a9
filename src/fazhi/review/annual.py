"""After naming (动态管理): each year the province reviews a named zone on its re-assessment
against the current table. The province scores itself here (no panel for the yearly review);
below the threshold the zone rectifies by a due date, and a second failure revokes the title."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404

from fazhi.assessments.models import Assessment
from fazhi.audit.services import record
from fazhi.core import review as rules
from fazhi.core import validate
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.scoring import parse_points
from fazhi.frameworks.models import Framework

from .models import AnnualReview, Application
from .selectors import get_application, is_province

R = AnnualReview.Status


def _province_named(user, application_id) -> Application:
    app = get_application(user, application_id, for_update=True)
    if not is_province(user) or app.campaign.province_id != user.org_id:
        raise PermissionDenied("只有命名该园区的省科技厅可以复核")
    return app


def current_framework(app: Application) -> Framework:
    """The current table: the newest version of the campaign's table."""
    return Framework.objects.filter(code=app.campaign.framework.code).order_by("-version").first()


@transaction.atomic
def open_review(user, application_id, year) -> AnnualReview:
    app = _province_named(user, application_id)
    if app.status != Application.Status.NAMED:
        raise ConflictError(f"申报{app.get_status_display()}，只有已命名的园区需要年度复核")
    year = validate.int_in(year, "year", "复核年度", 2000, 2100)
    if app.campaign.named_on and year <= app.campaign.named_on.year:
        raise RuleError("year", f"复核年度须晚于命名年度 {app.campaign.named_on.year}")
    if app.annual_reviews.filter(status=R.RECTIFYING).exists():
        raise ConflictError("该园区正在限期整改，请先完成整改后的复核")
    framework = current_framework(app)
    assessment = Assessment.objects.filter(zone=app.zone, framework=framework, year=year).first()
    if assessment is None:
        raise RuleError(
            "year",
            f"{app.zone.name}尚无 {year} 年度按《{framework.title}》（第 {framework.version} 版）的自评",
        )
    try:
        with transaction.atomic():
            review = AnnualReview.objects.create(application=app, year=year, assessment=assessment)
    except IntegrityError:
        raise ConflictError(f"{app.zone.name} {year} 年度复核已存在") from None
    record(user, "annual_review.open", review, after={"application": app.pk, "year": year})
    return review


@transaction.atomic
def decide(user, review_id, data: dict) -> AnnualReview:
    """The province's score: first review, or the review after rectification (second round)."""
    review = (
        AnnualReview.objects.select_for_update()
        .select_related("application")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("年度复核不存在或无权查看")
    app = _province_named(user, review.application_id)
    if review.status not in (R.OPEN, R.RECTIFYING):
        raise ConflictError(f"年度复核{review.get_status_display()}，已办结")
    second = review.status == R.RECTIFYING
    score = parse_points(data.get("score"), "score", "复核得分")
    note = validate.text(data.get("note"), "note", "复核意见", limit=2000)
    outcome = rules.annual_outcome(score, app.campaign.threshold, second)
    fields = {"second_score" if second else "score": score, "note": note}
    if outcome == rules.RECTIFY:
        fields["due_on"] = validate.parse_date(data.get("due_on"), "due_on", "整改期限")
        fields["status"] = R.RECTIFYING
    else:
        fields["status"] = R.PASSED if outcome == rules.PASSED else R.REVOKED
    AnnualReview.objects.filter(pk=review.pk).update(**fields)
    review.refresh_from_db()
    record(user, "annual_review.decide", review, after={"round": 2 if second else 1, **fields})
    if outcome == rules.REVOKED:
        Application.objects.filter(pk=app.pk).update(
            status=Application.Status.REVOKED, version=F("version") + 1
        )
        record(user, "application.revoked", app, after={"year": review.year, "score": score})
    return review


def history(app: Application) -> list[AnnualReview]:
    """The zone's title across years: its application's yearly reviews."""
    return list(
        AnnualReview.objects.filter(application__zone=app.zone)
        .select_related("application__campaign")
        .order_by("year")
    )
