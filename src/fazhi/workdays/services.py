"""Writes to the holiday table: import from chinesecalendar, and the administrator's edits.

Every write is audited and changes the calendar's revision token in the same transaction,
so every process rebuilds its cached calendar on its next read (see selectors.get_calendar).
Once committed, `calendar_changed` is sent with the first year changed: what caches dates
counted on the calendar (the registers' deadlines) recomputes them, so a date shown as
暂定 for a missing year becomes exact as soon as the year is entered.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal

from fazhi.audit.services import record
from fazhi.core.errors import RuleError
from fazhi.core.workdays import parse_day
from fazhi.orgs.models import Role

from .models import CalendarRevision, CalendarYear, Holiday

MIN_YEAR, MAX_YEAR = 1990, 2100
KIND_LABELS = dict(Holiday.Kind.choices)
PACKAGE = "chinesecalendar"

# Sent after the commit of a change to the holiday table; `year`: the first year changed.
calendar_changed = Signal()


def _require_admin(actor) -> None:
    """The command line (actor None or a name) is trusted; a signed-in user must be a system admin."""
    if actor is None or isinstance(actor, str):
        return
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(Role.ADMIN)):
        raise PermissionDenied("只有系统管理员可以维护节假日安排")


def _bump(year: int) -> None:
    # The row is created by the migration; created here only if someone emptied the table.
    token = uuid.uuid4().hex
    if not CalendarRevision.objects.filter(pk=1).update(token=token, number=F("number") + 1):
        CalendarRevision.objects.create(pk=1, token=token, number=1)
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, year=year))


def _year_value(year) -> int:
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        raise RuleError("year", f"年度“{year}”不是有效的年份") from None
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise RuleError("year", f"年度须在 {MIN_YEAR}–{MAX_YEAR} 之间")
    return value


def _day_value(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_day(str(value))


# -- chinesecalendar ---------------------------------------------------------------------


def package_data() -> tuple[str, dict[int, dict[dt.date, tuple[str, str]]]]:
    """(version, {year: {date: (kind, Chinese name)}}) for every year the package covers.

    A year is covered when the package lists its holidays (every notice has 元旦). The
    package's `holidays` include the weekend days inside a holiday period; its `workdays`
    are the make-up workdays.
    """
    import chinese_calendar
    from chinese_calendar import constants

    names = {h.value: h.chinese for h in constants.Holiday}
    years: dict[int, dict[dt.date, tuple[str, str]]] = {}
    for d, name in constants.holidays.items():
        years.setdefault(d.year, {})[d] = (Holiday.Kind.REST, names.get(name, name))
    for d, name in constants.workdays.items():
        if d.year in years:
            years[d.year][d] = (Holiday.Kind.WORKDAY, names.get(name, name))
    return chinese_calendar.__version__, years


def source_notice_for(year: int, version: str) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知（{PACKAGE} {version}）"


@transaction.atomic
def import_years(years=None, actor=None) -> list[int]:
    """Add every year chinesecalendar covers that the table does not have yet (only those
    in `years` when given). Years already declared are left as they are. Idempotent:
    returns the years imported this time."""
    _require_admin(actor)
    version, data = package_data()
    wanted = sorted(data) if years is None else sorted({_year_value(y) for y in years})
    missing = [y for y in wanted if y not in data]
    if missing:
        covered = f"{min(data)}–{max(data)}" if data else "无"
        raise RuleError(
            "year", f"{PACKAGE} {version} 不含 {missing[0]} 年的节假日安排（它包含 {covered} 年）"
        )
    have = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    todo = [y for y in wanted if y not in have]
    for year in todo:
        cy = CalendarYear.objects.create(
            year=year,
            source_notice=source_notice_for(year, version),
            loaded_from=f"{PACKAGE} {version}",
        )
        days = [
            Holiday(date=d, kind=kind, name=name, year=cy)
            for d, (kind, name) in sorted(data[year].items())
        ]
        Holiday.objects.bulk_create(days)
        record(
            actor,
            "calendar.import",
            cy,
            after={
                "year": year,
                "source": cy.source_notice,
                "rest": sum(1 for h in days if h.kind == Holiday.Kind.REST),
                "workday": sum(1 for h in days if h.kind == Holiday.Kind.WORKDAY),
            },
        )
    if todo:
        _bump(min(todo))
    return todo


# -- administrator's edits ---------------------------------------------------------------


@transaction.atomic
def add_year(year, source_notice: str, actor) -> CalendarYear:
    """Declare a year covered (e.g. when the State Council publishes next year's notice);
    its rest days and make-up workdays are then entered with set_day."""
    _require_admin(actor)
    value = _year_value(year)
    source = (source_notice or "").strip()
    if not source:
        raise RuleError(
            "source_notice", "请填写依据的通知，例如“国务院办公厅关于2027年部分节假日安排的通知”"
        )
    if len(source) > 500:
        raise RuleError("source_notice", "依据的通知最长 500 字")
    if CalendarYear.objects.filter(year=value).exists():
        raise RuleError("year", f"{value} 年的节假日安排已录入")
    cy = CalendarYear.objects.create(year=value, source_notice=source, loaded_from="管理员录入")
    record(actor, "calendar.year.add", cy, after={"year": value, "source": source})
    _bump(value)
    return cy


def _snapshot(h: Holiday) -> dict:
    return {"date": h.date.isoformat(), "kind": h.kind, "name": h.name}


@transaction.atomic
def set_day(date, kind: str, name: str, actor) -> Holiday:
    """Make `date` (a date or YYYY-MM-DD) a rest day or a make-up workday, creating or changing its row."""
    _require_admin(actor)
    d = _day_value(date)
    if kind not in KIND_LABELS:
        raise RuleError(
            "kind", f"类型须为 rest（法定节假日）或 workday（调休上班日），而不是“{kind}”"
        )
    name = (name or "").strip()
    if len(name) > 50:
        raise RuleError("name", "节日名称最长 50 字")
    cy = CalendarYear.objects.filter(year=d.year).first()
    if cy is None:
        raise RuleError("date", f"{d.year} 年的节假日安排尚未录入，请先录入该年度及其依据的通知")
    if kind == Holiday.Kind.WORKDAY and d.weekday() < 5:
        raise RuleError("kind", f"{d.isoformat()} 是周一至周五，本来就是工作日，不能设为调休上班日")
    h = Holiday.objects.select_for_update().filter(date=d).first()
    before = _snapshot(h) if h else None
    if h is None:
        h = Holiday.objects.create(date=d, kind=kind, name=name, year=cy)
    else:
        h.kind, h.name, h.year = kind, name, cy
        h.save(update_fields=["kind", "name", "year", "updated_at"])
    record(actor, "calendar.day.set", h, before=before, after=_snapshot(h))
    _bump(d.year)
    return h


@transaction.atomic
def remove_day(date, actor) -> None:
    """Make `date` an ordinary day again (Monday–Friday working, weekend resting)."""
    _require_admin(actor)
    d = _day_value(date)
    h = Holiday.objects.select_for_update().filter(date=d).first()
    if h is None:
        raise RuleError("date", f"{d.isoformat()} 不是已录入的节假日或调休上班日")
    before = _snapshot(h)
    pk = h.pk
    h.delete()
    record(
        actor,
        "calendar.day.remove",
        None,
        before=before,
        object_type=Holiday._meta.label_lower,
        object_id=str(pk),
    )
    _bump(d.year)
