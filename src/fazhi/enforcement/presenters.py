"""What the case page shows: the next allowed steps, each as a small form with the fields the
step needs (the services check them); the periods of the case in words."""

from __future__ import annotations

from datetime import date

from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core import hearing
from fazhi.core.errors import RuleError
from fazhi.registers import rules as rule_sets

YES = {"1": "是"}
PERIODS = {"file": "立案期限", "decide": "作出决定期限"}

# event -> fields beyond the date, note and the file: (name, label, kind, required, options)
STEP_FIELDS: dict[str, list[tuple]] = {
    "filed": [
        ("officers", "承办执法人员（至少 2 名持有效执法证）", "officers", True, None),
        ("major", "属于重大执法决定（须法制审核）", "check", False, None),
    ],
    "not_filed": [],
    "investigated": [],
    "notified": [
        ("penalty_kind", "拟作出的处罚种类", "select", True, enf.PENALTY_KINDS),
        ("amount", "拟罚款/没收金额（元）", "text", False, None),
        ("hearing_told", "已告知当事人有要求听证的权利", "check", False, None),
    ],
    "hearing_requested": [],
    "hearing_noticed": [
        ("hearing_on", "举行听证的日期（通知后至少七个工作日）", "date", True, None)
    ],
    "heard": [],
    "statement": [("statement", "陈述、申辩情况", "select", True, hearing.STATEMENTS)],
    "legal_reviewed": [("reviewer", "法制审核人员（须持有效执法证）", "officer", True, None)],
    "decided": [
        ("decision_kind", "决定类型", "select", True, enf.DECISION_KINDS),
        ("penalty_kind", "处罚种类", "select", False, enf.PENALTY_KINDS),
        ("amount", "罚款/没收金额（元）", "text", False, None),
        ("decision_no", "决定书文号", "text", True, None),
        ("decision_text", "处罚内容", "text", True, None),
        ("legal_basis", "法律依据", "text", True, None),
    ],
    "served": [],
    "executed": [],
    "closed": [],
    "archived": [],
    "extended": [
        ("period", "延长的期限", "select", True, PERIODS),
        ("days", "延长天数", "text", True, None),
        ("approved_by", "批准人", "text", True, None),
    ],
    "recorded": [],
    "published": [],
    "revoked": [],
    "publication_withdrawn": [],
    "reported_up": [],
}
NOTE_LABEL = {
    "not_filed": "不予立案的理由",
    "investigated": "调查终结报告（主要内容）",
    "legal_reviewed": "法制审核意见",
    "revoked": "撤销/变更的理由及机关",
    "served": "送达方式",
    "recorded": "记录内容",
    "hearing_noticed": "听证地点、主持人及通知方式",
    "heard": "听证笔录（主要内容）",
    "statement": "陈述、申辩的主要内容及采纳情况",
}
NOTE_REQUIRED = frozenset(
    {"not_filed", "investigated", "legal_reviewed", "revoked", "hearing_noticed", "heard"}
)


def step_forms(case, officers: list, form_kind: str = "", form=None) -> list[dict]:
    """The forms of the steps the case allows now; `form` (values, errors) refills the one
    refused, with everything typed kept."""
    out = []
    for kind in enf.allowed_events(case.state):
        if kind == "published" and case.published_on:
            continue
        if kind == "publication_withdrawn" and (
            not case.published_on or not case.revoked_on or case.withdrawn_on
        ):
            continue
        if kind == "revoked" and case.revoked_on:
            continue
        if kind == "reported_up" and (not case.major or case.reported_on):
            continue
        out.append(
            {
                "kind": kind,
                "label": enf.EVENTS[kind],
                "fields": STEP_FIELDS.get(kind, []),
                "note_label": NOTE_LABEL.get(kind, "说明"),
                "note_required": kind in NOTE_REQUIRED,
                "open": kind == form_kind,
                "form": form if kind == form_kind and form else {"values": {}, "errors": {}},
            }
        )
    return out


def periods(case, cal, today: date) -> list[dict]:
    """The periods of the case as the engine counts them today."""
    from .cases import events_of

    ruleset = rule_sets.ruleset_of(case.rules_id)
    try:
        result = dl.compute(ruleset, events_of(case.steps.all()), cal, today)
    except RuleError as exc:
        return [{"name": "期限无法计算", "text": exc.message}]
    rows = []
    for p in ruleset.periods:
        st = result.periods[p.code]
        if st.started_on is None:
            continue
        if st.met_on:
            state = f"已于 {st.met_on} 完成" + (
                "（逾期）" if st.due_on and st.met_on > st.due_on else ""
            )
        elif not p.duty and st.due_on and today > st.due_on:
            state = "期限已届满（当事人未行使）"
        elif st.overdue_days:
            state = f"已逾期 {st.overdue_days} {dl.UNITS[p.unit]}"
        else:
            state = "进行中"
        rows.append(
            {
                "name": p.name,
                "length": f"{p.length} {dl.UNITS[p.unit]}",
                "due_on": st.due_on,
                "note": st.due_note,
                "extended": st.extended_by,
                "state": state,
                "overdue": bool(st.overdue_days),
                "basis": p.basis,
            }
        )
    return rows
