"""The steps of a case (states and events) come from the rule files: a new step is a data
change, a malformed declaration is refused at load naming the file, the line and the key.

The complaint below is received on Monday 3 March 2025 and accepted the same day; a
hearing (听证) started on 10 March with a 10-day report period ends 20 March 2025
(calendar days, the start day not counted: 11..20 March; the 20th is a Thursday).
"""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

import pytest

from fazhi.core import steps as core
from fazhi.core.deadlines import load_rules
from fazhi.core.errors import RuleError
from fazhi.registers import states
from fazhi.registers.events import record_event
from fazhi.registers.models import Case, RuleSetVersion
from fazhi.registers.rules import RulesRefused, load_shipped
from fazhi.registers.rules import load_rules as load_rule_file
from fazhi.registers.selectors import RegisterFilter, case_row, case_view, register
from fazhi.registers.services import register_case
from fazhi.workdays.selectors import get_calendar

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 6, 30)

# The state machine as it was fixed in code before the rule files declared it: the shipped
# files must give exactly this (kind, event) -> (states allowing it, state after it).
_BEFORE = frozenset({"received", "corrected"})
_HANDLING = frozenset({"received", "correction_requested", "corrected", "accepted", "consulting"})
EXPECTED = {
    ("disclosure", "correction_requested"): (_BEFORE, "correction_requested"),
    ("disclosure", "corrected"): ({"correction_requested"}, "corrected"),
    ("disclosure", "abandoned"): ({"correction_requested"}, "abandoned"),
    ("disclosure", "accepted"): (_BEFORE, "accepted"),
    ("disclosure", "assigned"): (_HANDLING, None),
    ("disclosure", "transferred"): (_HANDLING, None),
    ("disclosure", "consultation_started"): ({"accepted"}, "consulting"),
    ("disclosure", "consultation_delivered"): ({"consulting"}, None),
    ("disclosure", "consultation_ended"): ({"consulting"}, "accepted"),
    ("disclosure", "extended"): ({"accepted"}, None),
    ("disclosure", "replied"): ({"accepted"}, "replied"),
    ("disclosure", "appealed"): ({"replied", "closed"}, None),
    ("disclosure", "closed"): ({"replied", "abandoned"}, "closed"),
    ("complaint", "accepted"): ({"received"}, "accepted"),
    ("complaint", "rejected"): ({"received"}, "rejected"),
    ("complaint", "assigned"): ({"received", "accepted"}, None),
    ("complaint", "transferred"): ({"received", "accepted"}, None),
    ("complaint", "extended"): ({"accepted"}, None),
    ("complaint", "replied"): ({"accepted"}, "replied"),
    ("complaint", "reply_delivered"): ({"replied", "closed"}, None),
    ("complaint", "review_requested"): ({"replied", "closed"}, "review_requested"),
    ("complaint", "review_replied"): ({"review_requested"}, "reviewed"),
    ("complaint", "review_delivered"): ({"reviewed", "closed"}, None),
    ("complaint", "recheck_requested"): ({"reviewed", "closed"}, "recheck_requested"),
    ("complaint", "recheck_replied"): ({"recheck_requested"}, "rechecked"),
    ("complaint", "closed"): ({"replied", "rejected", "reviewed", "rechecked"}, "closed"),
}
OPEN = {
    "received",
    "correction_requested",
    "corrected",
    "accepted",
    "consulting",
    "review_requested",
    "recheck_requested",
}


def test_the_shipped_files_give_the_state_machine_exhaustively():
    cat = states.catalogue()
    assert set(cat.open_states) == OPEN
    assert {(r["kind"], r["event"]) for r in states.table()} == set(EXPECTED)
    for kind, flow in cat.flows.items():
        codes = [s.code for s in flow.states]
        for state, step in product(codes, flow.steps):
            sources, target = EXPECTED[(kind, step.code)]
            if state in sources:
                assert states.next_state(kind, state, step.code) == (target or state)
            else:
                with pytest.raises(RuleError) as exc:
                    states.next_state(kind, state, step.code)
                assert exc.value.field == "kind" and exc.value.message
    # the specific reasons travelled with their steps
    with pytest.raises(RuleError, match="尚未复查，不能申请复核"):
        states.next_state("complaint", "replied", "recheck_requested")
    with pytest.raises(RuleError, match="投诉举报没有“征求第三方意见”这一办理事项"):
        states.next_state("complaint", "accepted", "consultation_started")


@pytest.fixture
def office(workcalendar, users, settings):
    settings.FAZHI_TODAY = TODAY
    return users["office"]


def _complaint(office, received="2025-03-03"):
    data = {
        "kind": "complaint",
        "zone": "zy-gxq",
        "channel": "hotline",
        "received_on": received,
        "name": "李四",
        "phone": "13900139000",
        "subject": "项目验收拖延",
        "content": "某项目验收拖延半年",
    }
    return register_case(office, data, today=TODAY)[0]


HEARING_STATE = "  - {code: hearing, name: 听证中, open: true}\n"
HEARING_STEPS = """  - code: hearing_started
    name: 举行听证
    from: [accepted]
    to: hearing
    office_only: true
    refusals:
      received: 尚未受理，不能举行听证

  - code: hearing_ended
    name: 听证结束
    from: [hearing]
    to: accepted

"""
HEARING_PERIOD = """
  - code: hearing_report
    name: 听证报告期限
    length: 10
    unit: days
    starts_on: hearing_started
    ends_on: [hearing_ended]
    basis: 《信访工作条例》第三十四条（示例：听证）
"""


def _with_hearing(folder: Path) -> Path:
    """The shipped rules with a hearing step added to complaints: data only, no code."""
    folder.mkdir()
    text = (ROOT / "rules" / "complaint.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 3", "version: 4", 1)
    text = text.replace("\nsteps:\n", f"{HEARING_STATE}\nsteps:\n{HEARING_STEPS}", 1)
    (folder / "complaint.yaml").write_text(text.rstrip() + "\n" + HEARING_PERIOD, "utf-8")
    (folder / "disclosure.yaml").write_text(
        (ROOT / "rules" / "disclosure.yaml").read_text(encoding="utf-8"), "utf-8"
    )
    return folder


def test_a_step_added_in_the_rules_file_is_recorded_through_the_service(office, tmp_path, settings):
    folder = _with_hearing(tmp_path / "rules")
    settings.FAZHI_RULES_DIR = str(folder)  # the administrator edits the rules directory
    loaded = load_shipped(folder)
    assert [(row.kind, row.version, created) for row, created in loaded] == [
        ("complaint", 4, True),
        ("disclosure", 3, True),
    ]
    case = _complaint(office)
    assert case.rules.version == 4
    # the refusal declared with the step: not before acceptance
    with pytest.raises(RuleError, match="尚未受理，不能举行听证"):
        record_event(office, case.pk, {"kind": "hearing_started", "on": "2025-03-04"}, TODAY)
    record_event(office, case.pk, {"kind": "accepted", "on": "2025-03-03"}, today=TODAY)
    ev = record_event(office, case.pk, {"kind": "hearing_started", "on": "2025-03-04"}, TODAY)
    assert (ev.kind, Case.objects.get(pk=case.pk).state) == ("hearing_started", "hearing")


def test_hearing_moves_the_case_and_its_period(office, tmp_path, settings):
    folder = _with_hearing(tmp_path / "rules")
    settings.FAZHI_RULES_DIR = str(folder)
    load_shipped(folder)
    case = _complaint(office)
    record_event(office, case.pk, {"kind": "accepted", "on": "2025-03-03"}, today=TODAY)
    view = case_view(office, case.pk, get_calendar(), date(2025, 3, 10))
    assert "hearing_started" in view.allowed_events
    assert view.labels["hearing_started"] == "举行听证"

    ev = record_event(
        office, case.pk, {"kind": "hearing_started", "on": "2025-03-10", "note": "公开听证"}, TODAY
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.state, ev.label) == ("hearing", "举行听证")
    view = case_view(office, case.pk, get_calendar(), date(2025, 3, 12))
    assert view.deadlines.periods["hearing_report"].due_on == date(2025, 3, 20)
    assert view.allowed_events == ["hearing_ended"]
    row = case_row(case, TODAY)
    assert row["state_label"] == "听证中"
    # an open state of the rules: in the register's "open" filter
    assert case in register(office, RegisterFilter(state="open"), TODAY)

    record_event(office, case.pk, {"kind": "hearing_ended", "on": "2025-03-18"}, TODAY)
    case = Case.objects.get(pk=case.pk)
    assert case.state == "accepted"
    view = case_view(office, case.pk, get_calendar(), TODAY)
    assert view.deadlines.periods["hearing_report"].met_on == date(2025, 3, 18)


def test_a_case_under_rules_that_declare_no_steps_uses_the_rules_directory(office):
    load_shipped(ROOT / "rules")
    current = RuleSetVersion.objects.get(kind="complaint", version=3)
    content = {k: v for k, v in current.content.items() if k not in ("states", "steps")}
    old = RuleSetVersion.objects.create(
        kind="complaint", version=2, title="旧版", content=content, digest="x", source_text=""
    )
    case = _complaint(office)
    Case.objects.filter(pk=case.pk).update(rules=old)
    record_event(office, case.pk, {"kind": "accepted", "on": "2025-03-03"}, today=TODAY)
    assert Case.objects.get(pk=case.pk).state == "accepted"


MALFORMED = """kind: complaint
title: 投诉举报
version: 9
states:
  - {code: received, name: 已收到}
  - {code: accepted, name: 办理中, open: yes please}
steps:
  - code: accepted
    name: 受理
    from: [received]
    to: accepted
  - code: texted
    name: 短信告知
    from: [recieved]
    to: texting
    handler: sms
  - code: hearing
    from: [accepted]
    colour: red
periods:
  - code: accept
    name: 受理告知期限
    length: 15
    unit: days
    starts_on: received
    ends_on: [answered]
"""


@pytest.mark.django_db
def test_a_malformed_steps_declaration_is_refused_naming_file_line_and_key(tmp_path):
    path = tmp_path / "complaint.yaml"
    path.write_text(MALFORMED, encoding="utf-8")
    with pytest.raises(RulesRefused) as exc:
        load_rule_file(path)
    errors = exc.value.errors
    p = str(path)
    assert f'{p}:6: 状态 "accepted" 的 open 必须是 true 或 false' in errors
    assert any(
        e.startswith(f'{p}:14: 办理事项 "texted" 的 from 含未声明的状态 "recieved"') for e in errors
    )
    assert any(e.startswith(f'{p}:15: 办理事项 "texted" 的 to 必须是已声明的状态') for e in errors)
    assert any(
        e.startswith(f'{p}:16: 办理事项 "texted" 的 handler "sms" 不存在（系统提供：')
        for e in errors
    )
    assert f'{p}:17: 办理事项 "hearing" 缺少必填键 name' in errors
    assert any(e.startswith(f'{p}:19: 办理事项 "hearing" 含未知的键 "colour"') for e in errors)
    assert any(
        e.startswith(f'{p}:26: 期限 "accept" 的 ends_on 含未知的事件类型 "answered"')
        for e in errors
    )
    assert not RuleSetVersion.objects.filter(version=9).exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("states:\n  - {code: received, name: 收到}\n", "设置了 states，须同时设置 steps"),
        (
            "states:\n  - {code: accepted, name: 办理中}\nsteps:\n  - {code: accepted, name: 受理, from: [accepted]}\n",
            "states 必须包含 received",
        ),
        (
            "states:\n  - {code: received, name: 收到}\nsteps:\n  - {code: received, name: 收到, from: [received]}\n",
            "办理事项不能是 received",
        ),
        (
            "states:\n  - {code: received, name: 收到}\nsteps:\n  - {code: x, name: 叉, from: [received], requires: {y: 理由}}\n",
            '办理事项 "x" 的 requires 含未声明的办理事项 "y"',
        ),
        (
            "states:\n  - {code: received, name: 收到}\nsteps:\n  - {code: x, name: 叉, from: [received], timely: true}\n",
            '办理事项 "x" 设置了 timely（只能在其结束的期限内办理），但没有期限的 ends_on 含有它',
        ),
        (
            "states:\n  - {code: received, name: 收到}\nsteps:\n  - {code: delay, name: 延, from: [received], handler: extension}\n",
            '办理事项 "delay" 的 handler extension 只能用于 code extended',
        ),
    ],
)
def test_steps_declarations_checked_one_by_one(text, message):
    head = "kind: complaint\ntitle: t\nversion: 1\n"
    period = "periods:\n  - {code: a, name: n, length: 1, unit: days, starts_on: received, ends_on: [received]}\n"
    ruleset, errors = load_rules(head + text + period, "c.yaml", {"reply", "extension"})
    assert ruleset is None and any(message in e for e in errors), errors


def test_core_state_machine_uses_declared_refusals_and_history():
    st = (core.State("received", "收到", True), core.State("done", "完成"))
    steps = (
        core.Step("finish", "完成", ("received",), "done", refusals=(("done", "已完成"),)),
        core.Step(
            "again",
            "再次",
            ("done",),
            requires=(("finish", "须先完成"),),
            barred_after=(("again", "只能一次"),),
        ),
    )
    assert core.next_state(steps, st, "类", "received", "finish") == "done"
    with pytest.raises(RuleError, match="已完成"):
        core.next_state(steps, st, "类", "done", "finish")
    with pytest.raises(RuleError, match="当前状态为“收到”，不能再次"):
        core.next_state(steps, st, "类", "received", "again")
    with pytest.raises(RuleError, match="须先完成"):
        core.check_history(steps[1], set())
    with pytest.raises(RuleError, match="只能一次"):
        core.check_history(steps[1], {"finish", "again"})
    core.check_history(steps[1], {"finish"})
    assert core.allowed_events(steps, "done") == ["again"]
