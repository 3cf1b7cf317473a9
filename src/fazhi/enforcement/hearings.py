"""The steps of 告知, 听证 and 陈述、申辩 of a case (行政处罚法第四十四条、第四十五条、第六十三条至
第六十五条), checked before anything is written: the rules are core.hearing, the thresholds the
case's rule set's `hearing:` section, the periods counted by the shared deadline engine."""

from __future__ import annotations

from datetime import date

from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core import hearing
from fazhi.core.errors import Collect
from fazhi.core.validate import parse_date
from fazhi.registers import inputs

from .models import CaseStep

STEP_KINDS = frozenset({"notified", "hearing_requested", "hearing_noticed", "heard", "statement"})


def _last(steps, kind: str) -> CaseStep | None:
    found = [s for s in steps if s.kind == kind]
    return max(found, key=lambda s: (s.on, s.pk or 0)) if found else None


def _request_due(ruleset, events, cal, on: date) -> date | None:
    period = dl.compute(ruleset, events, cal.tentative(), on).periods.get("hearing_request")
    return period.due_on if period else None


def step_fields(case, kind, data, check: Collect, step: CaseStep, steps, events, on, ctx):
    """The fields and rules of a 告知/听证/陈述申辩 step, into step.data; every refusal into
    `check`. `steps` are the case's recorded steps and `events` the same as the deadline
    engine's events; `ctx` is (rule set, calendar, the amount already read from the form)."""
    ruleset, cal, amount = ctx
    rules = hearing.from_content(ruleset.hearing)
    if kind == "notified":
        pk = str(data.get("penalty_kind") or "")
        if pk not in enf.PENALTY_KINDS:
            check.errors.setdefault("penalty_kind", "请选择拟作出的处罚种类")
        told = bool(
            check(inputs.boolean, data.get("hearing_told"), "hearing_told", "已告知听证权利")
        )
        if (
            pk in enf.PENALTY_KINDS
            and hearing.hearing_required(rules, pk, amount, case.party_kind)
            and not told
        ):
            check.errors.setdefault(
                "hearing_told",
                "拟作出的处罚适用听证（行政处罚法第六十三条），须告知当事人有要求听证的权利",
            )
        step.data.update({"penalty_kind": pk, "amount": str(amount or ""), "hearing_told": told})
        return
    if on is None:
        return
    if kind == "hearing_requested":
        notified = _last(steps, "notified")
        told = bool(notified and notified.data.get("hearing_told"))
        check(hearing.check_request, on, told, _request_due(ruleset, events, cal, on))
    elif kind == "hearing_noticed":
        hearing_on = check(parse_date, data.get("hearing_on"), "hearing_on", "听证日期")
        if hearing_on:
            notice = rules or hearing.DEFAULT  # its units are the deadline engine's
            earliest = check(dl.period_end, notice.notice_days, notice.notice_unit, on, cal)
            if earliest:
                check(hearing.check_notice, on, hearing_on, earliest, rules)
            step.data["hearing_on"] = hearing_on.isoformat()
        if not step.note:
            check.errors.setdefault("note", "请填写听证的地点、主持人及通知方式")
    elif kind == "heard":
        notice = _last(steps, "hearing_noticed")
        hearing_on = date.fromisoformat(notice.data["hearing_on"]) if notice else None
        check(hearing.check_heard, on, hearing_on)
        if not step.note:
            check.errors.setdefault("note", "请填写听证笔录的主要内容")
    elif kind == "statement":
        said = str(data.get("statement") or "")
        if said not in hearing.STATEMENTS:
            check.errors.setdefault(
                "statement",
                "请选择陈述、申辩情况："
                + "、".join(f"{k}（{v}）" for k, v in hearing.STATEMENTS.items()),
            )
        elif said == "made" and not step.note:
            check.errors.setdefault("note", "请填写当事人陈述、申辩的主要内容及采纳情况")
        step.data["statement"] = said


def check_decision(check: Collect, steps, events, on: date, ruleset, cal) -> None:
    """Before a decision: 陈述、申辩 recorded after 告知, and the hearing request period over
    when the party was told of the right and did not use it."""
    notified = _last(steps, "notified")
    statement = _last(steps, "statement")
    told = bool(notified and notified.data.get("hearing_told"))
    requested = any(s.kind == "hearing_requested" for s in steps)
    due = _request_due(ruleset, events, cal, on) if told and not requested else None
    check(
        hearing.check_before_decision,
        on,
        notified.on if notified else None,
        statement.on if statement else None,
        told,
        requested,
        due,
    )
