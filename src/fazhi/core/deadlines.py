"""Statutory deadlines of a case, computed from its events and a rule set (data, not code).

Pure Python, no Django (one exception, see `check_event`). The register code calls:

* `load_rules(text, path)` / `load_rules_file(path)` -> `(RuleSet | None, errors)`: a rule
  file (rules/disclosure.yaml, rules/complaint.yaml; an administrator can change them),
  validated; every problem is one line `PATH:LINE: message` (Chinese).
* `compute(rules, events, cal, today=None)` -> `CaseDeadlines`: pure; the state of every
  period of the case.
* `check_event(rules, events, new, today, cal)`: raises `RuleError(field, message)`
  for an event the rules do not allow (the register refuses it with the message).

Event kinds
-----------
A rule file that declares its `steps` (fazhi.core.steps) names its own event kinds and
labels. For one that does not, `EVENT_KINDS` maps every event kind a case may record to
its Chinese label; such files may only name these, and `check_event` refuses any other:

  received              收到申请/投诉（登记收到）  - the day of receipt; every other event is on or after it
  accepted              受理
  rejected              不予受理
  transferred           转送/转办
  correction_requested  告知补正        (依申请公开第三十条: once, within the correction period)
  corrected             收到补正        (restarts the reply period)
  consultation_started  征求意见        (第三方/其他机关; pauses the reply period)
  consultation_ended    征求意见结束    (resumes it)
  extended              延长期限        (`Event.period` names the period, `Event.days` the length)
  replied               答复
  reply_delivered       答复送达        (收到书面答复之日: the 复查 window counts from it)
  review_requested      申请复查
  review_replied        复查答复
  review_delivered      复查意见送达    (the 复核 window counts from it)
  recheck_requested     申请复核
  recheck_replied       复核答复
  consultation_delivered 第三方收到征求意见书 (its 15 working days count from it)
  withdrawn             撤回
  closed                办结/终止

Counting (what `compute` does, period by period, events in date order; events on the
same date keep the order given)
-------------------------------------------------------------------------------------
* A period starts at its `starts_on` event; the start day is not counted (working days:
  `WorkCalendar.add_workdays`; calendar days: `add_calendar_days(..., calendar=cal)`, i.e.
  a last day that is not a working day rolls forward to the next working day,
  期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期). A second
  `starts_on` event while it runs is ignored.
* A `restarts_on` event starts the full period again from its date, as a fresh period: the
  full length, no extension (and no extension used), and *not paused* - a pause running
  at that moment ends with the restart. (So 依申请公开 pauses the reply period on
  `correction_requested` and restarts it on `corrected`: while the applicant completes the
  request the clock stands, and the 20 working days count from the corrected request,
  第三十条.) Before the period has started, a restart starts it.
* Between a `pauses_on` event and the next `resumes_on` event the clock stops. The pause
  day itself is counted as elapsed and the resume day is not, so the days in
  (pause, resume] are not counted: a pause of N working days moves the due date by
  exactly N working days. A pause after the period's (nominal) last day has no effect -
  the period has run out and a consultation started then does not revive it. A second
  pause while paused is ignored, and so is a resume while not paused.
* A pause of a period with `pause_cap` (the code of another period, e.g. the third
  party's 15 working days) ends at the latest on that period's due date: when the third
  party does not answer in time the office decides alone (第三十二条), so the clock runs
  again from the day after it even if the resuming event is recorded later (or not yet,
  once `today` is past it).
* An `extended` event whose `period` is this period adds `days` (in the period's unit) to
  what is left, as given (`check_event` is where extensions are refused: `extension_max`
  caps their total, `extensions_allowed` their number, 0 = any number). Non-positive
  days are ignored.
* An `ends_on` event (after the start) marks the period met on its date; a met period is
  final, later events do not change it. Met while paused: `due_on` stays None.
* `overdue_days` (only with `today`, only for a `duty` period running and not met): 0
  while today <= due; else the working days (or calendar days) in (due, today], and at
  least 1 - being past the due date is overdue even on a rest day.
* A period with `duty: false` is a window for an optional act (补正告知期限,
  申请复查期限): when it passes unmet it has lapsed, it is not overdue - its
  `overdue_days` stays 0 and it is left out of `next_due` and `overdue`.
* `next_due` is the earliest due date of the running (started, not paused, not met) duty
  periods, `overdue` whether one of them is past due as of `today`.

A year the calendar does not cover is never guessed: `compute` counts it with weekends as
the only rest days (`WorkCalendar.tentative`), which gives the earliest date a period can
end, and marks each value that needed it (`due_note`, `overdue_note`: 暂定 and why). A
value that needs only covered years stays exact, whatever another period of the case does.
`check_event` refuses only what it can decide; it raises `CalendarGap` when the answer
depends on a missing year.

Speed: no day-by-day loops; each period costs one `WorkCalendar.add_workdays` (memoised
per calendar, receipt day and length, as many cases share them) and, for pauses and
overdue days, `workdays_between`, both O(log k). About 10 µs per disclosure case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from .errors import RuleError
from .steps import EXTENDED, State, Step, event_labels
from .workdays import CalendarGap, WorkCalendar, tentative_note

__all__ = [
    "DAYS",
    "EVENT_KINDS",
    "RECEIVED",
    "RULE_KINDS",
    "UNITS",
    "WORKDAYS",
    "CaseDeadlines",
    "Event",
    "Period",
    "PeriodState",
    "RuleSet",
    "check_event",
    "compute",
    "load_rules",
    "load_rules_file",
]

WORKDAYS, DAYS = "workdays", "days"
UNITS = {
    WORKDAYS: "个工作日",
    DAYS: "日",
}  # unit -> the Chinese after a number: "20 个工作日", "30 日"

RECEIVED = "received"

# The event kinds of a rule file that declares no `steps` (rule versions before 3, and
# period-only files), with their Chinese labels. A file that declares its steps uses
# those instead (RuleSet.steps; fazhi.core.steps), for its periods and for check_event.
EVENT_KINDS: dict[str, str] = {
    RECEIVED: "收到申请/投诉",
    "accepted": "受理",
    "rejected": "不予受理",
    "transferred": "转送",
    "correction_requested": "告知补正",
    "corrected": "收到补正",
    "consultation_started": "征求意见",
    "consultation_delivered": "第三方收到征求意见书",
    "consultation_ended": "征求意见结束",
    EXTENDED: "延长期限",
    "replied": "答复",
    "reply_delivered": "答复送达",
    "review_requested": "申请复查",
    "review_replied": "复查答复",
    "review_delivered": "复查意见送达",
    "recheck_requested": "申请复核",
    "recheck_replied": "复核答复",
    "withdrawn": "撤回",
    "closed": "办结",
    # 行政执法 (rules/enforcement.yaml): a clue is `received`
    "filed": "立案",
    "not_filed": "不予立案",
    "investigated": "调查终结",
    "notified": "告知",
    "hearing_requested": "申请听证",
    "hearing_noticed": "听证通知",
    "heard": "举行听证",
    "statement": "陈述、申辩",
    "legal_reviewed": "法制审核",
    "decided": "作出决定",
    "served": "送达",
    "executed": "执行完毕",
    "published": "公示",
    "revoked": "决定被撤销/变更",
    "publication_withdrawn": "撤回公示",
    "archived": "归档",
    # 行政复议 (rules/reconsideration.yaml)
    "copy_sent": "发送申请书副本",
    "respondent_answered": "被申请人答复",
    "suspended": "中止",
    "resumed": "恢复",
    "terminated": "终止",
    "performed": "履行",
    "opinion_issued": "制发行政复议意见书",
    "correction_reported": "报送纠正情况",
}

# Event kinds that may only be recorded within a period they end, and only once: a
# correction request (补正告知) within 7 working days of receipt, 一次性告知 (第三十条); a
# request for 复查 or 复核 within its window (refused as late only against that window).
# For a file without steps; a declared step says it with `timely: true`.
TIMELY_KINDS = frozenset(
    {"correction_requested", "review_requested", "recheck_requested", "hearing_requested"}
)

# Case kinds a rule file may describe: kind -> Chinese name.
RULE_KINDS: dict[str, str] = {
    "disclosure": "依申请公开",
    "complaint": "投诉举报",
    "enforcement": "行政执法",
    "reconsideration": "行政复议",
}


@dataclass(frozen=True)
class Period:
    """One statutory period of a case kind, e.g. 答复期限 20 working days from receipt."""

    code: str  # e.g. "reply", "accept", "handle", "review", "correction"
    name: str  # Chinese, e.g. "答复期限"
    length: int
    unit: str  # WORKDAYS or DAYS
    starts_on: str  # event kind that starts it, e.g. "received", "accepted", "replied"
    restarts_on: tuple[
        str, ...
    ] = ()  # event kinds that start it again from their date (e.g. "corrected")
    pauses_on: tuple[str, ...] = ()  # e.g. ("consultation_started",)
    resumes_on: tuple[str, ...] = ()  # e.g. ("consultation_ended",)
    ends_on: tuple[str, ...] = ()  # events that satisfy it, e.g. ("replied",)
    extension_max: int = 0  # same unit, all extensions together; 0 = no extension allowed
    extensions_allowed: int = 0  # how many extensions at most; 0 = any number within the total
    basis: str = ""  # legal basis, e.g. "《政府信息公开条例》第三十三条"
    duty: bool = True  # False: a window for an optional act (lapses, never overdue)
    pause_cap: str = ""  # code of the period whose due date ends a pause at the latest


@dataclass(frozen=True)
class RuleSet:
    kind: str  # "disclosure" | "complaint"
    title: str
    version: int
    periods: tuple[Period, ...]
    # The source of the roll-over of a calendar-day period ending on a rest day.
    roll_over_basis: str = ""
    # The case's states and steps (fazhi.core.steps), when the file declares them.
    states: tuple[State, ...] = ()
    steps: tuple[Step, ...] = ()
    # 行政执法 only: the 听证 thresholds and notice period (fazhi.core.hearing), as content
    hearing: dict | None = None


@dataclass(frozen=True)
class Event:
    kind: str  # received, accepted, correction_requested, corrected, consultation_started,
    # consultation_ended, extended, transferred, replied, review_requested, closed…
    on: date
    days: int = 0  # for "extended": the extension's length in the period's unit
    period: str = ""  # for "extended": which period


@dataclass(frozen=True)
class PeriodState:
    code: str
    name: str
    started_on: date | None  # the start of the current run (the restart date after a restart)
    due_on: date | None  # None while not started, or paused (then `paused` is True)
    paused: bool = False
    met_on: date | None = None  # the date an ending event satisfied it
    extended_by: int = 0
    overdue_days: int = 0  # as of the `today` given to compute(), in the period's unit
    due_note: str = ""  # why due_on is 暂定 (the earliest it can be); "" when exact
    overdue_note: str = ""  # why overdue_days is 暂定; "" when exact
    pause_capped_on: date | None = None  # the pause ended here by `pause_cap`


@dataclass(frozen=True)
class CaseDeadlines:
    periods: dict[str, PeriodState] = field(default_factory=dict)
    next_due: date | None = None  # the earliest due date of periods running and not met
    overdue: bool = False
    next_due_note: str = ""  # why next_due is 暂定; "" when exact


# --- computing ----------------------------------------------------------------------


class _Run:
    """The mutable state of one period while the events are replayed."""

    __slots__ = (
        "anchor",
        "capped_on",
        "extended_by",
        "extended_on",
        "gap",
        "left",
        "met_on",
        "paused",
        "started",
    )

    def __init__(self):
        self.started: date | None = None
        self.anchor: date | None = (
            None  # counting runs from here (start, restart or resume day, not counted)
        )
        self.left = 0  # units left from the anchor
        self.paused = False
        self.met_on: date | None = None
        self.extended_by = 0
        self.extended_on: list[date] = []  # extensions of the current run
        self.gap: int | None = None  # a year not covered that the counts so far needed
        self.capped_on: date | None = None


def _elapsed(p: Period, cal: WorkCalendar, a: date, b: date) -> int:
    """Units of the period in (a, b], a <= b."""
    if p.unit == WORKDAYS:
        return cal.workdays_between(a, b)
    return (b - a).days


def _due(p: Period, cal: WorkCalendar, anchor: date, left: int) -> tuple[date, int | None]:
    """The due date, and the first year not covered that counting it needed (or None)."""
    if left <= 0:
        # Nothing left (a pause on the last day): due on the resume day, or the next working day.
        base, n = anchor - _ONE_DAY, 1
    elif p.unit == WORKDAYS:
        base, n = anchor, left
    else:
        # Calendar days: a last day that is not a working day rolls forward (add_calendar_days's rule).
        base, n = anchor + timedelta(days=left - 1), 1
    due = _add_workdays(cal, base, n)
    return due, cal.first_gap(base, due)


_ONE_DAY = timedelta(days=1)


def period_end(length: int, unit: str, start: date, cal: WorkCalendar) -> date:
    """The last day of a period of `length` `unit` (WORKDAYS or DAYS) that starts on
    `start`, counted as `compute` counts every period (the start day not counted, a
    calendar-day period's last day rolled off rest days). May raise CalendarGap."""
    p = Period(code="", name="", length=length, unit=unit, starts_on="")
    due, gap = _due(p, cal, start, length)
    if gap is not None:
        raise CalendarGap(gap)
    return due


@lru_cache(maxsize=16_384)
def _add_workdays(cal: WorkCalendar, start: date, n: int) -> date:
    """`cal.add_workdays`, memoised: many cases share a receipt day. The key holds the
    calendar itself (frozen, hashed by its days), so a changed calendar never meets an
    old entry; a CalendarGap is raised again each time, never cached."""
    return cal.add_workdays(start, n)


def _cap(
    periods: Sequence[Period],
    runs: list[_Run],
    capping: list[tuple[int, int]],
    cal: WorkCalendar,
    before: date,
) -> None:
    """End the capped pauses whose cap day is before `before` (see `pause_cap`); `capping`
    pairs the index of each period with a cap with the index of its capping period."""
    for i, j in capping:
        r, c = runs[i], runs[j]  # the paused run and the capping (third party's) run
        if not r.paused or r.met_on is not None:
            continue
        if c.started is None or c.paused or c.started < r.anchor:
            continue  # not running, or from before this pause
        cap, gap = _due(periods[j], cal, c.anchor, c.left)
        if c.met_on is not None and c.met_on <= cap:
            continue  # answered in time: its own resuming event ends the pause
        if cap < before:
            r.anchor = r.capped_on = cap
            r.paused = False
            r.gap = r.gap or c.gap or gap


def _replay(
    rules: RuleSet, events: Sequence[Event], cal: WorkCalendar, today: date | None = None
) -> list[_Run]:
    """The state of every period (in `rules.periods` order) after the events, as of `today`
    (only a capped pause needs it)."""
    periods = rules.periods
    runs = [_Run() for _ in periods]
    index = {p.code: i for i, p in enumerate(periods)}
    capping = [(i, index[p.pause_cap]) for i, p in enumerate(periods) if p.pause_cap in index]
    for e in sorted(events, key=lambda ev: ev.on):  # stable: same-day events keep their order
        kind, on = e.kind, e.on
        if capping:
            _cap(periods, runs, capping, cal, on)
        for p, r in zip(periods, runs, strict=False):
            if r.met_on is not None:
                continue
            if kind == EXTENDED:
                if (
                    e.period == p.code
                    and r.started is not None
                    and isinstance(e.days, int)
                    and e.days > 0
                ):
                    r.left += e.days
                    r.extended_by += e.days
                    r.extended_on.append(on)
            elif (kind == p.starts_on and r.started is None) or kind in p.restarts_on:
                r.started = r.anchor = on
                r.left = p.length
                r.paused = False
                r.extended_by = 0
                r.extended_on = []
                r.gap = None
                r.capped_on = None
            elif r.started is None:
                continue
            elif kind in p.pauses_on:
                if not r.paused:
                    used = _elapsed(p, cal, r.anchor, on)
                    if used <= r.left:
                        if p.unit == WORKDAYS:
                            r.gap = r.gap or cal.first_gap(r.anchor, on)
                        r.left -= used
                        r.anchor = on
                        r.paused = True
            elif kind in p.resumes_on:
                if r.paused:
                    r.anchor = on
                    r.paused = False
            elif kind in p.ends_on:
                r.met_on = on
    if capping and today is not None:
        _cap(periods, runs, capping, cal, today)
    return runs


def compute(
    rules: RuleSet, events: Sequence[Event], cal: WorkCalendar, today: date | None = None
) -> CaseDeadlines:
    """The deadlines of a case from its events (any order; see the module docstring for
    the counting rules). Pure. Without `today` nothing is overdue. A value that needs a
    year the calendar does not cover is counted with weekends as the only rest days and
    carries its note (暂定), never refused and never guessed silently."""
    cal = cal.tentative()
    states: dict[str, PeriodState] = {}
    next_due: date | None = None
    next_note = ""
    overdue = False
    for p, r in zip(rules.periods, _replay(rules, events, cal, today), strict=False):
        due = None
        late = 0
        due_note = late_note = ""
        if r.started is not None and not r.paused:
            due, gap = _due(p, cal, r.anchor, r.left)
            gap = r.gap or gap
            due_note = tentative_note(gap) if gap is not None else ""
            if r.met_on is None and p.duty:
                if next_due is None or due < next_due:
                    next_due, next_note = due, due_note
                if today is not None and today > due:
                    overdue = True
                    late = max(1, _elapsed(p, cal, due, today))
                    if p.unit == WORKDAYS and gap is None:
                        gap = cal.first_gap(due, today)
                    late_note = tentative_note(gap) if gap is not None else ""
        states[p.code] = PeriodState(
            code=p.code,
            name=p.name,
            started_on=r.started,
            due_on=due,
            paused=r.paused and r.met_on is None,
            met_on=r.met_on,
            extended_by=r.extended_by,
            overdue_days=late,
            due_note=due_note,
            overdue_note=late_note,
            pause_capped_on=r.capped_on,
        )
    return CaseDeadlines(
        periods=states, next_due=next_due, overdue=overdue, next_due_note=next_note
    )


# --- refusing events ----------------------------------------------------------------


def _amount(n: int, unit: str) -> str:
    return f"{n} {UNITS.get(unit, unit)}"


def check_event(
    rules: RuleSet, events: Sequence[Event], new: Event, today: date, cal: WorkCalendar
) -> None:
    """Raise `RuleError(field, message)` when the rules do not allow recording `new` on a
    case that has `events`; return None when they do. `field` is the Event field at fault
    ("kind", "on", "period", "days"), the message Chinese, for the user.

    Refused: an unknown kind; an event dated after `today`; any event before the case's
    receipt (or before any receipt is recorded); an extension of a period that allows
    none, beyond `extensions_allowed`, longer than `extension_max`, of a period not
    running, or decided after the period's due date; a correction request
    (`TIMELY_KINDS`) after the due date of the period it ends, or a second one.
    State-machine order (e.g. a reply before acceptance) is the register's business.

    The due dates need the working-day calendar `cal`. May raise `CalendarGap`.
    """
    label = (event_labels(rules.steps) if rules.steps else EVENT_KINDS).get(new.kind)
    if label is None:
        raise RuleError("kind", f"未知的事件类型“{new.kind}”")
    if not isinstance(new.on, date):
        raise RuleError("on", f"{label}日期格式不正确")
    on = new.on
    if on > today:
        raise RuleError(
            "on",
            f"{label}日期 {on.isoformat()} 晚于今天（{today.isoformat()}），不能登记尚未发生的事件",
        )
    received = [e.on for e in events if e.kind == RECEIVED]
    if new.kind == RECEIVED:
        others = [e.on for e in events if e.kind != RECEIVED]
        if others and not received and min(others) < on:
            raise RuleError(
                "on", f"收到日期 {on.isoformat()} 晚于已登记的事件（{min(others).isoformat()}）"
            )
    else:
        if not received:
            raise RuleError("on", f"案件尚未登记收到日期，不能登记{label}")
        first = min(received)
        if on < first:
            raise RuleError("on", f"{label}日期 {on.isoformat()} 早于收到日期 {first.isoformat()}")

    if new.kind == EXTENDED:
        _check_extension(rules, events, new, cal)
    elif new.kind in _timely(rules):
        _check_timely(rules, events, new, label, cal)


def _timely(rules: RuleSet) -> frozenset[str]:
    if rules.steps:
        return frozenset(s.code for s in rules.steps if s.timely)
    return TIMELY_KINDS


def _state_before(
    rules: RuleSet, events: Sequence[Event], new: Event, cal: WorkCalendar
) -> list[_Run]:
    """The periods as they stand when `new` happens: the events up to its date (same-day
    events before it, as it is recorded after them)."""
    return _replay(rules, [e for e in events if e.on <= new.on], cal, new.on)


def _past_due(p: Period, cal: WorkCalendar, run: _Run, on: date) -> date | None:
    """The due date of a running period when `on` is after it, else None. A due date that
    needs a missing year is the earliest it can be: only when `on` is before it is the
    answer sure, otherwise the missing year is asked for (CalendarGap)."""
    due, gap = _due(p, cal, run.anchor, run.left)
    gap = run.gap or gap
    if on <= due:
        return None
    if gap is not None:
        raise CalendarGap(gap)
    return due


def _check_extension(
    rules: RuleSet, events: Sequence[Event], new: Event, cal: WorkCalendar
) -> None:
    choices = "、".join(f"{p.name}（{p.code}）" for p in rules.periods)
    if not new.period:
        raise RuleError("period", f"请指明延长哪一个期限（可选：{choices}）")
    index = next((i for i, p in enumerate(rules.periods) if p.code == new.period), None)
    if index is None:
        raise RuleError("period", f"本类案件没有“{new.period}”期限（可选：{choices}）")
    p = rules.periods[index]
    if p.extension_max <= 0:
        raise RuleError("period", f"{p.name}依规定不得延长")
    if isinstance(new.days, bool) or not isinstance(new.days, int) or new.days <= 0:
        raise RuleError("days", "延长天数须为正整数")
    if new.days > p.extension_max:
        raise RuleError(
            "days",
            f"{p.name}最多延长 {_amount(p.extension_max, p.unit)}，不能延长 {_amount(new.days, p.unit)}",
        )
    cal = cal.tentative()
    run = _state_before(rules, events, new, cal)[index]
    if run.started is None:
        raise RuleError("period", f"{p.name}尚未开始计算，不能延长")
    if run.met_on is not None:
        raise RuleError("period", f"{p.name}已于 {run.met_on.isoformat()} 结束，不能再延长")
    done = "、".join(d.isoformat() for d in run.extended_on)
    if p.extensions_allowed and len(run.extended_on) >= p.extensions_allowed:
        raise RuleError("period", f"{p.name}只能延长 {p.extensions_allowed} 次，已于 {done} 延长过")
    left = p.extension_max - run.extended_by
    if new.days > left:
        # 第三十三条 caps the extensions' total length, not their number.
        raise RuleError(
            "days",
            f"{p.name}延长的期限合计不得超过 {_amount(p.extension_max, p.unit)}：已于 {done} "
            f"延长 {_amount(run.extended_by, p.unit)}，"
            + (f"最多还可延长 {_amount(left, p.unit)}" if left > 0 else "不能再延长"),
        )
    if not run.paused:
        due = _past_due(p, cal, run, new.on)
        if due is not None:
            raise RuleError(
                "on",
                f"延长须在{p.name}届满前决定：期限已于 {due.isoformat()} 届满，{new.on.isoformat()} 不能再延长",
            )


def _check_timely(
    rules: RuleSet, events: Sequence[Event], new: Event, label: str, cal: WorkCalendar
) -> None:
    indexes = [i for i, p in enumerate(rules.periods) if new.kind in p.ends_on]
    if not indexes:
        return
    cal = cal.tentative()
    runs = _state_before(rules, events, new, cal)
    for i in indexes:
        p, run = rules.periods[i], runs[i]
        if run.started is None:
            continue
        if run.met_on is not None:
            raise RuleError(
                "kind",
                f"已于 {run.met_on.isoformat()} {label}，{label}应当一次性作出，不能再次{label}",
            )
        if run.paused:
            continue
        due = _past_due(p, cal, run, new.on)
        if due is not None:
            raise RuleError(
                "on",
                f"{label}须在{p.name}（{_amount(p.length, p.unit)}，至 {due.isoformat()}）内作出，"
                f"{new.on.isoformat()} 已超过期限",
            )


# The rule-file loader lives beside this module; imported last, as it needs the types above.
from .deadline_rules import load_rules, load_rules_file  # noqa: E402
