"""The registers' yearly figures (beside items 8, 11 and 12, in the evidence file and the API)
are read from each case's cached deadlines, and they equal what computing every case's
deadlines from its events gives: with the cache of the day, a day later (open cases move), and
with caches that were never written or went wrong; with and without the records."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import province

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Org
from fazhi.registers import states
from fazhi.registers.clock import answer_period, deadlines_of
from fazhi.registers.figures import register_figures
from fazhi.registers.models import Case, CaseEvent
from fazhi.registers.rules import ruleset_of
from fazhi.workdays.selectors import get_calendar

pytestmark = pytest.mark.django_db
BUILT = date(2026, 6, 30)


def oracle(zone, year, cal, today, kind) -> dict:
    """Every case's deadlines computed from its events (what the figures once did per case)."""
    out = dict.fromkeys(("replied", "on_time", "late", "unknown", "open_overdue"), 0)
    timely_of = {}
    for c in Case.objects.filter(zone=zone, received_on__year=year, kind=kind):
        events = list(CaseEvent.objects.filter(case=c).order_by("on", "id"))
        reply = next((e for e in events if e.kind == "replied"), None)
        try:
            d = deadlines_of(c, cal, today, events)
            period = answer_period(ruleset_of(c.rules_id))
            st = d.periods.get(period.code) if period else None
        except RuleError:
            d, st = None, None
        timely = None
        if reply is not None:
            out["replied"] += 1
            if st is None or st.due_on is None or (reply.on > st.due_on and st.due_note):
                out["unknown"] += 1
            elif reply.on > st.due_on:
                out["late"] += 1
                timely = False
            else:
                out["on_time"] += 1
                timely = True
        elif c.state in states.OPEN_STATES and d is not None and d.overdue:
            out["open_overdue"] += 1
            timely = False
        timely_of[c.tracking_no] = (st.due_on if st else None, timely)
    return {**out, "rows": timely_of}


def figures(zone, year, cal, today, kind) -> dict:
    f = register_figures(zone, year, cal, today, kinds=(kind,))[kind]
    return {
        "replied": f["replied"],
        "on_time": f["replied_on_time"],
        "late": f["replied_late"],
        "unknown": f["deadline_unknown"],
        "open_overdue": f["open_overdue"],
        "rows": {r[0]: (r[4], r[6]) for r in f["rows"]},
    }


@pytest.fixture
def built(settings, tmp_path):
    settings.FAZHI_TODAY = BUILT
    settings.FAZHI_AUDIT_CHECKPOINT = str(tmp_path / "checkpoint.json")
    province.generate(zones=1, cities=1, cases=400, audit=10, seed=11, today=BUILT)
    return Org.objects.get(code="z000"), get_calendar()


@pytest.mark.parametrize("kind", [states.DISCLOSURE, states.COMPLAINT])
@pytest.mark.parametrize("as_of", [BUILT, date(2026, 9, 30)])
def test_figures_from_the_cache_equal_computing_every_case(built, kind, as_of):
    zone, cal = built
    for year in (2025, 2026):
        expected = oracle(zone, year, cal, as_of, kind)
        assert expected["replied"] and expected["rows"]
        assert figures(zone, year, cal, as_of, kind) == expected
    if as_of != BUILT:  # a later day: some open case became overdue since the cache was written
        assert (
            oracle(zone, 2026, cal, as_of, kind)["open_overdue"]
            > oracle(zone, 2026, cal, BUILT, kind)["open_overdue"]
        )


def test_a_cache_never_written_or_wrong_is_not_trusted(built):
    zone, cal = built
    cases = Case.objects.filter(zone=zone, received_on__year=2026, kind=states.COMPLAINT)
    expected = oracle(zone, 2026, cal, BUILT, states.COMPLAINT)
    # never computed: whatever the columns say is ignored
    ids = list(cases.values_list("id", flat=True)[:40])
    Case.objects.filter(id__in=ids).update(
        deadlines_as_of=None, reply_due=date(2000, 1, 1), overdue=True, replied_late=True
    )
    assert figures(zone, 2026, cal, BUILT, states.COMPLAINT) == expected
    # an open case's cache of an earlier day is computed again
    open_ids = list(cases.filter(state__in=states.OPEN_STATES).values_list("id", flat=True))
    assert open_ids
    Case.objects.filter(id__in=open_ids).update(deadlines_as_of=date(2026, 1, 5), overdue=False)
    assert figures(zone, 2026, cal, BUILT, states.COMPLAINT) == expected


def test_without_records_the_same_figures_from_groups(built):
    """The scoring page reads groups of cases alike, not each case: the same figures."""
    zone, cal = built
    some_open = Case.objects.filter(zone=zone, state__in=states.OPEN_STATES).values_list(
        "id", flat=True
    )[:5]
    Case.objects.filter(id__in=list(some_open)).update(deadlines_as_of=None)
    for as_of in (BUILT, date(2026, 9, 30)):
        for year in (2025, 2026):
            whole = register_figures(zone, year, cal, as_of)
            grouped = register_figures(zone, year, cal, as_of, records=False)
            for kind in (states.DISCLOSURE, states.COMPLAINT):
                assert whole[kind]["rows"] and grouped[kind]["rows"] == []
                assert {**whole[kind], "rows": []} == grouped[kind]


@pytest.mark.parametrize("records", [True, False])
def test_queries_do_not_grow_with_the_register(built, records):
    zone, cal = built
    with CaptureQueriesContext(connection) as fresh:
        register_figures(zone, 2026, cal, BUILT, records=records)
    Case.objects.filter(zone=zone).update(deadlines_as_of=None)
    with CaptureQueriesContext(connection) as stale:
        register_figures(zone, 2026, cal, BUILT, records=records)
    assert len(fresh) == len(stale) == 3


def test_the_page_shows_the_evidence_files_figures(built):
    """Every source with a quicker page summary gives the summary of its evidence file, records
    left out."""
    from dataclasses import replace

    from fazhi.assessments.sources import all_sources

    zone, _ = built
    quick = [s for s in all_sources() if s.figures is not None]
    assert {s.key for s in quick} >= {"disclosure", "complaints"}
    for s in quick:  # the generator registers cases only: the others' lists are empty here
        whole = s.summarise(zone, 2026, BUILT)
        assert whole.rows or s.key not in ("disclosure", "complaints")
        assert s.page_summary(zone, 2026, BUILT) == replace(whole, rows=())
