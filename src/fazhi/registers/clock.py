"""A case's deadlines: core.deadlines.compute over the case's events and its rule set version.
Nothing here stores a date by hand; `cache_fields` gives the cached columns of Case."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from fazhi.core import deadlines as dl
from fazhi.core.errors import RuleError
from fazhi.core.workdays import WorkCalendar

from . import states
from .models import Case, CaseEvent
from .rules import ruleset_of

ANSWER_EVENT = "replied"


def today() -> date:
    """The register's today: settings.FAZHI_TODAY (YYYY-MM-DD) when set, for replaying a
    past day or a training copy of the data; else the local date."""
    fixed = getattr(settings, "FAZHI_TODAY", None)
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return timezone.localdate()


def to_event(row: CaseEvent) -> dl.Event:
    return dl.Event(kind=row.kind, on=row.on, days=row.days or 0, period=row.period or "")


def events_of(case: Case, rows: list[CaseEvent] | None = None) -> list[dl.Event]:
    """The case's events in order (date, then the order they were recorded)."""
    if rows is None:
        rows = list(CaseEvent.objects.filter(case=case).order_by("on", "id"))
    return [to_event(r) for r in sorted(rows, key=lambda r: (r.on, r.pk or 0))]


def deadlines_of(
    case: Case, cal: WorkCalendar, today: date, rows: list[CaseEvent] | None = None
) -> dl.CaseDeadlines:
    """Raises RuleError (CalendarGap) when a period runs into a year the calendar lacks."""
    return dl.compute(ruleset_of(case.rules_id), events_of(case, rows), cal, today)


def answer_period(ruleset: dl.RuleSet) -> dl.Period | None:
    """The period the reply ends (答复期限 / 办理期限)."""
    for p in ruleset.periods:
        if ANSWER_EVENT in p.ends_on:
            return p
    return None


def extendable_period(ruleset: dl.RuleSet, deadlines: dl.CaseDeadlines) -> dl.Period | None:
    """The running period that allows an extension (the one an `extended` event lengthens)."""
    running = [
        p
        for p in ruleset.periods
        if p.extension_max > 0
        and (st := deadlines.periods.get(p.code))
        and st.started_on
        and st.met_on is None
    ]
    if running:
        return running[0]
    allowing = [p for p in ruleset.periods if p.extension_max > 0]
    return allowing[0] if allowing else None


def cache_fields(
    case: Case, cal: WorkCalendar, today: date, rows: list[CaseEvent] | None = None
) -> dict:
    """The cached deadline columns of a case as of `today`. A date that needs a year whose
    holiday notice is missing is its earliest possible value, with the reason (暂定)."""
    return cache_values(case.rules_id, events_of(case, rows), cal, today)


def cache_values(rules_id: int, events: list[dl.Event], cal: WorkCalendar, today: date) -> dict:
    """cache_fields from plain data (the rule set version's id and the events in order)."""
    ruleset = ruleset_of(rules_id)
    try:
        result = dl.compute(ruleset, events, cal, today)
    except RuleError as exc:
        return {
            "next_due": None,
            "reply_due": None,
            "overdue": False,
            "replied_late": False,
            "deadlines_as_of": today,
            "deadline_error": exc.message[:200],
            "deadline_note": "",
        }
    period = answer_period(ruleset)
    state = result.periods.get(period.code) if period else None
    late = bool(
        state
        and state.met_on
        and state.due_on
        and state.met_on > state.due_on
        and not state.due_note  # a reply after an earliest-possible date is not surely late
    )
    return {
        "next_due": result.next_due,
        "reply_due": state.due_on if state else None,
        "overdue": bool(result.overdue),
        "replied_late": late,
        "deadlines_as_of": today,
        "deadline_error": "",
        "deadline_note": (result.next_due_note or (state.due_note if state else ""))[:200],
    }


CACHE_COLUMNS = (
    "next_due",
    "reply_due",
    "overdue",
    "replied_late",
    "deadlines_as_of",
    "deadline_error",
    "deadline_note",
)


def period_notes(case: Case, deadlines: dl.CaseDeadlines, today: date) -> dict[str, str]:
    """For windows (duty: false, e.g. 补正告知期限) not used: why they no longer run. A window
    whose act the case's state no longer allows is over (a request answered cannot be sent
    for correction), and one past its last day has lapsed; neither is 进行中 nor overdue."""
    ruleset = ruleset_of(case.rules_id)
    possible = set(states.allowed_events(case.kind, case.state, ruleset))
    notes = {}
    for rule in ruleset.periods:
        p = deadlines.periods.get(rule.code)
        if rule.duty or p is None or p.met_on is not None or p.started_on is None:
            continue
        if not possible & set(rule.ends_on):
            notes[rule.code] = (
                f"未使用，已不再适用（案件{states.state_label(case.state, ruleset)}）"
            )
        elif p.due_on is not None and today > p.due_on:
            notes[rule.code] = "未使用，期限已届满"
    return notes
