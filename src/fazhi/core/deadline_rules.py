"""The rule files (rules/disclosure.yaml, rules/complaint.yaml) read into a `RuleSet`: the
periods, and the case's states and steps when declared (read by fazhi.core.step_rules).

Pure, no Django. `load_rules(text, path)` / `load_rules_file(path)` -> `(RuleSet | None,
errors)`; every problem is one line `PATH:LINE: message` (Chinese). The keys are described
at the top of rules/disclosure.yaml; `deadlines` holds what they mean when counting.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from .deadlines import DAYS, EVENT_KINDS, EXTENDED, RULE_KINDS, UNITS, WORKDAYS, Period, RuleSet
from .enforcement import PENALTY_KINDS
from .hearing import read_hearing
from .step_rules import check_timely, read_states, read_steps
from .steps import event_labels
from .yamldoc import INT, Doc, Keys, is_null, line, optional_string, string

__all__ = ["load_rules", "load_rules_file"]

TOP_KEYS = (
    "kind",
    "title",
    "version",
    "roll_over_basis",
    "periods",
    "states",
    "steps",
    "hearing",
)
PERIOD_KEYS = (
    "code",
    "name",
    "length",
    "unit",
    "starts_on",
    "restarts_on",
    "pauses_on",
    "resumes_on",
    "ends_on",
    "extension_max",
    "extensions_allowed",
    "duty",
    "basis",
    "pause_cap",
)
EVENT_LISTS = ("restarts_on", "pauses_on", "resumes_on", "ends_on")
PERIOD_CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
BOOL = "tag:yaml.org,2002:bool"


def _int(node: Node) -> int | None:
    """A plain decimal integer scalar (not a string, bool, float or `0x…`), else None."""
    if (
        isinstance(node, ScalarNode)
        and node.tag == INT
        and re.fullmatch(r"[-+]?[0-9]+", node.value)
    ):
        return int(node.value)
    return None


class _Rules(Doc):
    doc_name = "期限规则"
    max_depth = 1

    def __init__(self, path: str):
        super().__init__(path)
        self.caps: list[tuple[int, str, str | None, str]] = []  # checked once all codes are known
        # The event kinds periods may name: the file's own steps when it declares them.
        self.vocabulary: dict[str, str] = EVENT_KINDS

    def count(
        self, keys: Keys, name: str, who: str, *, minimum: int, required_at: int | None = None
    ) -> int | None:
        if name not in keys:
            if required_at is not None:
                self.error(required_at, f"{who}缺少必填键 {name}")
            return None
        k, v = keys[name]
        value = _int(v)
        if value is None:
            self.error(line(k), f"{who}的 {name} 必须是整数")
        elif value < 0:
            self.error(line(k), f"{who}的 {name} 不能为负数")
        elif value < minimum:
            self.error(line(k), f"{who}的 {name} 必须大于 0")
        else:
            return value
        return None

    def event_kind(self, node: Node, name: str, who: str) -> str | None:
        kind = string(node)
        if not kind:
            self.error(line(node), f"{who}的 {name} 必须是事件类型（字符串）")
            return None
        if kind not in self.vocabulary:
            usable = "、".join(k for k in self.vocabulary if k != EXTENDED)
            self.error(line(node), f'{who}的 {name} 含未知的事件类型 "{kind}"（可用：{usable}）')
            return None
        if kind == EXTENDED:
            self.error(
                line(node), f"{who}的 {name} 不能是 {EXTENDED}（延长期限只按 extension_max 计算）"
            )
            return None
        return kind

    def event_list(self, keys: Keys, name: str, who: str) -> tuple[str, ...]:
        """A list of event kinds, or a single one; () when absent or empty."""
        if name not in keys:
            return ()
        v = keys[name][1]
        if is_null(v):
            return ()
        items = v.value if isinstance(v, SequenceNode) else [v]
        out: list[str] = []
        for item in items:
            kind = self.event_kind(item, name, who)
            if kind is None:
                continue
            if kind in out:
                self.error(line(item), f'{who}的 {name} 中事件类型 "{kind}" 重复')
                continue
            out.append(kind)
        return tuple(out)

    def period(self, node: Node, codes: dict[str, int]) -> Period | None:
        at = line(node)
        keys = self.entry(node, "期限", 1)
        if keys is None:
            return None
        errors = len(self.errors)
        code = None
        if "code" not in keys:
            self.error(at, "期限缺少必填键 code")
        else:
            k, v = keys["code"]
            code = string(v)
            if not code or not PERIOD_CODE_RE.fullmatch(code):
                self.error(line(k), "期限的 code 只能由小写字母、数字和下划线组成，且以字母开头")
                code = None
            elif code in codes:
                self.error(line(k), f'期限 code "{code}" 重复（首次出现在第 {codes[code]} 行）')
            else:
                codes[code] = line(k)
        who = f'期限 "{code}" ' if code else "期限"
        self.unknown_keys(keys, PERIOD_KEYS, who)

        name = self.field(
            keys,
            "name",
            lambda n: string(n) or None,
            f"{who}的 name 必须是非空字符串",
            required_at=at,
        )
        length = self.count(keys, "length", who, minimum=1, required_at=at)
        unit = self.field(
            keys,
            "unit",
            lambda n: string(n) if string(n) in UNITS else None,
            f"{who}的 unit 只能是 {WORKDAYS}（工作日）或 {DAYS}（自然日）",
            required_at=at,
        )
        starts_on = None
        if "starts_on" not in keys:
            self.error(at, f"{who}缺少必填键 starts_on")
        else:
            starts_on = self.event_kind(keys["starts_on"][1], "starts_on", who)
        lists = {name_: self.event_list(keys, name_, who) for name_ in EVENT_LISTS}
        if "ends_on" not in keys:
            self.error(at, f"{who}缺少必填键 ends_on（期限因哪些事件而满足）")
        elif is_null(v := keys["ends_on"][1]) or isinstance(v, SequenceNode) and not v.value:
            self.error(
                line(keys["ends_on"][0]), f"{who}的 ends_on 不能为空（期限因哪些事件而满足）"
            )
        if bool(lists["pauses_on"]) != bool(lists["resumes_on"]):
            self.error(at, f"{who}的 pauses_on 与 resumes_on 须同时设置（暂停的期限须能恢复）")
        # One role per event kind: an event must not both start and end a period, etc.
        roles: dict[str, str] = {}
        if starts_on:
            roles[starts_on] = "starts_on"
        for name_, kinds in lists.items():
            for kind in kinds:
                if kind in roles:
                    self.error(
                        line(keys[name_][0]),
                        f'{who}中事件类型 "{kind}" 同时出现在 {roles[kind]} 与 {name_} 中',
                    )
                else:
                    roles[kind] = name_
        ext_max = self.count(keys, "extension_max", who, minimum=0)
        ext_allowed = self.count(keys, "extensions_allowed", who, minimum=0)
        valid = all(
            name_ not in keys or value is not None
            for name_, value in (("extension_max", ext_max), ("extensions_allowed", ext_allowed))
        )
        if valid and (ext_allowed or 0) > 0 and not (ext_max or 0) > 0:
            self.error(
                at,
                f"{who}设置了 extensions_allowed（延长次数），须同时设置 extension_max"
                "（延长期限合计的上限，大于 0）",
            )
        duty = True
        if "duty" in keys:
            k, v = keys["duty"]
            if isinstance(v, ScalarNode) and v.tag == BOOL:
                duty = v.value.lower() in ("true", "yes", "on", "y")
            else:
                self.error(line(k), f"{who}的 duty 必须是 true 或 false")
        basis = self.field(keys, "basis", optional_string, f"{who}的 basis 必须是字符串") or ""
        pause_cap = ""
        if "pause_cap" in keys:
            k, v = keys["pause_cap"]
            pause_cap = string(v) or ""
            if not PERIOD_CODE_RE.fullmatch(pause_cap):
                self.error(line(k), f"{who}的 pause_cap 必须是另一个期限的 code")
            elif not lists["pauses_on"]:
                self.error(line(k), f"{who}设置了 pause_cap，但没有 pauses_on（没有可封顶的中止）")
            else:
                self.caps.append((line(k), who, code, pause_cap))
        if len(self.errors) != errors:
            return None
        return Period(
            code=code,
            name=name,
            length=length,
            unit=unit,
            starts_on=starts_on,
            restarts_on=lists["restarts_on"],
            pauses_on=lists["pauses_on"],
            resumes_on=lists["resumes_on"],
            ends_on=lists["ends_on"],
            extension_max=ext_max or 0,
            extensions_allowed=ext_allowed or 0,
            basis=basis,
            duty=duty,
            pause_cap=pause_cap,
        )


def load_rules(
    text: str, path: str, handlers: Collection[str] | None = None
) -> tuple[RuleSet | None, list[str]]:
    """Parse and validate one rule file. Never raises on bad input: the RuleSet is None
    and the errors (`PATH:LINE: message`, in line order) say why. `handlers`: the step
    handlers the register has (a step naming another is refused); None skips that check."""
    doc = _Rules(path)
    parsed = doc.document(text, TOP_KEYS)
    if parsed is None:
        return None, doc.lines(doc.errors)
    top, keys = parsed
    kind = doc.field(
        keys,
        "kind",
        lambda n: string(n) if string(n) in RULE_KINDS else None,
        f"kind 只能是 {'、'.join(f'{k}（{v}）' for k, v in RULE_KINDS.items())}",
        required_at=top,
    )
    title = doc.field(
        keys, "title", lambda n: string(n) or None, "title 必须是非空字符串", required_at=top
    )
    version = doc.field(
        keys,
        "version",
        lambda n: v if (v := _int(n)) is not None and v >= 1 else None,
        "version 必须是正整数",
        required_at=top,
    )
    roll_over_basis = (
        doc.field(keys, "roll_over_basis", optional_string, "roll_over_basis 必须是字符串") or ""
    )
    states, steps = (), ()
    if ("states" in keys) != ("steps" in keys):
        have, lack = ("states", "steps") if "states" in keys else ("steps", "states")
        doc.error(
            line(keys[have][0]), f"设置了 {have}，须同时设置 {lack}（状态与办理事项一起声明）"
        )
    elif "states" in keys:
        states = read_states(doc, keys["states"][1])
        steps = read_steps(doc, keys["steps"][1], states, handlers)
        doc.vocabulary = event_labels(steps)
    periods: list[Period] = []
    if "periods" not in keys:
        doc.error(top, "缺少必填键 periods（期限列表）")
    else:
        k, v = keys["periods"]
        if not isinstance(v, SequenceNode) or not v.value:
            doc.error(line(k), "periods（期限列表）必须是非空列表")
        else:
            codes: dict[str, int] = {}
            for node in v.value:
                p = doc.period(node, codes)
                if p is not None:
                    periods.append(p)
            for at, who, code, cap in doc.caps:
                if cap == code or cap not in codes:
                    doc.error(at, f'{who}的 pause_cap "{cap}" 必须是本文件中另一个期限的 code')
            check_timely(doc, steps, {k for p in periods for k in p.ends_on})
    hearing_rules = None
    if "hearing" in keys:
        if kind != "enforcement":
            doc.error(
                line(keys["hearing"][0]), "只有行政执法（kind: enforcement）的规则可以设置 hearing"
            )
        else:
            hearing_rules = read_hearing(doc, keys["hearing"][1], PENALTY_KINDS)
    errors = doc.lines(doc.errors)
    if errors:
        return None, errors
    ruleset = RuleSet(
        kind=kind,
        title=title,
        version=version,
        periods=tuple(periods),
        roll_over_basis=roll_over_basis,
        states=states,
        steps=steps,
        hearing=hearing_rules,
    )
    return ruleset, []


def load_rules_file(
    path: str | Path, handlers: Collection[str] | None = None
) -> tuple[RuleSet | None, list[str]]:
    """Read a rule file (UTF-8) and load it; the path as given names it in messages."""
    doc = _Rules(str(path))
    text = doc.read(path)
    if text is None:
        return None, doc.lines(doc.errors)
    return load_rules(text.removeprefix("\ufeff"), str(path), handlers)
