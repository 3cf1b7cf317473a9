"""Recording a step of a case (record_event): one transaction, audited; the rules of each
step (who may, which fields, which state) are checked before anything is written.

Which steps a case has, in which states, where they lead and what they need is the rule
file's (see states and fazhi.core.steps); a step's fields that need code are taken by its
handler (handlers.HANDLERS)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core import steps as core
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs import docnos
from fazhi.workdays.selectors import get_calendar

from . import inputs, letters, rules, states
from .clock import deadlines_of, events_of
from .handlers import HANDLERS, StepContext
from .inputs import LIMITS
from .models import Case, CaseAttachment, CaseEvent
from .replies import store_docx
from .selectors import agency_of, get_case, is_handling_department, is_office_of
from .services import day_or_today, recompute

# ---------------------------------------------------------------- events

EVENT_FIELDS = {
    "kind",
    "on",
    "note",
    "version",
    "text",
    "correction_due",
    "department",
    "reason",
    "third_party",
    "days",
    "notified_on",
    "reply_type",
    "ground",
    "agency",
    "published_at",
    "publish",
    "outcome",
    "appeal",
    "result",
}


def _may_act(user, case: Case, step: core.Step) -> None:
    if is_office_of(user, case):
        return
    if step.office_only or not is_handling_department(user, case):
        raise PermissionDenied(
            f"只有创建办可以{step.name}"
            if step.office_only
            else "只有创建办或承办部门可以办理该案件"
        )


@transaction.atomic
def record_event(user, case_id, data: dict, today: date | None = None) -> CaseEvent:
    """Record one step of a case (the rule file's `steps` say which state allows which step).
    `data`: kind, on (default today), and per handler (see handlers):
      correction_request: text (what to complete), correction_due (date the applicant has)
      assign: department; transfer: department, reason
      consultation: third_party; extension: days, reason, notified_on (default `on`)
      reply: disclosure: reply_type, text, ground (不予公开: required), agency (非本机关负责: optional),
             published_at (已主动公开: required, where the information is published),
             publish (show the reply text to the public tracker); complaint: outcome, text, publish
      reject: reason; request (申请复查/复核): reason; answer (复查/复核答复): outcome, text
      appeal: appeal (reconsideration | litigation), result (upheld | corrected | other | pending)
      no handler (e.g. the delivery dates reply_delivered, review_delivered): `on` is the day
      any: note, version (optimistic lock: refused when the case changed meanwhile)
    """
    inputs.only_known(data, EVENT_FIELDS)
    today = day_or_today(today)
    case = get_case(user, case_id, for_update=True)
    ruleset = rules.ruleset_of(case.rules_id)
    kind = data.get("kind")
    step = states.step_of(case.kind, kind, ruleset) if isinstance(kind, str) else None
    if step is None:
        if isinstance(kind, str) and kind in states.EVENTS:
            states.next_state(case.kind, case.state, kind, ruleset)  # says why (RuleError)
        allowed = states.allowed_events(case.kind, case.state, ruleset)
        raise RuleError(
            "kind",
            f"办理事项应为以下之一：{'、'.join(allowed) or '（当前状态无可办理事项）'}",
        )
    _may_act(user, case, step)
    if (
        data.get("version") not in (None, "")
        and int_in(data["version"], "version", "版本号", 0, 10**9) != case.version
    ):
        raise ConflictError(f"案件已被他人修改（当前版本 {case.version}），请刷新后重试")
    before_state = case.state
    target = states.next_state(case.kind, case.state, kind, ruleset)
    on = parse_date(data.get("on") or today, "on", "办理日期")
    rows = list(CaseEvent.objects.filter(case=case).order_by("on", "id"))
    if on > today:
        raise RuleError("on", f"办理日期不能晚于今天 {today}")
    if rows and on < rows[-1].on:
        raise RuleError("on", f"办理日期不能早于上一次办理记录的日期 {rows[-1].on}")
    core.check_history(step, {r.kind for r in rows})
    note = text(data.get("note"), "note", "说明", limit=LIMITS["note"])
    cal = get_calendar()

    def current() -> dl.CaseDeadlines:  # only the steps that depend on a due date need the calendar
        return deadlines_of(case, cal, on, rows)

    ev = CaseEvent(case=case, kind=kind, on=on, note=note, actor=user, data={})
    ctx = StepContext(user, case, step, data, ev, on, today, rows, ruleset, current)
    if step.handler:
        HANDLERS[step.handler](ctx)
    changes = ctx.changes
    if step.closes:
        changes["closed_on"] = on

    # The deadline engine has the last word on what the rules allow (extension limits, a
    # request out of its window). A version without declared steps knows only its own
    # event kinds (the register's own steps - assigned, abandoned, appealed - have no period).
    if ruleset.steps or kind in dl.EVENT_KINDS:
        dl.check_event(
            ruleset,
            events_of(case, rows),
            dl.Event(kind=kind, on=on, days=ev.days, period=ev.period),
            today,
            cal,
        )
    ev.save()
    rows.append(ev)
    changes["state"] = target
    changes["version"] = case.version + 1
    for k, v in changes.items():
        setattr(case, k, v)
    case.save(update_fields=[*changes.keys(), "updated_at"])
    letter_no = ""
    if ctx.notice:
        agency, contact = agency_of(case.zone)
        letter_no = docnos.allocate(case.zone, "letter", on.year)
        title, paragraphs = ctx.notice
        content = letters.notice_letter(case, title, paragraphs, agency, letter_no, on)
        CaseAttachment.objects.create(
            case=case,
            blob=store_docx(f"{case.tracking_no}-{title}.docx", content),
            name=f"{case.tracking_no}-{title}.docx",
            uploaded_by=user,
        )
    recompute(case, today, cal, rows)
    for hook in ctx.after:
        hook()
    letter_no = ctx.letter_no or letter_no
    record(
        user,
        f"case.{kind}",
        case,
        before={"state": before_state},
        after={
            "tracking_no": case.tracking_no,
            "event": kind,
            "on": on,
            "state": case.state,
            "days": ev.days or None,
            "letter_no": letter_no or None,
            **{k: v for k, v in ev.data.items() if k not in ("text",)},
        },
    )
    return ev
