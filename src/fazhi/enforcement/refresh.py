"""Recomputing the cached deadlines of every enforcement case and reconsideration (from
`fazhi tick`, and for the bench), and the periodic reminders: cases due within three working
days, certificates expiring or expired."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core.errors import RuleError
from fazhi.core.workdays import CalendarGap
from fazhi.registers import rules as rule_sets
from fazhi.workdays.selectors import get_calendar
from fazhi.workplan.supervision import department_staff, notify, zone_office

from .models import CaseStep, EnforcementCase
from .officers import remind_certificates

COLUMNS = ("next_due", "overdue", "filed_late", "decided_late", "deadline_note")
DUE_WORKDAYS = 3


@dataclass
class RefreshResult:
    cases: int = 0
    changed: int = 0
    overdue: int = 0
    seconds: float = 0.0


def _values(ruleset, events, cal, today) -> tuple:
    try:
        result = dl.compute(ruleset, events, cal, today)
    except RuleError as exc:
        return (None, False, False, False, exc.message[:200])

    def late(code):
        p = result.periods.get(code)
        return bool(p and p.met_on and p.due_on and p.met_on > p.due_on and not p.due_note)

    return (
        result.next_due,
        bool(result.overdue),
        late("file"),
        late("decide"),
        result.next_due_note[:200],
    )


def _write(rows: list[tuple]) -> None:
    q = connection.ops.quote_name
    fields = [EnforcementCase._meta.get_field(n) for n in COLUMNS]
    sql = (
        f"UPDATE {q(EnforcementCase._meta.db_table)} SET "
        + ", ".join(f"{q(f.column)} = %s" for f in fields)
        + f" WHERE {q('id')} = %s"
    )
    params = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def _day(v) -> date:
    return v if isinstance(v, date) else date.fromisoformat(v)


def _steps(first: int, last: int):
    """(case_id, kind, on, days, period) of the cases in [first, last], in order: raw SQL,
    as the ORM's per-value converters cost more than the counting itself."""
    q = connection.ops.quote_name
    t = q(CaseStep._meta.db_table)
    sql = (
        f"SELECT {q('case_id')}, {q('kind')}, {q('on')}, {q('days')}, {q('period')} FROM {t} "
        f"WHERE {q('case_id')} BETWEEN %s AND %s ORDER BY {q('case_id')}, {q('on')}, {q('id')}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [first, last])
        while rows := cur.fetchmany(20_000):
            yield from rows


def refresh_overdue(today: date) -> int:
    """The daily part: of the cached values only `overdue` depends on the day (the due dates
    follow from the events, the rules and the calendar alone), and it is `next_due < today`.
    Two UPDATEs whatever the number of cases; returns the rows changed."""
    late = EnforcementCase.objects.filter(next_due__lt=today, overdue=False).update(overdue=True)
    back = (
        EnforcementCase.objects.filter(overdue=True)
        .exclude(next_due__lt=today)
        .update(overdue=False)
    )
    return late + back


def refresh(today: date, batch: int = 5000) -> RefreshResult:
    """Recompute every case's cached deadlines from its events as of `today` (after a change
    of the calendar or the rules, and to check the cache); write only the rows that changed.
    Two reads per batch (the cases, their steps), one executemany."""
    started = time.perf_counter()
    out = RefreshResult()
    cal = get_calendar().tentative()
    rulesets: dict[int, dl.RuleSet] = {}
    last = 0
    while True:
        cases = list(
            EnforcementCase.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "rules_id", *COLUMNS)[:batch]
        )
        if not cases:
            break
        last = cases[-1][0]
        events = {
            pk: [dl.Event(k, _day(on), d or 0, p or "") for _, k, on, d, p in rows]
            for pk, rows in groupby(_steps(cases[0][0], last), key=lambda r: r[0])
        }
        changed = []
        for pk, rules_id, *cached in cases:
            ruleset = rulesets.get(rules_id)
            if ruleset is None:
                ruleset = rulesets[rules_id] = rule_sets.ruleset_of(rules_id)
            values = _values(ruleset, events.get(pk, []), cal, today)
            out.cases += 1
            out.overdue += values[1]
            if tuple(cached) != values:
                changed.append((pk, values))
        if changed:
            with transaction.atomic():
                _write(changed)
            out.changed += len(changed)
    out.seconds = time.perf_counter() - started
    return out


def refresh_after_calendar_change(sender=None, **kwargs) -> None:
    """The holiday table changed: every due date may move (a full recompute)."""
    from fazhi.registers import clock

    refresh(clock.today())
    refresh_reconsiderations(clock.today())


def remind_due(today: date) -> int:
    """Open cases due within DUE_WORKDAYS working days, or overdue: their department and the
    zone's office, once per due date."""
    cal = get_calendar()
    try:
        horizon = cal.add_workdays(today, DUE_WORKDAYS)
    except CalendarGap:
        horizon = today + timedelta(days=DUE_WORKDAYS)
    sent = 0
    cases = EnforcementCase.objects.filter(
        state__in=enf.OPEN_STATES, next_due__isnull=False, next_due__lte=horizon
    ).select_related("department", "department__parent")
    for case in cases:
        late = case.next_due < today
        text = f"执法案件 {case.number}（{case.subject[:40]}）" + (
            f"已于 {case.next_due} 逾期，请尽快办理"
            if late
            else f"将于 {case.next_due} 到期，请及时办理"
        )
        sent += len(
            notify(
                department_staff(case.department) + zone_office(case.department),
                f"enforcement-due:{case.pk}:{case.next_due.isoformat()}",
                text,
                url=reverse("enforcement:case", args=[case.pk]),
            )
        )
    return sent


def refresh_reconsiderations(today: date) -> int:
    """Recompute the open reconsiderations (few per zone): returns how many changed."""
    from fazhi.core import reconsideration as rc

    from .models import Reconsideration
    from .reconsiderations import cache_values

    changed = 0
    tracked = Q(state__in=rc.OPEN_STATES) | Q(
        opinion_issued_on__isnull=False, opinion_reported_on__isnull=True
    )  # a closed case whose 行政复议意见书 still awaits the correction report
    for case in Reconsideration.objects.filter(tracked).prefetch_related("steps"):
        values = cache_values(case, list(case.steps.all()), today)
        if any(getattr(case, k) != v for k, v in values.items()):
            Reconsideration.objects.filter(pk=case.pk).update(**values)
            changed += 1
    return changed


def remind_reconsiderations(today: date) -> int:
    """The zone's office (the reconsideration body), once per due date: a 行政复议意见书 whose
    correction report is due within DUE_WORKDAYS working days or overdue (第七十六条), and a
    decision not performed by its date (履行监督, 第七十七条: 责令限期履行)."""
    from fazhi.core import reconsideration as rc

    from .models import Reconsideration

    cal = get_calendar()
    try:
        horizon = cal.add_workdays(today, DUE_WORKDAYS)
    except CalendarGap:
        horizon = today + timedelta(days=DUE_WORKDAYS)
    sent = 0
    due = Reconsideration.objects.filter(
        Q(opinion_due__lte=horizon, opinion_reported_on__isnull=True)
        | Q(state=rc.DECIDED, perform_due__lt=today, performed_on__isnull=True)
    ).select_related("zone")
    for case in due:
        url = reverse("reconsideration:case", args=[case.pk])
        office = zone_office(case.zone)
        if case.opinion_due and not case.opinion_reported_on and case.opinion_due <= horizon:
            late = case.opinion_due < today
            text = f"行政复议 {case.number} 的行政复议意见书：{case.respondent}" + (
                f"应于 {case.opinion_due} 前报送纠正情况，已逾期"
                if late
                else f"应于 {case.opinion_due} 前报送纠正情况"
            )
            key = f"recon-opinion:{case.pk}:{case.opinion_due.isoformat()}"
            sent += len(notify(office, key, text, url=url))
        if case.state == rc.DECIDED and case.perform_due and case.perform_due < today:
            text = (
                f"行政复议 {case.number} 的复议决定：{case.respondent}的履行期限 {case.perform_due} "
                "已届满，尚未登记履行，请督促或责令限期履行（行政复议法第七十七条）"
            )
            key = f"recon-perform:{case.pk}:{case.perform_due.isoformat()}"
            sent += len(notify(office, key, text, url=url))
    return sent


def tick_enforcement(today: date, cal=None) -> int:
    """What `fazhi tick` does for enforcement (registered in the app's ready()): refresh the
    overdue flags, then remind. Returns the reminders sent."""
    with transaction.atomic():
        refresh_overdue(today)
        refresh_reconsiderations(today)
        return remind_due(today) + remind_reconsiderations(today) + remind_certificates(today)
