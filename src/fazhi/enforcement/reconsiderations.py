"""行政复议: registering an application and recording its steps. Periods from
rules/reconsideration.yaml through the deadline engine (ordinary or simplified, see
core.reconsideration.ruleset_for); a decision past its period without an approved extension
is refused; silence past the 5-day acceptance review means accepted (第三十条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core import reconsideration as rc
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.validate import int_in, parse_date, text
from fazhi.registers import clock, inputs
from fazhi.registers import rules as rule_sets
from fazhi.security.models import Person
from fazhi.workdays.selectors import get_calendar

from . import access
from .models import EnforcementCase, Reconsideration, ReconsiderationStep

KIND = "reconsideration"
# Decisions that take the act away or change it: a linked penalty decision's 公示 must then be
# withdrawn within 3 working days (行政处罚法第四十八条第二款).
REVOKING = frozenset({"change", "annul", "confirm_unlawful", "confirm_void"})
STEP_FIELDS = {
    "kind", "on", "note", "decision_kind", "days", "approved_by", "perform_due", "version",
}  # fmt: skip


def ruleset(case: Reconsideration) -> dl.RuleSet:
    return rc.ruleset_for(rule_sets.ruleset_of(case.rules_id), case.simplified)


def events_of(steps) -> list[dl.Event]:
    return [
        dl.Event(kind=s.kind, on=s.on, days=s.days or 0, period=s.period or "")
        for s in sorted(steps, key=lambda s: (s.on, s.pk or 0))
    ]


def deadlines(case: Reconsideration, steps, cal, today: date) -> dl.CaseDeadlines:
    return dl.compute(ruleset(case), events_of(steps), cal, today)


def offered_events(case: Reconsideration) -> list[str]:
    """The steps the case allows now: the state machine's, less those its own facts rule out
    (no conversion of an ordinary case, one 行政复议意见书, its report once)."""
    facts = {
        "converted": case.simplified,
        "opinion_issued": case.opinion_issued_on is None,
        "correction_reported": case.opinion_issued_on is not None
        and case.opinion_reported_on is None,
        "performance_ordered": case.performed_on is None,
        "reported_up": case.reported_on is None,
    }
    return [k for k in rc.allowed_events(case.state) if facts.get(k, True)]


def deemed_accepted_on(case: Reconsideration, result: dl.CaseDeadlines) -> date | None:
    """第三十条: the review period ran out with no decision not to accept: accepted from its
    last day."""
    p = result.periods.get("accept")
    if case.state == rc.RECEIVED and p and p.due_on and p.overdue_days:
        return p.due_on
    return None


def cache_values(case: Reconsideration, steps, today: date) -> dict:
    try:
        result = deadlines(case, steps, get_calendar(), today)
    except RuleError as exc:
        return {"next_due": None, "overdue": False, "deadline_note": exc.message[:200]}
    code = "decide_simple" if case.simplified else "decide"
    p = result.periods.get(code)
    opinion = result.periods.get("opinion_report")
    next_due, overdue = result.next_due, bool(result.overdue)
    # 履行监督: the performance date the decision set is the respondent's, not a statutory
    # period; it counts as a due date of the case until the performance is recorded.
    if case.perform_due and not case.performed_on and case.state == rc.DECIDED:
        next_due = min(d for d in (next_due, case.perform_due) if d)
        overdue = overdue or case.perform_due < today
    return {
        "next_due": next_due,
        "overdue": overdue,
        "decided_late": bool(p and p.met_on and p.due_on and p.met_on > p.due_on),
        "deemed_accepted": deemed_accepted_on(case, result) is not None,
        "opinion_due": opinion.due_on if opinion and not opinion.met_on else None,
        "deadline_note": result.next_due_note[:200],
    }


@transaction.atomic
def register(actor, data: dict, today: date | None = None) -> Reconsideration:
    today = today or clock.today()
    zone = access.zone_of_user(actor)
    if zone is None:
        raise Http404("园区不存在或无权访问")
    access.require_office(actor, zone)
    check = Collect()
    received = check(parse_date, data.get("received_on"), "received_on", "收到申请日期")
    if received and received > today:
        check.errors.setdefault("received_on", f"收到申请日期不能晚于今天 {today}")
    person = {
        "name": check(text, data.get("name"), "name", "申请人姓名或名称", limit=100, required=True),
        "id_number": check(inputs.id_number, data.get("id_number")),
        "phone": check(inputs.phone, data.get("phone")),
        "address": check(text, data.get("address"), "address", "住址", limit=200),
    }
    respondent = check(
        text, data.get("respondent"), "respondent", "被申请人", limit=200, required=True
    )
    act = check(text, data.get("act"), "act", "被申请复议的行政行为", limit=300, required=True)
    request_ = check(text, data.get("request"), "request", "复议请求", limit=5000, required=True)
    simplified = (
        inputs.boolean(data.get("simplified"), "simplified", "简易程序")
        if data.get("simplified") not in (None, "")
        else False
    )
    ground = str(data.get("simple_ground") or "")
    amount = None
    if data.get("amount") not in (None, ""):
        try:
            amount = Decimal(str(data["amount"]).strip())
        except InvalidOperation:
            check.errors.setdefault("amount", "涉及款额须为数字（元）")
    if simplified and not rc.simplified_applies(ground, amount):
        check.errors.setdefault(
            "simple_ground",
            "适用简易程序须符合行政复议法第五十三条：当场作出的行为、警告或通报批评、款额三千元以下、政府信息公开，或当事人各方同意",
        )
    linked = None
    if data.get("enforcement_case") not in (None, ""):
        linked = EnforcementCase.objects.filter(
            number=str(data["enforcement_case"]).strip(), zone=zone
        ).first()
        if linked is None:
            check.errors.setdefault("enforcement_case", "本园区没有该案号的执法案件")
    check(rule_sets.current, KIND)
    check.done()
    year = received.year
    n = Reconsideration.objects.filter(zone=zone, received_on__year=year).count() + 1
    number = f"{zone.code}-FY-{year}-{n:04d}"
    while Reconsideration.objects.filter(number=number).exists():
        n += 1
        number = f"{zone.code}-FY-{year}-{n:04d}"
    case = Reconsideration.objects.create(
        number=number, zone=zone, rules=rule_sets.current(KIND), received_on=received,
        applicant=Person.objects.create(**{k: v or "" for k, v in person.items()}),
        respondent=respondent, act=act, request=request_, simplified=simplified,
        simple_ground=ground if simplified else "", enforcement_case=linked,
    )  # fmt: skip
    step = ReconsiderationStep.objects.create(case=case, kind="received", on=received, actor=actor)
    values = cache_values(case, [step], today)
    for k, v in values.items():
        setattr(case, k, v)
    case.save(update_fields=list(values))
    record(
        actor, "reconsideration.register", case, after={"number": number, "simplified": simplified}
    )
    return case


@transaction.atomic
def record_step(actor, case_id, data: dict, today: date | None = None) -> ReconsiderationStep:
    today = today or clock.today()
    case = (
        Reconsideration.objects.select_for_update()
        .select_related("zone")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not access.can_see(actor, case.zone, None):
        raise Http404("行政复议案件不存在或无权查看")
    access.require_office(actor, case.zone)
    unknown = sorted(k for k in data if k not in STEP_FIELDS)
    if unknown:
        raise RuleError(unknown[0], f"不认识的字段 {unknown[0]}")
    if data.get("version") not in (None, "") and str(data["version"]) != str(case.version):
        raise ConflictError("该案件已被他人更新，请刷新后再办理")
    kind = str(data.get("kind") or "")
    target = rc.next_state(case.state, kind, case.before_suspension)
    check = Collect()
    on = check(parse_date, data.get("on"), "on", "日期")
    if on and on > today:
        check.errors.setdefault("on", f"日期不能晚于今天 {today}")
    note = check(text, data.get("note"), "note", "说明", limit=5000) or ""
    step = ReconsiderationStep(case=case, kind=kind, on=on or today, note=note, actor=actor)
    changes: dict = {}
    if kind == "decided":
        dk = str(data.get("decision_kind") or "")
        if dk not in rc.DECISION_KINDS:
            check.errors["decision_kind"] = "请选择复议决定的种类（行政复议法第六十三至六十九条等）"
        due = _perform_due(data, check)
        if dk in rc.DECISION_KINDS:
            check(rc.check_perform_due, dk, on, due)
        changes.update(decision_kind=dk, decided_on=on, perform_due=due)
    elif kind == "reported_up":
        if case.reported_on:
            check.errors["kind"] = f"复议决定已于 {case.reported_on} 报送备案"
        changes["reported_on"] = on
    elif kind in ("converted", "opinion_issued", "correction_reported", "performance_ordered"):
        _supervision_step(case, kind, data, check, step, changes, on)
    elif kind == "extended":
        if case.simplified:
            check.errors["kind"] = "简易程序的审理期限不得延长"
        step.period = "decide"
        step.days = check(int_in, data.get("days"), "days", "延长天数", 1, 30) or 0
        approved = check(
            text, data.get("approved_by"), "approved_by", "批准人", limit=50, required=True
        )
        step.note = f"批准人：{approved or ''}；{note}".rstrip("；")
    elif kind in ("rejected", "terminated", "suspended") and not note:
        check.errors["note"] = "请填写理由"
    elif kind == "accepted":
        changes["accepted_on"] = on
    elif kind == "performed":
        changes["performed_on"] = on
    steps = list(case.steps.all())
    cal = get_calendar()
    rules = ruleset(case)
    if on and kind in dl.EVENT_KINDS:
        try:
            dl.check_event(
                rules, events_of(steps), dl.Event(kind, on, step.days, step.period), today, cal
            )
        except RuleError as exc:
            check.errors.setdefault(
                exc.field if exc.field in ("on", "days") else "kind", exc.message
            )
    if on and kind == "decided":
        before = dl.compute(rules, events_of(steps), cal, on)
        p = before.periods.get("decide_simple" if case.simplified else "decide")
        if p and p.due_on and on > p.due_on and not p.due_note:
            check.errors.setdefault(
                "on",
                f"复议决定须在{p.name}内作出（至 {p.due_on}），{on} 已超过期限且没有经批准的延长（行政复议法第六十二条）",
            )
    check.done()
    step.save()
    steps.append(step)
    if kind == "suspended":
        changes["before_suspension"] = case.state
    before_state = case.state
    changes["state"] = target
    changes["version"] = case.version + 1
    for k, v in changes.items():  # the cached values follow the new state and fields
        setattr(case, k, v)
    cached = cache_values(case, steps, today)
    for k, v in cached.items():
        setattr(case, k, v)
    case.save(update_fields=[*changes, *cached, "updated_at"])
    record(
        actor,
        f"reconsideration.{kind}",
        case,
        before={"state": before_state},
        after={
            "state": target,
            "on": step.on.isoformat(),
            **{k: v.isoformat() for k, v in changes.items() if isinstance(v, date)},
            **({"simplified": False} if kind == "converted" else {}),
        },
    )
    if kind == "decided" and changes.get("decision_kind") in REVOKING:
        _revoke_linked(actor, case, on, today)
    return step


def _perform_due(data: dict, check: Collect) -> date | None:
    if data.get("perform_due") in (None, ""):
        return None
    return check(parse_date, data.get("perform_due"), "perform_due", "履行期限")


def _supervision_step(case, kind, data, check: Collect, step, changes: dict, on) -> None:
    """转为普通程序 (第五十五条), 行政复议意见书 and its correction report (第七十六条), 责令限期
    履行 (第七十七条): the rules of core.reconsideration, the fields into `changes`."""
    if kind == "converted":
        approved = check(text, data.get("approved_by"), "approved_by", "批准人", limit=50) or ""
        check(rc.check_conversion, case.simplified, approved, step.note)
        step.note = f"批准人：{approved}；{step.note}" if approved else step.note
        changes.update(simplified=False, converted_on=on)
    elif kind in ("opinion_issued", "correction_reported"):
        check(rc.check_opinion, case.opinion_issued_on, case.opinion_reported_on, kind)
        if not step.note:
            check.errors.setdefault(
                "note",
                "请填写意见书的文号及纠正要求" if kind == "opinion_issued" else "请填写纠正情况",
            )
        field = "opinion_issued_on" if kind == "opinion_issued" else "opinion_reported_on"
        changes[field] = on
    else:  # performance_ordered
        due = _perform_due(data, check)
        check(rc.check_perform_due, case.decision_kind, on, due, required=True)
        if case.performed_on:
            check.errors.setdefault("kind", f"决定已于 {case.performed_on} 履行")
        if not step.note:
            check.errors.setdefault("note", "请填写责令履行的事项（行政复议法第七十七条）")
        changes["perform_due"] = due
        if due:
            step.note = f"履行期限：{due.isoformat()}；{step.note}"


def _revoke_linked(actor, case: Reconsideration, on: date, today: date) -> None:
    """Record on the linked enforcement case that its decision was changed or annulled, which
    starts its 3-working-day withdrawal of the 公示."""
    from fazhi.core import enforcement as enf

    from .cases import record_step as record_enforcement_step

    linked = case.enforcement_case
    if linked is None or linked.revoked_on or linked.state not in enf.AFTER_DECISION:
        return
    label = rc.DECISION_KINDS[case.decision_kind]
    record_enforcement_step(
        actor,
        linked.pk,
        {"kind": "revoked", "on": on, "note": f"行政复议 {case.number} 决定：{label}"},
        today=today,
    )
