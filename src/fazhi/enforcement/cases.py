"""执法案件: opening a case from a clue (转立案 from a complaint keeps the link both ways) and
recording its steps. Every step is checked by the state machine (core.enforcement), by the
deadline engine (core.deadlines over rules/enforcement.yaml) and by the step's own rules;
refused steps write nothing. The cached deadline columns are rewritten with every step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import Http404

from fazhi.assessments.evidence import store
from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import parse_date, text
from fazhi.orgs.models import Org
from fazhi.registers import clock, inputs
from fazhi.registers import rules as rule_sets
from fazhi.registers.models import Case as RegisterCase
from fazhi.security.models import Person
from fazhi.workdays.selectors import get_calendar

from . import access, hearings
from .models import CaseOfficer, CaseStep, EnforcementCase, Officer, StepFile

KIND = "enforcement"
SOURCES = dict(EnforcementCase.Source.choices)
STEP_FIELDS = {
    "kind", "on", "note", "media_ref", "officers", "lead", "major", "penalty_kind", "amount",
    "hearing_told", "hearing_on", "statement", "reviewer", "decision_kind", "decision_no",
    "decision_text", "legal_basis", "period", "days", "approved_by", "version",
}  # fmt: skip


def to_event(s: CaseStep) -> dl.Event:
    return dl.Event(kind=s.kind, on=s.on, days=s.days or 0, period=s.period or "")


def events_of(steps) -> list[dl.Event]:
    return [to_event(s) for s in sorted(steps, key=lambda s: (s.on, s.pk or 0))]


def cache_values(case: EnforcementCase, steps, cal, today: date) -> dict:
    """The cached deadline columns as of `today`."""
    ruleset = rule_sets.ruleset_of(case.rules_id)
    try:
        result = dl.compute(ruleset, events_of(steps), cal, today)
    except RuleError as exc:
        return {"next_due": None, "overdue": False, "deadline_note": exc.message[:200]}

    def late(code: str) -> bool:
        p = result.periods.get(code)
        return bool(p and p.met_on and p.due_on and p.met_on > p.due_on and not p.due_note)

    return {
        "next_due": result.next_due,
        "overdue": bool(result.overdue),
        "filed_late": late("file"),
        "decided_late": late("decide"),
        "deadline_note": result.next_due_note[:200],
    }


# ---------------------------------------------------------------- opening a case


def _next_number(zone: Org, year: int) -> str:
    n = EnforcementCase.objects.filter(zone=zone, received_on__year=year).count() + 1
    while True:
        number = f"{zone.code}-ZF-{year}-{n:05d}"
        if not EnforcementCase.objects.filter(number=number).exists():
            return number
        n += 1


def _complaint(zone: Org, value, check: Collect) -> RegisterCase | None:
    if value in (None, ""):
        return None
    c = RegisterCase.objects.filter(tracking_no=str(value).strip(), zone=zone).first()
    if c is None:
        check.errors.setdefault("complaint", "本园区没有该受理编号的投诉举报")
        return None
    if c.kind != "complaint":
        check.errors.setdefault("complaint", f"{c.tracking_no} 是依申请公开，不能转立案")
        return None
    return c


@transaction.atomic
def open_case(actor, data: dict, today: date | None = None) -> EnforcementCase:
    """Register a clue (线索). With `complaint` (a tracking number of the zone's complaints)
    the case is 转立案 from it: source "complaint", linked both ways."""
    today = today or clock.today()
    zone = access.zone_of_user(actor)
    if zone is None:
        raise Http404("园区不存在或无权访问")
    check = Collect()
    dept = Org.objects.filter(
        code=str(data.get("department") or ""), kind=Org.Kind.DEPARTMENT, parent=zone
    ).first()
    if dept is None:
        check.errors["department"] = "请选择本园区的承办部门（部门代码不正确）"
    elif not access.can_act(actor, zone, dept.pk):
        access.require_office(actor, zone)
    complaint = _complaint(zone, data.get("complaint"), check)
    source = "complaint" if complaint else str(data.get("source") or "")
    if source not in SOURCES or (source == "complaint" and complaint is None):
        check.errors.setdefault(
            "source" if source != "complaint" else "complaint",
            "请选择线索来源" if source != "complaint" else "投诉举报转立案须填写投诉举报的受理编号",
        )
    received = check(parse_date, data.get("received_on"), "received_on", "线索登记日期")
    if received and received > today:
        check.errors.setdefault("received_on", f"线索登记日期不能晚于今天 {today}")
    if received and complaint and received < complaint.received_on:
        check.errors.setdefault(
            "received_on", f"线索登记日期不能早于投诉举报收到日期 {complaint.received_on}"
        )
    subject = check(text, data.get("subject"), "subject", "案由", limit=200, required=True)
    facts = check(text, data.get("facts"), "facts", "违法事实", limit=5000)
    party_kind = str(data.get("party_kind") or "org")
    party = org_name = credit = None
    if party_kind == "person":
        party = _person(data, check)
    elif party_kind == "org":
        org_name = check(
            text, data.get("party_org"), "party_org", "当事人（单位名称）", limit=200, required=True
        )
        credit = check(text, data.get("credit_code"), "credit_code", "统一社会信用代码", limit=18)
    else:
        check.errors["party_kind"] = "当事人类型只能是 person（自然人）或 org（单位）"
    check(rule_sets.current, KIND)
    check.done()
    person = None
    if party:
        person = Person.objects.create(
            **{k: party.get(k) or "" for k in ("name", "id_number", "phone", "address")}
        )
    case = EnforcementCase.objects.create(
        number=_next_number(zone, received.year),
        zone=zone,
        department=dept,
        rules=rule_sets.current(KIND),
        source=source,
        complaint=complaint,
        received_on=received,
        subject=subject,
        facts=facts or "",
        party_kind=party_kind,
        party=person,
        party_org=org_name or "",
        credit_code=credit or "",
    )
    step = CaseStep.objects.create(case=case, kind="received", on=received, actor=actor)
    _refresh_cache(case, [step], today)
    record(
        actor,
        "enforcement.case.open",
        case,
        after={
            "number": case.number,
            "source": source,
            "complaint": complaint and complaint.tracking_no,
        },
    )
    if complaint:
        record(
            actor,
            "registers.case.to_enforcement",
            complaint,
            after={"enforcement_case": case.number},
        )
    return case


def _person(data: dict, check: Collect) -> dict:
    return {
        "name": check(text, data.get("name"), "name", "当事人姓名", limit=50, required=True),
        "id_number": check(inputs.id_number, data.get("id_number")),
        "phone": check(inputs.phone, data.get("phone")),
        "address": check(text, data.get("address"), "address", "住址", limit=200),
    }


def _refresh_cache(case: EnforcementCase, steps, today: date) -> None:
    values = cache_values(case, steps, get_calendar(), today)
    for k, v in values.items():
        setattr(case, k, v)
    case.save(update_fields=[*values, "updated_at"])


# ---------------------------------------------------------------- steps


def _officers(case: EnforcementCase, value, on: date, field: str, minimum: bool) -> list[Officer]:
    ids = value if isinstance(value, list) else [value] if value not in (None, "") else []
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise RuleError(field, "执法人员须从本园区执法人员名单中选择") from None
    found = {o.pk: o for o in Officer.objects.filter(zone=case.zone_id, pk__in=ids)}
    if len(found) != len(set(ids)):
        raise RuleError(field, "执法人员须从本园区执法人员名单中选择")
    officers = [found[i] for i in dict.fromkeys(ids)]
    if minimum:
        enf.check_officers([o.facts() for o in officers], on, field)
    else:
        problems = [m for o in officers if (m := enf.officer_refusal(o.facts(), on))]
        if problems:
            raise RuleError(field, "；".join(problems))
    return officers


def _amount(value, check: Collect) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        check.errors.setdefault("amount", "金额须为数字（元）")
        return None
    if not d.is_finite() or d < 0 or d > Decimal("999999999999"):
        check.errors.setdefault("amount", "金额须为 0 至 999999999999 之间的数字（元）")
        return None
    return d.quantize(Decimal("0.01"))


def _bool(value) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


@transaction.atomic
def record_step(actor, case_id: int, data: dict, today: date | None = None, files=()) -> CaseStep:
    today = today or clock.today()
    case = (
        EnforcementCase.objects.select_for_update()
        .select_related("zone")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("执法案件不存在或无权查看")
    access.require_act(actor, case.zone, case.department_id)
    unknown = sorted(k for k in data if k not in STEP_FIELDS)
    if unknown:
        raise RuleError(unknown[0], f"不认识的字段 {unknown[0]}")
    if data.get("version") not in (None, "") and str(data["version"]) != str(case.version):
        raise ConflictError("该案件已被他人更新，请刷新后再办理")
    kind = str(data.get("kind") or "")
    target = enf.next_state(case.state, kind)  # RuleError("kind") when not allowed now
    check = Collect()
    on = check(parse_date, data.get("on"), "on", "日期")
    if on and on > today:
        check.errors.setdefault("on", f"日期不能晚于今天 {today}")
    note = check(text, data.get("note"), "note", "说明", limit=5000) or ""
    media_ref = (
        check(text, data.get("media_ref"), "media_ref", "音像记录编号/位置", limit=300) or ""
    )
    steps = list(case.steps.all())
    changes: dict = {}
    step = CaseStep(
        case=case, kind=kind, on=on or today, note=note, media_ref=media_ref, actor=actor
    )
    officers: list[Officer] = []
    if on:
        minimum = kind == "filed"
        if minimum or data.get("officers") not in (None, "", []):
            officers = check(_officers, case, data.get("officers"), on, "officers", minimum) or []
    _kind_fields(case, kind, data, check, step, changes, steps, on)
    cal = get_calendar()
    ruleset = rule_sets.ruleset_of(case.rules_id)
    if kind in hearings.STEP_KINDS:
        amount = _amount(data.get("amount"), check) if kind == "notified" else None
        ctx = (ruleset, cal, amount)
        hearings.step_fields(case, kind, data, check, step, steps, events_of(steps), on, ctx)
    if on:
        check(_check_event, ruleset, steps, step, today, cal)
    if kind == "decided" and on:
        before = dl.compute(ruleset, events_of(steps), cal, on)
        decide = before.periods.get("decide")
        check(
            enf.check_decision,
            major=case.major,
            legal_reviewed_on=case.legal_reviewed_on,
            on=on,
            decide_due=decide.due_on if decide and not decide.due_note else None,
            decision_kind=step.data.get("decision_kind", ""),
            penalty_kind=step.data.get("penalty_kind", ""),
            amount=changes.get("amount"),
        )
        hearings.check_decision(check, steps, events_of(steps), on, ruleset, cal)
    check.done()
    if officers:
        step.data["officers"] = [o.pk for o in officers]
    step.save()
    for f in files:
        blob = store(f)
        StepFile.objects.create(
            step=step, blob=blob, name=safe_display_name(f.name or ""), uploaded_by=actor
        )
    if kind == "filed":
        lead = data.get("lead")
        for o in officers:
            CaseOfficer.objects.create(
                case=case, officer=o, lead=str(o.pk) == str(lead) if lead else o is officers[0]
            )
    elif officers:
        have = set(case.handlers.values_list("officer_id", flat=True))
        CaseOfficer.objects.bulk_create(
            [CaseOfficer(case=case, officer=o) for o in officers if o.pk not in have]
        )
    steps.append(step)
    before_state = case.state
    changes["state"] = target
    changes["version"] = case.version + 1
    changes.update(cache_values(case, steps, cal, today))
    for k, v in changes.items():
        setattr(case, k, v)
    case.save(update_fields=[*changes, "updated_at"])
    record(
        actor,
        f"enforcement.case.{kind}",
        case,
        before={"state": before_state},
        after={"state": target, "on": step.on.isoformat(), **_plain(step.data)},
    )
    return step


def _check_event(ruleset, steps, step: CaseStep, today: date, cal) -> None:
    """The deadline engine's word on the step (dates, extensions); its field as the form's."""
    if step.kind not in dl.EVENT_KINDS:  # a record of the case's own (全过程记录): no period
        return
    try:
        dl.check_event(ruleset, events_of(steps), to_event(step), today, cal)
    except RuleError as exc:
        field = exc.field if exc.field in ("on", "days", "period") else "kind"
        raise RuleError(field, exc.message) from None


def _plain(d: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in d.items()}


def _kind_fields(case, kind, data, check: Collect, step: CaseStep, changes: dict, steps, on):
    """The fields each step needs, into step.data and the case's columns."""
    if kind in ("not_filed", "revoked") and not step.note:
        check.errors.setdefault("note", "请填写理由")
    if kind == "filed":
        changes["filed_on"] = on
        changes["major"] = _bool(data.get("major"))
        step.data["major"] = changes["major"]
    elif kind == "investigated" and not step.note:
        check.errors.setdefault("note", "请填写调查终结报告的主要内容")
    elif kind == "legal_reviewed":
        reviewer = data.get("reviewer")
        if reviewer in (None, ""):
            check.errors.setdefault("reviewer", "请选择法制审核人员")
        elif on:
            found = check(_officers, case, [reviewer], on, "reviewer", False)
            if found:
                step.data["reviewer"] = found[0].pk
        if not step.note:
            check.errors.setdefault("note", "请填写法制审核意见")
        changes["legal_reviewed_on"] = on
    elif kind == "decided":
        dk = str(data.get("decision_kind") or "")
        pk = str(data.get("penalty_kind") or "") if dk == "penalty" else ""
        amount = _amount(data.get("amount"), check) if dk == "penalty" else None
        no = check(
            text, data.get("decision_no"), "decision_no", "决定书文号", limit=60, required=True
        )
        body = check(
            text, data.get("decision_text"), "decision_text", "处罚内容", limit=2000, required=True
        )
        basis = check(
            text, data.get("legal_basis"), "legal_basis", "法律依据", limit=300, required=True
        )
        step.data.update({"decision_kind": dk, "penalty_kind": pk})
        changes.update(
            decision_kind=dk, penalty_kind=pk, amount=amount, decision_no=no or "",
            decision_text=body or "", legal_basis=basis or "", decided_on=on,
        )  # fmt: skip
    elif kind == "published":
        if case.published_on:
            check.errors.setdefault("kind", f"决定已于 {case.published_on} 公示")
        changes["published_on"] = on
    elif kind == "revoked":
        changes["revoked_on"] = on
    elif kind == "publication_withdrawn":
        if not case.published_on:
            check.errors.setdefault("kind", "决定尚未公示，无需撤回")
        elif not case.revoked_on:
            check.errors.setdefault("kind", "决定未被撤销或变更，不能撤回公示")
        elif case.withdrawn_on:
            check.errors.setdefault("kind", f"公示已于 {case.withdrawn_on} 撤回")
        changes["withdrawn_on"] = on
    elif kind == "extended":
        period = str(data.get("period") or "")
        step.period = period
        try:
            step.days = int(str(data.get("days") or "").strip())
        except ValueError:
            check.errors.setdefault("days", "延长天数须为正整数")
        approved = check(
            text, data.get("approved_by"), "approved_by", "批准人", limit=50, required=True
        )
        step.data["approved_by"] = approved or ""
    elif kind == "closed":
        changes["closed_on"] = on
    elif kind == "reported_up":
        if not case.major:
            check.errors.setdefault("kind", "只有重大执法决定须报送上级备案审查")
        elif case.reported_on:
            check.errors.setdefault("kind", f"已于 {case.reported_on} 报送备案")
        changes["reported_on"] = on
