"""The `states` and `steps` of a rule file (see fazhi.core.steps), read and checked.

Pure, no Django; used by fazhi.core.deadline_rules on the same `Doc`, so every problem is
one line `PATH:LINE: message` (Chinese) naming the key at fault, collected with the
problems of the periods.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .steps import EXTENDED, RECEIVED, State, Step
from .yamldoc import Doc, Keys, is_null, line, string

STATE_KEYS = ("code", "name", "open")
STEP_KEYS = (
    "code",
    "name",
    "from",
    "to",
    "office_only",
    "handler",
    "timely",
    "closes",
    "requires",
    "barred_after",
    "refusals",
)
CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
BOOL = "tag:yaml.org,2002:bool"


def _flag(doc: Doc, keys: Keys, name: str, who: str) -> bool:
    if name not in keys:
        return False
    k, v = keys[name]
    if isinstance(v, ScalarNode) and v.tag == BOOL:
        return v.value.lower() in ("true", "yes", "on", "y")
    doc.error(line(k), f"{who}的 {name} 必须是 true 或 false")
    return False


def _code(doc: Doc, keys: Keys, at: int, noun: str, seen: dict[str, int]) -> str | None:
    if "code" not in keys:
        doc.error(at, f"{noun}缺少必填键 code")
        return None
    k, v = keys["code"]
    code = string(v)
    if not code or not CODE_RE.fullmatch(code):
        doc.error(line(k), f"{noun}的 code 只能由小写字母、数字和下划线组成，且以字母开头")
        return None
    if code in seen:
        doc.error(line(k), f'{noun} code "{code}" 重复（首次出现在第 {seen[code]} 行）')
        return None
    seen[code] = line(k)
    return code


def _name(doc: Doc, keys: Keys, at: int, who: str) -> str:
    if "name" not in keys:
        doc.error(at, f"{who}缺少必填键 name")
        return ""
    k, v = keys["name"]
    name = string(v) or ""
    if not name:
        doc.error(line(k), f"{who}的 name 必须是非空字符串（中文名称）")
    return name


def read_states(doc: Doc, node: Node) -> tuple[State, ...]:
    if not isinstance(node, SequenceNode) or not node.value:
        doc.error(line(node), "states（状态列表）必须是非空列表")
        return ()
    out: list[State] = []
    seen: dict[str, int] = {}
    for item in node.value:
        keys = doc.mapping(item, "状态")
        if keys is None:
            continue
        errors = len(doc.errors)
        code = _code(doc, keys, line(item), "状态", seen)
        who = f'状态 "{code}" ' if code else "状态"
        doc.unknown_keys(keys, STATE_KEYS, who)
        name = _name(doc, keys, line(item), who)
        is_open = _flag(doc, keys, "open", who)
        if len(doc.errors) == errors:
            out.append(State(code=code, name=name, open=is_open))
    if out and RECEIVED not in seen:
        doc.error(line(node), f"states 必须包含 {RECEIVED}（登记收到后的状态）")
    return tuple(out)


def _codes(doc: Doc, keys: Keys, name: str, who: str, known: Collection[str], noun: str):
    """A list (or a single code) of codes among `known`, each with its line."""
    if name not in keys:
        return []
    k, v = keys[name]
    if is_null(v):
        return []
    items = v.value if isinstance(v, SequenceNode) else [v]
    out = []
    for item in items:
        code = string(item)
        if not code:
            doc.error(line(item), f"{who}的 {name} 必须是{noun}代码（字符串）")
        elif code not in known:
            doc.error(
                line(item),
                f'{who}的 {name} 含未声明的{noun} "{code}"（已声明：{"、".join(known) or "无"}）',
            )
        elif code in out:
            doc.error(line(item), f'{who}的 {name} 中{noun} "{code}" 重复')
        else:
            out.append(code)
    return out


def _reasons(doc: Doc, keys: Keys, name: str, who: str, known: Collection[str], noun: str):
    """A mapping code -> reason (Chinese), the codes among `known`."""
    if name not in keys:
        return ()
    k, v = keys[name]
    if is_null(v):
        return ()
    if not isinstance(v, MappingNode):
        doc.error(line(k), f"{who}的 {name} 必须是映射（{noun}代码: 拒绝理由）")
        return ()
    out = []
    for kn, vn in v.value:
        code, reason = string(kn), string(vn)
        if not code or code not in known:
            doc.error(line(kn), f'{who}的 {name} 含未声明的{noun} "{kn.value}"')
        elif not reason:
            doc.error(line(vn), f'{who}的 {name} 中 "{code}" 的拒绝理由必须是非空字符串')
        else:
            out.append((code, reason))
    return tuple(out)


def read_steps(
    doc: Doc, node: Node, states: tuple[State, ...], handlers: Collection[str] | None
) -> tuple[Step, ...]:
    """The steps; `handlers` are the handler names the register has (None: not checked,
    for a file read outside the register)."""
    if not isinstance(node, SequenceNode) or not node.value:
        doc.error(line(node), "steps（办理事项列表）必须是非空列表")
        return ()
    state_codes = [s.code for s in states]
    # Step codes first: `requires` and `barred_after` may name a step declared further down.
    step_codes = [
        string(keys["code"][1])
        for item in node.value
        if (isinstance(item, MappingNode))
        and (keys := {k.value: (k, v) for k, v in item.value if isinstance(k, ScalarNode)})
        and "code" in keys
        and string(keys["code"][1])
    ]
    out: list[Step] = []
    seen: dict[str, int] = {}
    for item in node.value:
        keys = doc.mapping(item, "办理事项")
        if keys is None:
            continue
        errors = len(doc.errors)
        at = line(item)
        code = _code(doc, keys, at, "办理事项", seen)
        if code == RECEIVED:
            doc.error(line(keys["code"][0]), f"办理事项不能是 {RECEIVED}（收到在登记案件时记录）")
        who = f'办理事项 "{code}" ' if code else "办理事项"
        doc.unknown_keys(keys, STEP_KEYS, who)
        name = _name(doc, keys, at, who)
        sources = _codes(doc, keys, "from", who, state_codes, "状态")
        if "from" not in keys:
            doc.error(at, f"{who}缺少必填键 from（哪些状态下可以办理）")
        elif not sources and len(doc.errors) == errors:
            doc.error(line(keys["from"][0]), f"{who}的 from 不能为空")
        target = ""
        if "to" in keys and not is_null(keys["to"][1]):
            k, v = keys["to"]
            target = string(v) or ""
            if target not in state_codes:
                doc.error(
                    line(k),
                    f'{who}的 to 必须是已声明的状态（"{v.value}" 未声明；不写表示状态不变）',
                )
        handler = ""
        if "handler" in keys:
            k, v = keys["handler"]
            handler = string(v) or ""
            if not handler:
                doc.error(line(k), f"{who}的 handler 必须是字符串")
            elif handlers is not None and handler not in handlers:
                doc.error(
                    line(k),
                    f'{who}的 handler "{handler}" 不存在（系统提供：{"、".join(sorted(handlers))}；'
                    "不需要额外字段的办理事项不写 handler）",
                )
        if handler == "extension" and code and code != EXTENDED:
            doc.error(
                line(keys["handler"][0]),
                f"{who}的 handler extension 只能用于 code {EXTENDED}（期限计算按该代码识别延期）",
            )
        step = Step(
            code=code or "",
            name=name,
            sources=tuple(sources),
            target=target,
            office_only=_flag(doc, keys, "office_only", who),
            handler=handler,
            timely=_flag(doc, keys, "timely", who),
            closes=_flag(doc, keys, "closes", who),
            requires=_reasons(doc, keys, "requires", who, step_codes, "办理事项"),
            barred_after=_reasons(doc, keys, "barred_after", who, step_codes, "办理事项"),
            refusals=_reasons(doc, keys, "refusals", who, state_codes, "状态"),
        )
        if len(doc.errors) == errors:
            out.append(step)
    doc.step_lines = seen
    return tuple(out)


def check_timely(doc: Doc, steps: tuple[Step, ...], ended: set[str]) -> None:
    """A `timely` step is checked against the period it ends: one must end it."""
    for st in steps:
        if st.timely and st.code not in ended:
            doc.error(
                getattr(doc, "step_lines", {}).get(st.code, 1),
                f'办理事项 "{st.code}" 设置了 timely（只能在其结束的期限内办理），'
                "但没有期限的 ends_on 含有它",
            )
