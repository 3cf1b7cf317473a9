"""Reads of the registers, shared by pages, the API and exports. Scope comes from orgs.access:
the office, leaders and reviewers of a zone (and above) see its cases; a department sees the
cases assigned to it. Contact details are shown in full only to the handling staff (the
zone's office and the assigned department); everyone else gets Person.masked()."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from fazhi.core import deadlines as dl
from fazhi.core.errors import RuleError
from fazhi.core.personal import mask
from fazhi.core.workdays import WorkCalendar
from fazhi.orgs.access import SCOPE_NONE, SCOPE_OWN, in_scope, scope_of, zone_data_q
from fazhi.orgs.models import Org, Role
from fazhi.security.fields import lookup_q
from fazhi.security.models import Person

from . import catalog, states
from .clock import deadlines_of
from .models import Case, CaseEvent, IntakeSettings, RuleSetVersion
from .rules import ruleset_of

PER_PAGE = 50
MAX_PER_PAGE = 200


# ---------------------------------------------------------------- scope


def cases_for(user) -> QuerySet[Case]:
    """Every case the user may see (none for administrators and the public)."""
    return Case.objects.filter(zone_data_q(user, "zone", ("department",)))


def get_case(user, case_id, *, for_update: bool = False) -> Case:
    """The case if the user may see it; 404 otherwise (existence is not revealed)."""
    qs = cases_for(user)
    if for_update:
        qs = Case.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    try:
        return qs.select_related("zone", "department", "person", "rules").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("案件不存在或无权查看") from None


def is_office_of(user, case: Case) -> bool:
    return user.has_role(Role.OFFICE) and in_scope(user, case.zone)


def is_handling_department(user, case: Case) -> bool:
    return (
        user.has_role(Role.DEPARTMENT)
        and case.department_id is not None
        and user.org_id == case.department_id
    )


def contact_visible(user, case: Case) -> bool:
    """Full contact details: the zone's office and the assigned department, nobody else."""
    return is_office_of(user, case) or is_handling_department(user, case)


def person_view(user, case: Case) -> dict | None:
    """The applicant's or complainant's details, in full or masked; None when anonymous."""
    if case.anonymous or case.person_id is None:
        return None
    p = case.person
    if contact_visible(user, case):
        data = {
            "name": p.name,
            "id_number": p.id_number,
            "phone": p.phone,
            "address": p.address,
            "email": case.email,
            "masked": False,
        }
    else:
        data = {**p.masked(), "email": mask(case.email, "email"), "masked": True}
    data["kind"] = case.applicant_kind
    return data


# ---------------------------------------------------------------- the register


@dataclass
class RegisterFilter:
    """Filters of the register; every field optional. `today` decides overdue and due-within."""

    kind: str = ""
    state: str = ""  # a state, or "open" for all states still owing an answer
    department: str = ""  # department code
    zone: str = ""  # zone code
    overdue: bool | None = None
    due_within: int | None = None  # next due date within N calendar days from today
    q: str = ""  # tracking number (part), subject (part) or a phone number (exact)
    year: int | None = None  # received in that year
    order: str = "received"  # "received" (newest first) or "due" (soonest first)


def parse_filter(params) -> RegisterFilter:
    """A RegisterFilter from query parameters (a dict or QueryDict); RuleError naming the field."""
    from fazhi.core.validate import int_in

    get = params.get
    f = RegisterFilter()
    f.kind = get("kind") or ""
    if f.kind and f.kind not in states.KINDS:
        raise RuleError("kind", "类别应为 disclosure（依申请公开）或 complaint（投诉举报）")
    f.state = get("state") or ""
    if f.state and f.state != "open" and f.state not in states.STATES:
        raise RuleError("state", f"状态应为 open 或以下之一：{'、'.join(states.STATES)}")
    f.department = (get("department") or "")[:40]
    f.zone = (get("zone") or "")[:40]
    overdue = get("overdue")
    if overdue not in (None, ""):
        if overdue not in ("1", "0", "true", "false"):
            raise RuleError("overdue", "overdue 应为 1 或 0")
        f.overdue = overdue in ("1", "true")
    if get("due_within") not in (None, ""):
        f.due_within = int_in(get("due_within"), "due_within", "到期天数", 0, 366)
    if get("year") not in (None, ""):
        f.year = int_in(get("year"), "year", "年度", 2000, 2100)
    f.q = (get("q") or "").replace("\x00", "").strip()[:50]
    f.order = get("order") or "received"
    if f.order not in ("received", "due"):
        raise RuleError("order", "order 应为 received 或 due")
    return f


def register(user, f: RegisterFilter, today: date) -> QuerySet[Case]:
    """The register as the user may see it, filtered. Overdue and due-within are judged from the
    computed next due date (kept current with every event) against `today`."""
    qs = cases_for(user).select_related("zone", "department")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state == "open":
        qs = qs.filter(state__in=states.OPEN_STATES)
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.department:
        qs = qs.filter(department__code=f.department)
    if f.zone:
        qs = qs.filter(zone__code=f.zone)
    if f.year:
        qs = qs.filter(received_on__gte=date(f.year, 1, 1), received_on__lte=date(f.year, 12, 31))
    if f.overdue is True:
        qs = qs.filter(next_due__lt=today)
    elif f.overdue is False:
        qs = qs.filter(Q(next_due__isnull=True) | Q(next_due__gte=today))
    if f.due_within is not None:
        qs = qs.filter(next_due__gte=today, next_due__lte=today + timedelta(days=f.due_within))
    if f.q:
        term = f.q.upper()
        q = Q(tracking_no__icontains=term) | Q(subject__icontains=f.q)
        if sum(ch.isdigit() for ch in f.q) >= 7:
            q |= Q(person__in=Person.objects.filter(lookup_q(Person, "phone", f.q)).values("pk"))
        qs = qs.filter(q)
    if f.order == "due":
        return qs.order_by(F("next_due").asc(nulls_last=True), "-received_on", "-id")
    return qs.order_by("-received_on", "-id")


@dataclass
class Page:
    count: int
    page: int
    per_page: int
    rows: list[Case]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


def register_page(
    user, f: RegisterFilter, today: date, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    qs = register(user, f, today)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    count = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return Page(count, page, per_page, rows)


def case_row(case: Case, today: date) -> dict:
    """One line of the register (no personal data)."""
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "kind": case.kind,
        "kind_label": states.KINDS[case.kind],
        "state": case.state,
        "state_label": case.state_label,
        "channel": case.channel,
        "channel_label": catalog.CHANNELS.get(case.kind, {}).get(case.channel, case.channel),
        "zone": case.zone.code,
        "department": case.department.code if case.department_id else None,
        "department_name": case.department.name if case.department_id else "",
        "subject": case.subject,
        "received_on": case.received_on,
        "reply_due": case.reply_due,
        "next_due": case.next_due,
        "overdue": bool(case.next_due and case.next_due < today),
        "reply_type": case.reply_type,
        "replied_on": case.replied_on,
        "deadline_error": case.deadline_error,
        "deadline_note": case.deadline_note,
    }


# ---------------------------------------------------------------- one case


@dataclass
class CaseView:
    case: Case
    events: list[CaseEvent]
    deadlines: dl.CaseDeadlines | None
    deadline_error: str
    person: dict | None
    allowed_events: list[str]
    contact_visible: bool
    attachments: list = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # event kind -> label, the case's rules


def case_view(user, case_id, cal: WorkCalendar, today: date) -> CaseView:
    """A case with its events, its deadlines as of `today` and what the user may do next."""
    case = get_case(user, case_id)
    events = list(case.events.select_related("actor").order_by("on", "id"))
    try:
        deadlines, error = deadlines_of(case, cal, today, events), ""
    except RuleError as exc:
        deadlines, error = None, exc.message
    ruleset = ruleset_of(case.rules_id)
    flow = states.flow_of(case.kind, ruleset)
    allowed = states.allowed_events(case.kind, case.state, ruleset)
    if not is_office_of(user, case):
        office_only = {st.code for st in flow.steps if st.office_only}
        allowed = (
            [e for e in allowed if e not in office_only]
            if is_handling_department(user, case)
            else []
        )
    return CaseView(
        case,
        events,
        deadlines,
        error,
        person_view(user, case),
        allowed,
        contact_visible(user, case),
        list(case.attachments.select_related("blob")),
        {**states.EVENTS, **{st.code: st.name for st in flow.steps}},
    )


def event_dict(e: CaseEvent, labels: dict[str, str] | None = None) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "label": (labels or {}).get(e.kind) or e.label,
        "on": e.on,
        "days": e.days,
        "period": e.period,
        "note": e.note,
        "data": e.data,
        "actor": str(e.actor) if e.actor_id else "",
    }


def deadlines_dict(d: dl.CaseDeadlines | None) -> dict | None:
    if d is None:
        return None
    return {
        "next_due": d.next_due,
        "next_due_note": d.next_due_note,
        "overdue": d.overdue,
        "periods": [
            {
                "code": p.code,
                "name": p.name,
                "started_on": p.started_on,
                "due_on": p.due_on,
                "paused": p.paused,
                "met_on": p.met_on,
                "extended_by": p.extended_by,
                "overdue_days": p.overdue_days,
                "due_note": p.due_note,
                "overdue_note": p.overdue_note,
                "pause_capped_on": p.pause_capped_on,
            }
            for p in d.periods.values()
        ],
    }


# ---------------------------------------------------------------- zones


def zone_for(user, zone_code: str | None) -> Org:
    """The zone a figure or a report is about: the one named (in scope), else the user's own,
    else the only zone in the user's scope. 404 out of scope; RuleError when it is ambiguous."""
    zones = Org.objects.filter(kind=Org.Kind.ZONE)
    scope = scope_of(user)
    if scope == SCOPE_NONE:
        raise Http404("园区不存在或无权查看")
    if scope == SCOPE_OWN:
        raise PermissionDenied("全园区的统计只有创建办、领导和审核人员可以查看")
    if zone_code:
        zone = zones.filter(code=zone_code).first()
        if zone is None or not in_scope(user, zone):
            raise Http404("园区不存在或无权查看")
        return zone
    own = user.org.zone() if user.org_id else None
    if own is not None and in_scope(user, own):
        return own
    visible = list(zones.filter(path__startswith=user.org.path)) if user.org_id else []
    if len(visible) == 1:
        return visible[0]
    raise RuleError("zone", "请指定园区 zone（园区代码）")


def intake_zones(kind: str | None = None) -> list[dict]:
    """Zones that take public submissions (all zones, unless their intake settings close them)."""
    settings_by_zone = {s.zone_id: s for s in IntakeSettings.objects.all()}
    out = []
    for z in Org.objects.filter(kind=Org.Kind.ZONE).order_by("path"):
        s = settings_by_zone.get(z.pk)
        disclosure = s.disclosure_open if s else True
        complaint = s.complaint_open if s else True
        if (
            (kind == states.DISCLOSURE and not disclosure)
            or (kind == states.COMPLAINT and not complaint)
            or not (disclosure or complaint)
        ):
            continue
        out.append(
            {
                "code": z.code,
                "name": z.name,
                "disclosure": disclosure,
                "complaint": complaint,
                "agency": (s.agency_name if s and s.agency_name else z.name),
                "phone": s.phone if s else "",
                "address": s.address if s else "",
            }
        )
    return out


def agency_of(zone: Org) -> tuple[str, str]:
    s = IntakeSettings.objects.filter(zone=zone).first()
    return (s.agency_name if s and s.agency_name else zone.name), (s.contact if s else "")


def rule_versions() -> list[RuleSetVersion]:
    return list(RuleSetVersion.objects.order_by("kind", "-version"))


# ---------------------------------------------------------------- the annual report (政府信息公开工作年度报告)

REPORT_ROWS = [
    ("received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "三、本年度办理结果 （一）予以公开"),
    ("disclosed_already", "　　其中：已主动公开（告知获取方式）"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    *[
        (f"withheld:{k}", f"（三）不予公开 {i}.{v}")
        for i, (k, v) in enumerate(catalog.WITHHOLD_GROUNDS.items(), 1)
    ],
    ("not_exist", "（四）无法提供 1.本机关不掌握相关政府信息（信息不存在）"),
    ("not_responsible", "　　　　　　 其中：非本机关负责公开"),
    *[
        (f"not_processed:{k}", f"（五）不予处理 {i}.{v}")
        for i, (k, v) in enumerate(catalog.NOT_PROCESSED_GROUNDS.items(), 1)
    ],
    (
        "abandoned",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    ("finished", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]


def annual_report(zone: Org, year: int) -> dict:
    """The figures of the annual report's table for disclosure requests of a zone in `year`:
    counts per row of REPORT_ROWS, split by applicant kind (person / organisation / total),
    and the administrative reconsiderations and lawsuits (复议、诉讼) by result."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cases = list(Case.objects.filter(zone=zone, kind=states.DISCLOSURE, received_on__lte=end))
    finish: dict[int, CaseEvent] = {}
    appeals: dict[int, dict[str, str]] = {}
    for e in CaseEvent.objects.filter(
        case__in=[c.pk for c in cases], kind__in=("replied", "abandoned", "appealed")
    ).order_by("on", "id"):
        if e.kind == "appealed":
            if start <= e.on <= end or e.case_id in appeals:
                appeals.setdefault(e.case_id, {})[e.data.get("appeal", "")] = e.data.get(
                    "result", "pending"
                )
        elif e.case_id not in finish:
            finish[e.case_id] = e
    rows = {key: Counter() for key, _ in REPORT_ROWS}

    def add(key, c):
        rows[key][c.applicant_kind] += 1

    for c in cases:
        f = finish.get(c.pk)
        done_before = f is not None and f.on < start
        if start <= c.received_on <= end:
            add("received", c)
        elif not done_before:
            add("carried_over", c)
        if f is None or f.on > end:
            if not done_before:
                add("carried_forward", c)
            continue
        if f.on < start:
            continue
        add("finished", c)
        if f.kind == "abandoned":
            add("abandoned", c)
        elif c.reply_type in ("disclosed", "disclosed_already"):
            add("disclosed", c)
            if c.reply_type == "disclosed_already":
                add("disclosed_already", c)
        elif c.reply_type == "partial":
            add("partial", c)
        elif c.reply_type == "withheld":
            add(f"withheld:{c.reply_ground or 'law_prohibits'}", c)
        elif c.reply_type in ("not_exist", "not_responsible"):
            add("not_exist", c)
            if c.reply_type == "not_responsible":
                add("not_responsible", c)
        elif c.reply_type == "not_processed":
            add(f"not_processed:{c.reply_ground or 'repeat'}", c)
    table = {
        key: {
            "person": rows[key]["person"],
            "organisation": rows[key]["organisation"],
            "total": sum(rows[key].values()),
        }
        for key, _ in REPORT_ROWS
    }
    appeal_table = {kind: dict.fromkeys(catalog.APPEAL_RESULTS, 0) for kind in catalog.APPEAL_KINDS}
    for by_kind in appeals.values():
        for kind, result in by_kind.items():
            if kind in appeal_table:
                appeal_table[kind][result if result in catalog.APPEAL_RESULTS else "pending"] += 1
    for counts in appeal_table.values():
        counts["total"] = sum(counts.values())
    by_type = Counter(
        c.reply_type
        for c in cases
        if (f := finish.get(c.pk)) and start <= f.on <= end and f.kind == "replied"
    )
    return {
        "zone": zone.code,
        "zone_name": zone.name,
        "year": year,
        "rows": table,
        "by_reply_type": {k: by_type.get(k, 0) for k in catalog.REPLY_TYPES},
        "appeals": appeal_table,
    }
