"""Reads of the review chain. Scope: the zone's own people and the orgs above it (orgs.access),
the province only once an application is forwarded, an expert only where it sits on the panel."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from fazhi.assessments.selectors import result_input, results_of
from fazhi.core.scoring import ResultInput, Totals, compute_totals
from fazhi.frameworks.services import tree
from fazhi.orgs.access import in_scope, org_scope_q
from fazhi.orgs.models import Org, Role

from .models import Application, Campaign, CityScore, ExpertResult, PanelMember

# What the province sees: nothing the city has not forwarded yet.
PROVINCE_STATUSES = (
    Application.Status.FORWARDED,
    Application.Status.FORMAL_FAILED,
    Application.Status.IN_REVIEW,
    Application.Status.REVIEWED,
    Application.Status.NAMED,
    Application.Status.NOT_NAMED,
    Application.Status.REVOKED,
)


def is_province(user) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.REVIEWER)
        and user.org is not None
        and user.org.kind == Org.Kind.PROVINCE
    )


def is_city(user, zone: Org | None = None) -> bool:
    ok = user.has_role(Role.REVIEWER) and user.org is not None and user.org.kind == Org.Kind.CITY
    return ok and (zone is None or in_scope(user, zone))


def campaigns_for(user) -> QuerySet[Campaign]:
    """Every campaign of a province the user's org lies under (or is); experts see theirs."""
    if not user.is_authenticated or user.org is None:
        return Campaign.objects.none()
    ancestors = [int(x) for x in user.org.path.strip("/").split("/") if x]
    q = Q(province_id__in=ancestors)
    if user.has_role(Role.EXPERT):
        q |= Q(applications__panel__expert=user)
    return Campaign.objects.filter(q).distinct().select_related("framework", "province")


def get_campaign(user, code) -> Campaign:
    campaign = campaigns_for(user).filter(code=str(code)).first()
    if campaign is None:
        raise Http404("创建试点不存在或无权查看")
    return campaign


def applications_for(user) -> QuerySet[Application]:
    q = Q(pk__in=[])
    if user.is_authenticated and user.org_id is not None:
        if is_province(user):
            q = org_scope_q(user, "zone") & Q(status__in=PROVINCE_STATUSES)
        elif user.roles & {Role.OFFICE, Role.LEADER, Role.REVIEWER}:
            q = org_scope_q(user, "zone")
    if user.is_authenticated and user.has_role(Role.EXPERT):
        q |= Q(panel__expert=user)
    return (
        Application.objects.filter(q)
        .distinct()
        .select_related(
            "campaign", "campaign__framework", "campaign__province", "zone", "assessment"
        )
    )


def application_rows(user) -> QuerySet[Application]:
    """applications_for, for a list: each row with its zone and campaign only. The table, the
    province and the self-assessment each row would otherwise carry made the province's list of
    200 applications three times slower."""
    return applications_for(user).select_related(None).select_related("zone", "campaign")


def get_application(user, application_id, *, for_update: bool = False) -> Application:
    qs = applications_for(user)
    try:
        app = qs.get(pk=int(application_id))
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("申报不存在或无权查看") from None
    if for_update:  # lock the row alone: DISTINCT and FOR UPDATE do not mix on PostgreSQL
        Application.objects.select_for_update().filter(pk=app.pk).get()
        app.refresh_from_db()
    return app


def city_scores(app: Application) -> dict[str, CityScore]:
    return {
        c.indicator.code: c
        for c in CityScore.objects.filter(application=app).select_related("indicator")
    }


def member_of(app: Application, user) -> PanelMember | None:
    return PanelMember.objects.filter(application=app, expert=user).first()


EXPERT_INPUTS = ("self_score", "cases", "raised", "points", "count", "value", "not_applicable")


def expert_input(r: ExpertResult) -> ResultInput:
    """An expert's entry as the engine takes it (experts score; they never override)."""
    return ResultInput(**{name: getattr(r, name) for name in EXPERT_INPUTS})


def sheet_inputs(member: PanelMember) -> dict[str, ResultInput]:
    return {
        r.indicator.code: expert_input(r)
        for r in ExpertResult.objects.filter(member=member)
        .select_related("indicator")
        .order_by("indicator__position")
    }


def sheet_totals(app: Application, member: PanelMember) -> Totals:
    return compute_totals(tree(app.campaign.framework), sheet_inputs(member))


def panel_sheets(app: Application) -> list[tuple[PanelMember, dict[str, ResultInput]]]:
    """Every member's entries, from two queries whatever the panel's size."""
    members = list(app.panel.select_related("expert"))
    by_member: dict[int, dict[str, ResultInput]] = {m.pk: {} for m in members}
    rows = ExpertResult.objects.filter(member__application=app).values_list(
        "member_id", "indicator__code", *EXPERT_INPUTS
    )
    for mid, code, *values in rows:
        by_member[mid][code] = ResultInput(**dict(zip(EXPERT_INPUTS, values, strict=True)))
    return [(m, by_member[m.pk]) for m in members]


def zone_totals(app: Application) -> Totals:
    results = results_of(app.assessment)
    return compute_totals(
        tree(app.assessment.framework), {c: result_input(r) for c, r in results.items()}
    )


def objections(campaign: Campaign):
    """公示异议 received through the public channel about the campaign's zones, from the
    publicity's first day on (late ones are listed too: the province decides on them)."""
    from fazhi.registers.catalog import PUBLICITY_OBJECTION
    from fazhi.registers.models import Case

    if campaign.publicity_starts_on is None:
        return Case.objects.none()
    return (
        Case.objects.filter(
            category=PUBLICITY_OBJECTION,
            zone__in=campaign.applications.values("zone"),
            received_on__gte=campaign.publicity_starts_on,
        )
        .select_related("zone")
        .order_by("received_on", "id")
    )
