"""主体考核目标: the use cases (add an indicator, report a figure) and the reads shared by
pages, API, the evidence source and the reminders. Rules live in fazhi.core.targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.core import targets as rules
from fazhi.core.errors import Collect, RuleError
from fazhi.core.scoring import format_points
from fazhi.core.validate import int_in, text
from fazhi.orgs.models import Org, Role

from . import access
from .models import Target, TargetReport

ITEM_CODE = "13"
ITEM_POINTS = Decimal(29)  # as printed in the seed table for item 13


# ---------------------------------------------------------------- checks


def department_of(zone: Org, value, field: str = "department") -> Org | None:
    """A department of the zone by code or name; "" for none."""
    value = (str(value) if value is not None else "").replace("\x00", "").strip()
    if not value:
        return None
    found = (
        Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone, code=value).first()
        or Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone, name=value).first()
    )
    if found is None:
        raise RuleError(field, f"责任部门“{value}”不是{zone.name}的部门")
    return found


def frequency_of(value) -> str:
    word = str(value or "").strip()
    if word in rules.FREQUENCIES:
        return word
    if word in rules.FREQUENCY_WORDS:
        return rules.FREQUENCY_WORDS[word]
    raise RuleError("frequency", "填报频次只能是：按月、按季度")


def weight_of(value) -> Decimal:
    w = rules.parse_amount(value, "weight", "权重", positive=True)
    if w > 100:
        raise RuleError("weight", "权重不能超过 100")
    return w


def clean_target(zone: Org, data: dict) -> dict:
    """The fields of one indicator, every refusal at once (RuleErrors)."""
    check = Collect()
    clean = {
        "indicator": check(
            text, data.get("indicator"), "indicator", "指标", limit=100, required=True
        ),
        "unit": check(text, data.get("unit"), "unit", "单位", limit=20, required=True),
        "target": check(rules.parse_amount, data.get("target"), "target", "目标值", positive=True),
        "weight": check(weight_of, data.get("weight")),
        "source": check(text, data.get("source"), "source", "数据来源", limit=100),
        "department": check(department_of, zone, data.get("department")),
        "frequency": check(frequency_of, data.get("frequency")),
    }
    check.done()
    return clean


# ---------------------------------------------------------------- writes


def add_target(user, data: dict) -> Target:
    zone = access.office_zone(user)
    check = Collect()
    year = check(int_in, data.get("year"), "year", "年度", 2000, 2100)
    clean = check(clean_target, zone, data) or {}
    check.done()
    try:
        with transaction.atomic():
            t = Target.objects.create(zone=zone, year=year, **clean)
            record(user, "target.add", t, after=audit_of(t))
    except IntegrityError:
        raise RuleError("indicator", f"{year} 年已有指标“{clean['indicator']}”") from None
    return t


def audit_of(t: Target) -> dict:
    return {
        "year": t.year,
        "indicator": t.indicator,
        "unit": t.unit,
        "target": format_points(t.target),
        "weight": format_points(t.weight),
        "department": t.department.code if t.department else "",
        "frequency": t.frequency,
        "source": t.source,
    }


def can_report(user, t: Target) -> bool:
    if access.is_office_of(user, t.zone):
        return True
    return user.has_role(Role.DEPARTMENT) and t.department_id == user.org_id


def report_figure(user, target_id, data: dict, upload=None, *, today: date) -> TargetReport:
    """A period's year-to-date figure, once per period (corrections.correct_report corrects it)."""
    t = get_target(user, target_id)
    if not can_report(user, t):
        raise Http404("指标不存在或无权填报")
    check = Collect()
    period = check(rules.period_of, data.get("period"), t.year, t.frequency, today)
    value = check(rules.parse_amount, data.get("value"), "value", "累计完成数", positive=False)
    note = check(text, data.get("note"), "note", "说明", limit=500)
    blob = check(evidence_store.store, upload) if upload is not None else None
    if period is not None and t.reports.filter(period=period.key).exists():
        check(_refuse, "period", f"{period.label}已填报；如需更正，请在填报记录中更正")
    check.done()
    try:
        with transaction.atomic():
            rep = TargetReport.objects.create(
                target=t,
                period=period.key,
                period_end=period.end,
                value=value,
                note=note,
                reported_by=user,
                reported_on=today,
                blob=blob,
                file_name=upload.name[:255] if blob is not None else "",
            )
            record(
                user,
                "target.report",
                t,
                after={"period": period.key, "value": str(value), "sm3": rep.blob_id or ""},
            )
    except IntegrityError:  # reported meanwhile
        raise RuleError("period", f"{period.label}已填报；如需更正，请在填报记录中更正") from None
    return rep


def _refuse(field: str, message: str):
    raise RuleError(field, message)


# ---------------------------------------------------------------- reads


def targets_for(user) -> QuerySet[Target]:
    return Target.objects.filter(access.scoped(user, "zone", ("department",)))


def get_target(user, target_id) -> Target:
    try:
        return targets_for(user).select_related("zone", "department").get(pk=int(target_id))
    except (Target.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("指标不存在或无权查看") from None


def with_latest(qs: QuerySet[Target]) -> QuerySet[Target]:
    """Each target with its latest report's value and period (one query in all)."""
    latest = TargetReport.objects.filter(target=OuterRef("pk")).order_by("-period_end")
    return qs.select_related("department").annotate(
        actual=Subquery(latest.values("value")[:1]),
        actual_period=Subquery(latest.values("period")[:1]),
        actual_end=Subquery(latest.values("period_end")[:1]),
    )


@dataclass(frozen=True)
class Row:
    target: Target
    actual: Decimal | None
    period: str
    rate: Decimal | None  # completion, not capped
    percent: int | None
    light: lights.Light
    report_due: bool  # a period has ended without a report for it


def row_of(t: Target, today: date, cal) -> Row:
    actual = t.actual
    rate = rules.completion(actual, t.target)
    percent = rules.as_percent(rate)
    start, end = date(t.year, 1, 1), date(t.year, 12, 31)
    light = lights.status_light(
        start=start,
        due=end,
        progress=min(percent or 0, 100),
        done=bool(rate is not None and rate >= 1),
        today=min(max(today, start), date(t.year + 1, 1, 1)),
        cal=cal,
    )
    owed = rules.due_periods(t.year, t.frequency, today)
    report_due = bool(owed) and (t.actual_end is None or t.actual_end < owed[-1].end)
    return Row(t, actual, t.actual_period or "", rate, percent, light, report_due)


@dataclass(frozen=True)
class Overview:
    rows: list[Row]
    weighted: Decimal | None
    proposal: rules.TargetProposal | None
    weight_total: Decimal


def overview(qs: QuerySet[Target], today: date, cal) -> Overview:
    rows = [row_of(t, today, cal) for t in with_latest(qs).order_by("pk")]
    pairs = [(r.target.weight, r.rate) for r in rows]
    weighted = rules.weighted_rate(pairs)
    return Overview(
        rows,
        weighted,
        rules.propose(ITEM_POINTS, weighted),
        sum((w for w, _ in pairs), Decimal(0)),
    )


def reports_of(t: Target) -> list[TargetReport]:
    return list(t.reports.select_related("reported_by").order_by("period_end"))


def report_file(user, report_id) -> tuple[str, object]:
    rep = (
        TargetReport.objects.filter(pk=int(report_id), target__in=targets_for(user))
        .select_related("blob", "target")
        .first()
    )
    if rep is None or rep.blob is None:
        raise Http404("文件不存在或无权查看")
    record(user, "target.report.download", rep.target, after={"sm3": rep.blob_id})
    return rep.file_name, evidence_store.open_blob(rep.blob)
