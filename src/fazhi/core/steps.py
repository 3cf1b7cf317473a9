"""The steps of a case as data: its states and the events (办理事项) that move it between them.

Pure, no Django. A rule file (rules/disclosure.yaml, rules/complaint.yaml) declares them
under `states` and `steps` next to its periods (see the head of rules/disclosure.yaml);
`fazhi.core.step_rules` reads and checks them. Which period an event starts, pauses or
ends is said by the periods (`starts_on`, `ends_on`, ...), never twice.

What stays in code is what cannot be data: the registration (`received`, recorded when a
case is registered, never as a step) and the *handlers* - a step that asks for more than a
date and a note (a reply with its letter, an extension, a hand-over to a department) names
its handler, and a rule file naming a handler the register lacks is refused at load.

`allowed_events(steps, state)` and `next_state(steps, kind_label, state, event)` are the
state machine; refused events raise RuleError("kind", reason) with the reason in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import RuleError

RECEIVED = "received"  # the registration: the first state and the first event, never a step
RECEIVED_LABEL = "收到"
CLOSED = "closed"
EXTENDED = "extended"  # the step the deadline engine reads as an extension (handler extension)


@dataclass(frozen=True)
class State:
    code: str  # e.g. "accepted"; the value kept in the database
    name: str  # Chinese, e.g. "办理中"
    open: bool = False  # the office still owes an answer (counted as 未办结)


@dataclass(frozen=True)
class Step:
    """One event a case may record after its registration."""

    code: str  # the event kind kept in the database, e.g. "recheck_requested"
    name: str  # Chinese, e.g. "申请复核"
    sources: tuple[str, ...]  # states that allow it
    target: str = ""  # the state after it; "" = unchanged
    office_only: bool = False  # only the creation office may record it
    handler: str = ""  # the code that takes its fields (see registers.handlers); "" = date and note
    timely: bool = False  # only once, and only within the period it ends (补正告知, 申请复查)
    closes: bool = False  # records the closing date (办结日期)
    # (event kind, reason): refused unless one of these was recorded before
    requires: tuple[tuple[str, str], ...] = ()
    # (event kind, reason): refused once one of these was recorded
    barred_after: tuple[tuple[str, str], ...] = ()
    # (state, reason): the reason a user reads when that state refuses the step
    refusals: tuple[tuple[str, str], ...] = ()


def state_labels(states: tuple[State, ...]) -> dict[str, str]:
    return {s.code: s.name for s in states}


def event_labels(steps: tuple[Step, ...]) -> dict[str, str]:
    return {RECEIVED: RECEIVED_LABEL, **{s.code: s.name for s in steps}}


def open_states(states: tuple[State, ...]) -> frozenset[str]:
    return frozenset(s.code for s in states if s.open)


def allowed_events(steps: tuple[Step, ...], state: str) -> list[str]:
    """The steps the state allows, in the rule file's order (the buttons on a case page)."""
    return [s.code for s in steps if state in s.sources]


def find(steps: tuple[Step, ...], code: str) -> Step | None:
    return next((s for s in steps if s.code == code), None)


def next_state(
    steps: tuple[Step, ...],
    states: tuple[State, ...],
    kind_label: str,
    state: str,
    event: str,
    known: dict[str, str] | None = None,
) -> str:
    """The state after `event`; RuleError("kind", reason) when the state does not allow it.
    `known` labels event kinds of other case kinds, to say "X 没有 Y 这一办理事项"."""
    if event == RECEIVED:
        raise RuleError("kind", "“收到”只能在登记时记录")
    step = find(steps, event)
    if step is None:
        label = (known or {}).get(event)
        if label is None:
            raise RuleError("kind", f"未知的办理事项 {event}")
        raise RuleError("kind", f"{kind_label}没有“{label}”这一办理事项")
    if state not in step.sources:
        reason = dict(step.refusals).get(state)
        if reason is None:
            reason = (
                "案件已办结，不能再登记办理事项"
                if state == CLOSED
                else f"当前状态为“{state_labels(states).get(state, state)}”，不能{step.name}"
            )
        raise RuleError("kind", reason)
    return step.target or state


def check_history(step: Step, recorded: set[str]) -> None:
    """RuleError("kind", reason) when the events already recorded bar the step
    (`barred_after`) or lack one it requires (`requires`)."""
    for kind, reason in step.barred_after:
        if kind in recorded:
            raise RuleError("kind", reason)
    if step.requires and not any(kind in recorded for kind, _ in step.requires):
        raise RuleError("kind", step.requires[0][1])
