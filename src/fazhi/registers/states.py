"""The state machine of a case, per kind, as the rule files declare it (`states` and `steps`
in rules/disclosure.yaml and rules/complaint.yaml; fazhi.core.steps holds the logic).

A case moves by the steps of the rule set version it was received under (a version
loaded before steps were declared, 1 or 2, uses those of the rule files in the rules
directory). What the whole register shares - the labels of every state and event, which
states are open (未办结), for lists, filters and counts - is the *catalogue*: the steps of
the rule files in the rules directory (settings.FAZHI_RULES_DIR), read once per process
and checked like any rule file (a bad file stops with its errors).

As shipped:

    disclosure:  received → (correction_requested → corrected)* → accepted
                 → (consultation_started → consultation_ended)* → replied → closed
                 correction_requested → abandoned → closed    (no correction in time, art. 30)
    complaint:   received → accepted | rejected;  accepted → replied → closed
                 replied → review_requested → reviewed → closed   (复查)
                 reviewed → recheck_requested → rechecked → closed   (复核, the last step)

Code keeps the case kinds and the few state codes code itself branches on (RECEIVED,
REJECTED, CLOSED); state and event codes are the values kept in the database.
`STATES`, `EVENTS`, `OPEN_STATES` and `OFFICE_ONLY` are the catalogue's, read on access.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fazhi.core import deadlines as dl
from fazhi.core import steps as core

DISCLOSURE, COMPLAINT = "disclosure", "complaint"
KINDS = {DISCLOSURE: "依申请公开", COMPLAINT: "投诉举报"}

# The state codes code branches on (all others are data).
RECEIVED = core.RECEIVED
REJECTED = "rejected"
CLOSED = core.CLOSED


@dataclass(frozen=True)
class Flow:
    """One kind's states and steps."""

    states: tuple[core.State, ...]
    steps: tuple[core.Step, ...]


@dataclass(frozen=True)
class Catalogue:
    flows: dict[str, Flow]
    states: dict[str, str]  # every state code -> label
    events: dict[str, str]  # every event code -> label (received first)
    open_states: frozenset[str]
    office_only: frozenset[str]


# The handlers registers.handlers implements (it checks at import that it has exactly
# these): a step in a rule file may name one of them, and a file naming another is refused.
HANDLER_NAMES = frozenset(
    {
        "correction_request",
        "abandon",
        "assign",
        "transfer",
        "consultation",
        "extension",
        "reply",
        "reject",
        "request",
        "answer",
        "appeal",
    }
)

_lock = threading.Lock()


def rules_dir() -> Path:
    """The rule files: settings.FAZHI_RULES_DIR, else the repository's rules/."""
    return Path(
        getattr(settings, "FAZHI_RULES_DIR", None)
        or Path(settings.BASE_DIR).parent.parent / "rules"
    )


@lru_cache(maxsize=4)
def _catalogue_of(folder: Path) -> Catalogue:
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.yaml")):
        ruleset, errors = dl.load_rules_file(path, HANDLER_NAMES)
        if ruleset is not None and ruleset.kind not in KINDS:
            continue  # another register's periods (行政执法, 行政复议): its steps are its own
        if errors or ruleset is None:
            raise ImproperlyConfigured("期限规则文件有误：\n" + "\n".join(errors))
        if not ruleset.steps:
            raise ImproperlyConfigured(f"{path}: 缺少 states 与 steps（办理流程）")
        flows[ruleset.kind] = Flow(ruleset.states, ruleset.steps)
    missing = [k for k in KINDS if k not in flows]
    if missing:
        raise ImproperlyConfigured(f"{folder}: 缺少期限规则文件（{'、'.join(missing)}）")
    labels: dict[str, str] = {}
    events: dict[str, str] = {core.RECEIVED: core.RECEIVED_LABEL}
    for flow in flows.values():
        for s in flow.states:
            labels.setdefault(s.code, s.name)
        for st in flow.steps:
            events.setdefault(st.code, st.name)
    return Catalogue(
        flows=flows,
        states=labels,
        events=events,
        open_states=frozenset().union(*(core.open_states(f.states) for f in flows.values())),
        office_only=frozenset(st.code for f in flows.values() for st in f.steps if st.office_only),
    )


def catalogue() -> Catalogue:
    with _lock:
        return _catalogue_of(rules_dir().resolve())


def __getattr__(name: str):
    attr = {
        "STATES": "states",
        "EVENTS": "events",
        "OPEN_STATES": "open_states",
        "OFFICE_ONLY": "office_only",
    }.get(name)
    if attr is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(catalogue(), attr)


def open_states() -> frozenset[str]:
    """The states in which the office still owes an answer (未办结)."""
    return catalogue().open_states


def flow_of(kind: str, ruleset: dl.RuleSet | None = None) -> Flow:
    """The steps a case moves by: its rule set's, else (a version that declares none, or no
    rule set given) the catalogue's for its kind."""
    if ruleset is not None and ruleset.steps:
        return Flow(ruleset.states, ruleset.steps)
    flow = catalogue().flows.get(kind)
    return flow if flow is not None else Flow((), ())


def step_of(kind: str, event: str, ruleset: dl.RuleSet | None = None) -> core.Step | None:
    return core.find(flow_of(kind, ruleset).steps, event)


def state_label(code: str, ruleset: dl.RuleSet | None = None) -> str:
    if ruleset is not None and ruleset.states:
        label = core.state_labels(ruleset.states).get(code)
        if label:
            return label
    return catalogue().states.get(code, code)


def event_label(code: str, ruleset: dl.RuleSet | None = None) -> str:
    if ruleset is not None and ruleset.steps:
        label = core.event_labels(ruleset.steps).get(code)
        if label:
            return label
    return catalogue().events.get(code, code)


def allowed_events(kind: str, state: str, ruleset: dl.RuleSet | None = None) -> list[str]:
    """The events the state allows, in the rule file's order (the buttons on a case page)."""
    return core.allowed_events(flow_of(kind, ruleset).steps, state)


def next_state(kind: str, state: str, event: str, ruleset: dl.RuleSet | None = None) -> str:
    """The state after `event`; RuleError("kind", reason) when the state does not allow it."""
    flow = flow_of(kind, ruleset)
    return core.next_state(
        flow.steps, flow.states, KINDS.get(kind, kind), state, event, catalogue().events
    )


def table() -> list[dict]:
    """The transitions as rows (kind, event, from states, to state), for documentation pages."""
    return [
        {
            "kind": kind,
            "event": st.code,
            "from": sorted(st.sources),
            "to": st.target or None,
            "office_only": st.office_only,
        }
        for kind, flow in catalogue().flows.items()
        for st in flow.steps
    ]
