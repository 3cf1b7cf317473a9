"""The complaint and disclosure registers' yearly figures (on time, overdue, days to reply),
and the registers as evidence sources of the self-assessment: item 8 (依申请公开) and items 11,
12 (投诉举报)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import partial

from django.db.models import Case as Choose
from django.db.models import Count, F, Q, When

from fazhi.assessments.sources import Source
from fazhi.core.errors import RuleError
from fazhi.core.summary import Figure, Summary
from fazhi.core.workdays import WorkCalendar
from fazhi.orgs.models import Org
from fazhi.workdays.selectors import get_calendar

from . import catalog, states
from .clock import CACHE_COLUMNS, cache_values, to_event
from .models import Case, CaseEvent

_FIGURE_COLUMNS = (
    "id",
    "kind",
    "tracking_no",
    "received_on",
    "channel",
    "state",
    "rules_id",
    "replied_on",
    *CACHE_COLUMNS,
)


# What the figures read of a case; without the records they read groups of cases alike in these.
_FIGURE_GROUP = (
    "kind",
    "channel",
    "state",
    "received_on",
    "replied_on",
    "reply_due",
    "replied_late",
    "overdue",
)


def _figure_cases(zone: Org, year: int, cal: WorkCalendar, today: date, kinds, records: bool):
    """The year's cases as (figure columns, how many cases alike) with their deadlines as of
    `today`: one per case with its number when `records`, else grouped by _FIGURE_GROUP.

    Deadlines are the cached columns (clock.cache_values, written by every step and by the
    daily refresh); a case whose cache is of another day and that is still open (its lateness
    moves with the day), or that was never computed, is computed afresh from its events the
    same way, here, without writing. Two queries, whatever the register holds: the cases once
    (stale ones marked by their id, so that grouping keeps them apart), then their events."""
    stale_q = Q(deadlines_as_of=None) | (
        Q(state__in=states.OPEN_STATES) & ~Q(deadlines_as_of=today)
    )
    of_year = Case.objects.filter(zone=zone, received_on__year=year, kind__in=kinds).annotate(
        stale_id=Choose(When(stale_q, then=F("id")), default=None)
    )
    if records:
        columns = (*_FIGURE_COLUMNS, "stale_id")
        found = of_year.order_by("id").values_list(*columns)
        cases = [(dict(zip(columns, row, strict=True)), 1) for row in found]
    else:
        columns = (*_FIGURE_GROUP, "stale_id", "rules_id")
        found = of_year.order_by().values_list(*columns).annotate(n=Count("id"))
        cases = [(dict(zip(columns, row[:-1], strict=True)), row[-1]) for row in found]
    stale = {c["stale_id"]: c for c, _ in cases if c["stale_id"] is not None}
    events: dict[int, list[CaseEvent]] = {}
    # with no stale case the list holds id 0, which no case has: the query count stays fixed
    for e in CaseEvent.objects.filter(case_id__in=list(stale) or [0]).order_by("on", "id"):
        events.setdefault(e.case_id, []).append(e)
    for case_id, c in stale.items():
        rows = events.get(case_id, [])
        c.update(cache_values(c["rules_id"], [to_event(r) for r in rows], cal, today))
    return cases


def register_figures(
    zone: Org,
    year: int,
    cal: WorkCalendar,
    today: date,
    kinds: tuple[str, ...] = (states.DISCLOSURE, states.COMPLAINT),
    *,
    records: bool = True,
) -> dict:
    """For complaints and disclosure requests of a zone received in `year`, as of `today`:

    received, received by channel, replied, replied on time, on-time rate (replied on time /
    replied; None when nothing was replied), overdue (replied late, plus unanswered and past
    due as of today), average calendar and working days from receipt to reply, still open,
    and for complaints the number not accepted (不予受理), for disclosure requests the number
    treated as abandoned. Deadlines are those of core.deadlines.compute over each case's
    events (see _figure_cases). `rows` lists each case (number, receipt, channel, state, due
    date, reply, on time) for the evidence file; without `records` it is empty and the figures
    are counted from groups of cases alike (the scoring page: far fewer rows to read).
    """
    out = {"zone": zone.code, "zone_name": zone.name, "year": year, "as_of": today}
    cases = _figure_cases(zone, year, cal, today, kinds, records)
    ended = {
        (case_kind, event_kind): n
        for case_kind, event_kind, n in CaseEvent.objects.filter(
            case__zone=zone,
            case__received_on__year=year,
            case__kind__in=kinds,
            kind__in=("abandoned", "rejected"),
        )
        .order_by()
        .values_list("case__kind", "kind")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("case__kind", "kind", "n")
    }
    # the catalogue is read once here: each access looks the rule files up again
    open_states, state_labels = states.OPEN_STATES, states.STATES
    spans: dict[tuple[date, date], int | None] = {}
    for kind in kinds:
        channels = catalog.CHANNELS[kind]
        mine = [(c, n) for c, n in cases if c["kind"] == kind]
        by_channel = Counter()
        received = replied = on_time = late = open_overdue = unknown = still_open = 0
        days = workdays = days_n = workdays_n = 0
        rows = []
        for c, n in mine:
            received += n
            by_channel[c["channel"]] += n
            still_open += n if c["state"] in open_states else 0
            reply_on, due = c["replied_on"], c["reply_due"]
            timely = None
            if reply_on is not None:
                replied += n
                days += (reply_on - c["received_on"]).days * n
                days_n += n
                span = (c["received_on"], reply_on)
                if span not in spans:  # many cases share their dates: count each span once
                    try:
                        spans[span] = cal.workdays_between(*span)
                    except RuleError:
                        spans[span] = None
                if spans[span] is not None:
                    workdays += spans[span] * n
                    workdays_n += n
                if due is None:
                    unknown += n
                elif c["replied_late"]:
                    late += n
                    timely = False
                elif reply_on > due:
                    unknown += n  # after the earliest date it could end: not surely late
                else:
                    on_time += n
                    timely = True
            elif c["state"] in open_states and c["overdue"]:
                open_overdue += n
                timely = False
            if records:
                rows.append(
                    (
                        c["tracking_no"],
                        c["received_on"],
                        channels.get(c["channel"], c["channel"]),
                        state_labels.get(c["state"], c["state"]),
                        due,
                        reply_on,
                        timely,
                    )
                )
        ending = "abandoned" if kind == states.DISCLOSURE else "rejected"
        out[kind] = {
            "received": received,
            "by_channel": {ch: by_channel.get(ch, 0) for ch in channels},
            "replied": replied,
            "replied_on_time": on_time,
            "replied_late": late,
            "on_time_rate": round(on_time / replied, 4) if replied else None,
            "overdue": late + open_overdue,
            "open_overdue": open_overdue,
            "open": still_open,
            "average_days_to_reply": round(days / days_n, 1) if days_n else None,
            "average_workdays_to_reply": round(workdays / workdays_n, 1) if workdays_n else None,
            "deadline_unknown": unknown,
            "rows": rows,
            ending: ended.get((kind, ending), 0),
        }
    return out


FIGURES = (
    ("received", "收到件数", ""),
    ("replied", "已答复件数", ""),
    ("replied_on_time", "按期答复件数", ""),
    ("on_time_rate", "按期答复率", "%"),
    ("overdue", "逾期件数（逾期答复及逾期未答复）", ""),
    ("open", "尚在办理件数", ""),
    ("average_days_to_reply", "平均答复用时（自然日）", ""),
    ("average_workdays_to_reply", "平均答复用时（工作日）", ""),
)
HEADERS = ("受理编号", "收到日期", "收到渠道", "状态", "答复期限", "答复日期", "按期答复")
NOTE = "期限按《政府信息公开条例》及投诉举报办理规则由系统依办理记录计算"


def _summary(kind: str, zone, year: int, as_of: date, records: bool = True) -> Summary:
    f = register_figures(zone, year, get_calendar(), as_of, kinds=(kind,), records=records)[kind]
    return Summary(
        title=states.KINDS[kind],
        figures=tuple(Figure(label, f[key], unit) for key, label, unit in FIGURES),
        headers=HEADERS,
        rows=tuple(f["rows"]),
        note=NOTE,
    )


def summarise_disclosure(zone, year: int, as_of: date) -> Summary:
    return _summary(states.DISCLOSURE, zone, year, as_of)


def summarise_complaints(zone, year: int, as_of: date) -> Summary:
    return _summary(states.COMPLAINT, zone, year, as_of)


SOURCES = (
    Source(
        "disclosure",
        "依申请公开",
        frozenset({"8"}),
        summarise_disclosure,
        figures=partial(_summary, states.DISCLOSURE, records=False),
    ),
    Source(
        "complaints",
        "投诉举报",
        frozenset({"11", "12"}),
        summarise_complaints,
        figures=partial(_summary, states.COMPLAINT, records=False),
    ),
)
