"""The work-plan file format (plans/*.yaml): parse, validate, digest.

Pure Python + PyYAML, no Django, like the scoring-table format in
`fazhi.frameworks.schema` (both build on `fazhi.core.yamldoc`): the CLI, the loader
and the tests share one validator.
Every problem is one line `PATH:LINE: message` (Chinese, for the clerk who edits the
file) and all problems are collected: one bad task must not hide the next.

A plan file holds the 重点任务 (`tasks`: areas 一、二… with their numbered tasks, which
may nest further) and the 保障措施 (`safeguards`). Both become `TemplateTask` trees in
`ParsedPlan.areas`, key-task areas first, then the safeguards; `kind` tells them apart
("area" / "task" / "safeguard"). Nothing is invented: lead and support orgs and
scoring-table links are only what the file says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from fazhi.core.plan import TemplateTask
from fazhi.core.yamldoc import (
    INT,
    Doc,
    is_null,
    line,
    optional_string,
    sm3_json,
    string,
)

TOP_KEYS = ("code", "title", "source", "version", "tasks", "safeguards")
TASK_KEYS = ("number", "title", "text", "lead", "support", "indicators", "children")
MAX_DEPTH = 10  # area > task > sub-task is three; this only stops runaway nesting
TITLE_MAX = 200  # the database's task title length
PATH_MAX = 40  # the database's task number length, for the full path such as 一.1.2

AREA = "area"
TASK = "task"
SAFEGUARD = "safeguard"
SAFEGUARD_PREFIX = "保障"  # path numbers of safeguards: 保障.一, 保障.一.1


@dataclass(frozen=True)
class ParsedPlan:
    code: str
    title: str
    source: str
    version: int
    areas: tuple[TemplateTask, ...]  # the 重点任务 areas, then the 保障措施
    errors: list[str]
    warnings: list[str]
    digest: str  # SM3 of the canonical content; "" when there are errors

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key_areas(self) -> tuple[TemplateTask, ...]:
        """The 重点任务 areas only."""
        return tuple(a for a in self.areas if a.kind != SAFEGUARD)

    @property
    def safeguards(self) -> tuple[TemplateTask, ...]:
        """The 保障措施 only."""
        return tuple(a for a in self.areas if a.kind == SAFEGUARD)


# --- public API -------------------------------------------------------------------


def parse_plan(
    text: str,
    path: str,
    known_orgs: set[str] | None = None,
    known_indicators: set[str] | None = None,
) -> ParsedPlan:
    """Parse and validate one plan file. Never raises on bad input: see `.errors`.

    With `known_orgs`, every lead/support org code must be in it; with
    `known_indicators`, every scoring-table item code must be in it. Without them
    those references are only checked for their shape.
    """
    ctx = _Ctx(path, known_orgs, known_indicators)
    doc = ctx.document(text, TOP_KEYS)
    if doc is None:
        return ctx.result({}, ())
    top, keys = doc
    head = ctx.head(
        keys, top, code=lambda n: _text(n, numeric_ok=True), version=_to_int, optional=("source",)
    )

    areas: list[TemplateTask] = []
    if "tasks" in keys:
        k, v = keys["tasks"]
        if not isinstance(v, SequenceNode) or not v.value:
            ctx.error(line(k), "tasks（重点任务）必须是非空列表")
        else:
            areas.extend(ctx.siblings(v.value, AREA, (), "重点任务", 1))
    else:
        ctx.error(top, "缺少必填键 tasks（重点任务）")
    if "safeguards" in keys:
        k, v = keys["safeguards"]
        if isinstance(v, SequenceNode):
            areas.extend(ctx.siblings(v.value, SAFEGUARD, (SAFEGUARD_PREFIX,), "保障措施", 1))
        elif not is_null(v):
            ctx.error(line(k), "safeguards（保障措施）必须是列表")
    return ctx.result(head, tuple(areas))


def parse_plan_file(
    path: str | Path,
    known_orgs: set[str] | None = None,
    known_indicators: set[str] | None = None,
) -> ParsedPlan:
    """Read a plan file (UTF-8) and parse it; the path as given names it in messages."""
    ctx = _Ctx(str(path), None, None)
    text = ctx.read(path)
    if text is None:
        return ctx.result({}, ())
    text = text.removeprefix("\ufeff")  # a BOM, as Windows editors write it: harmless, dropped
    return parse_plan(text, str(path), known_orgs, known_indicators)


def walk_tasks(
    areas: tuple[TemplateTask, ...] | list[TemplateTask],
) -> Iterator[tuple[str, int, TemplateTask]]:
    """Yield (path number, depth, task) in file order, parents before their children.

    The path joins the numbers with "."; safeguards are prefixed so they never clash
    with key-task areas of the same number: "一", "一.1", "一.1.2", "保障.一".
    Depth is 1 for areas and safeguards.
    """
    for area in areas:
        prefix = (SAFEGUARD_PREFIX,) if area.kind == SAFEGUARD else ()
        yield from _walk(area, prefix, 1)


def task_to_dict(task: TemplateTask) -> dict:
    """Plain JSON-ready form of a task tree (the stored template content)."""
    return {
        "number": task.number,
        "title": task.title,
        "text": task.text,
        "kind": task.kind,
        "lead": task.lead,
        "support": list(task.support),
        "indicators": list(task.indicators),
        "children": [task_to_dict(c) for c in task.children],
    }


def task_from_dict(data: dict) -> TemplateTask:
    """The inverse of `task_to_dict` (lines are not stored, so `line` is 0)."""
    return TemplateTask(
        number=data["number"],
        title=data["title"],
        text=data.get("text", ""),
        kind=data.get("kind", TASK),
        lead=data.get("lead"),
        support=tuple(data.get("support", ())),
        indicators=tuple(data.get("indicators", ())),
        children=tuple(task_from_dict(c) for c in data.get("children", ())),
    )


# --- helpers ----------------------------------------------------------------------


def _walk(
    task: TemplateTask, prefix: tuple[str, ...], depth: int
) -> Iterator[tuple[str, int, TemplateTask]]:
    here = (*prefix, task.number)
    yield ".".join(here), depth, task
    for child in task.children:
        yield from _walk(child, here, depth + 1)


def _text(node: Node, *, numeric_ok: bool = False) -> str | None:
    """A string scalar, stripped. With numeric_ok, an int such as `number: 1` gives "1",
    the digits as written."""
    if (
        numeric_ok
        and isinstance(node, ScalarNode)
        and node.tag == INT
        and re.fullmatch(r"[0-9]+", node.value)
    ):
        return node.value
    return string(node)


def _to_int(node: Node) -> int | None:
    """A plain decimal integer scalar (not a string, bool, float or `0x…`), else None."""
    if (
        isinstance(node, ScalarNode)
        and node.tag == INT
        and re.fullmatch(r"[-+]?[0-9]+", node.value)
    ):
        return int(node.value)
    return None


def _digest(fields: dict) -> str:
    """SM3 over the canonical content: same content, same digest, whatever the layout or comments."""
    return sm3_json(
        {
            "code": fields["code"],
            "title": fields["title"],
            "source": fields["source"],
            "version": fields["version"],
            "areas": [task_to_dict(a) for a in fields["areas"]],  # `line` is layout, not content
        }
    )


class _Ctx(Doc):
    """Collects errors and warnings (with lines) for one plan file."""

    doc_name = "工作方案"
    max_depth = MAX_DEPTH

    def __init__(self, path: str, known_orgs: set[str] | None, known_indicators: set[str] | None):
        super().__init__(path)
        self.known_orgs = known_orgs
        self.known_indicators = known_indicators

    def result(self, head: dict, areas: tuple[TemplateTask, ...]) -> ParsedPlan:
        errors = self.lines(self.errors)
        fields = {
            "code": head.get("code", ""),
            "title": head.get("title", ""),
            "source": head.get("source", ""),
            "version": head.get("version", 0),
            "areas": areas,
        }
        digest = "" if errors else _digest(fields)
        return ParsedPlan(
            **fields, errors=errors, warnings=self.lines(self.warnings), digest=digest
        )

    def siblings(
        self, nodes: list[Node], kind: str, parent: tuple[str, ...], where: str, depth: int
    ) -> list[TemplateTask]:
        """One list of tasks under the same parent: each parsed, numbers unique among them.

        `parent` is the parent's path (("保障",) for the safeguards' top level) and
        `where` names it in messages: "重点任务", "保障措施" or the parent's quoted path.
        """
        label = "保障措施编号" if kind == SAFEGUARD else "任务编号"
        numbers: dict[str, int] = {}
        out: list[TemplateTask] = []
        for node in nodes:
            parsed = self.task(node, kind, parent, depth)
            if parsed is None:
                continue
            task, number_line = parsed
            if task.number:
                if task.number in numbers:
                    self.error(
                        number_line,
                        f'{label} "{task.number}" 在 {where} 下重复：第 {numbers[task.number]} 行与第 {number_line} 行',
                    )
                else:
                    numbers[task.number] = number_line
            out.append(task)
        return out

    def task(
        self, node: Node, kind: str, parent: tuple[str, ...], depth: int
    ) -> tuple[TemplateTask, int] | None:
        """One task and the line of its `number:` key (for duplicate messages)."""
        at = line(node)
        noun = "保障措施" if kind == SAFEGUARD else "任务"
        keys = self.entry(node, noun, depth)
        if keys is None:
            return None

        number, number_line = "", at
        if "number" in keys:
            k, v = keys["number"]
            number_line = line(k)
            number = _text(v, numeric_ok=True) or ""
            if not number:
                self.error(line(k), f"{noun}的 number（编号）必须是非空字符串或整数")
            elif "." in number or any(c.isspace() for c in number):
                hint = '只写本级编号，如 "1"，不写 "1." 或 "一.1"'
                self.error(line(k), f'{noun}编号 "{number}" 不能含 "." 或空白（{hint}）')
                number = ""
        else:
            self.error(at, f"{noun}缺少 number（编号）")
        path = (*parent, number) if number else None
        who = f'{noun} "{".".join(path)}" ' if path else noun
        if path and len(".".join(path)) > PATH_MAX:
            self.error(at, f"{who}的完整编号超过 {PATH_MAX} 个字符")

        self.unknown_keys(keys, TASK_KEYS, who)

        title = self.title(keys, who, at)
        if len(title) > TITLE_MAX:
            self.error(
                line(keys["title"][0]),
                f"{who}的 title 不能超过 {TITLE_MAX} 个字符（当前 {len(title)} 个）",
            )

        text = self.field(keys, "text", optional_string, f"{who}的 text 必须是字符串") or ""

        lead = None
        if "lead" in keys:
            k, v = keys["lead"]
            if not is_null(v):
                lead = _text(v)
                if not lead:
                    self.error(line(k), f"{who}的 lead（牵头单位）必须是单位编码字符串")
                    lead = None
                elif self.known_orgs is not None and lead not in self.known_orgs:
                    self.error(line(k), f"{who}的牵头单位 {lead} 不存在")

        support = self.codes(
            keys, "support", who, "配合单位", self.known_orgs, numeric_ok=False, quote=False
        )
        if lead is not None and lead in support:
            self.error(line(keys["support"][0]), f"{who}的牵头单位 {lead} 不能同时是配合单位")
        indicators = self.codes(
            keys,
            "indicators",
            who,
            "评分表指标",
            self.known_indicators,
            numeric_ok=True,
            quote=True,
        )

        children: tuple[TemplateTask, ...] = ()
        child_kind = SAFEGUARD if kind == SAFEGUARD else TASK
        if "children" in keys:
            k, v = keys["children"]
            if not isinstance(v, SequenceNode) or not v.value:
                self.error(line(k), f"{who}的 children 必须是非空列表")
            elif path is None:
                # Without a number the children have no path; check them anyway, under a placeholder.
                unnamed = (*parent, "?")
                self.siblings(v.value, child_kind, unnamed, f'"{".".join(unnamed)}"', depth + 1)
            else:
                children = tuple(
                    self.siblings(v.value, child_kind, path, f'"{".".join(path)}"', depth + 1)
                )
        elif not text and depth == 1:
            self.warn(at, f"{who}既没有 children（下属任务）也没有 text（任务内容）")

        task = TemplateTask(
            number=number,
            title=title,
            text=text,
            kind=kind,
            lead=lead,
            support=support,
            indicators=indicators,
            children=children,
            line=at,
        )
        return task, number_line

    def codes(
        self,
        keys: dict,
        key: str,
        who: str,
        noun: str,
        known: set[str] | None,
        *,
        numeric_ok: bool,
        quote: bool,
    ) -> tuple[str, ...]:
        """A list of codes (org codes, or indicator codes which may be written as ints):
        non-empty strings, no repeats, and known when a set to check against is given."""
        if key not in keys:
            return ()
        k, v = keys[key]
        if is_null(v):
            return ()
        kinds = "字符串或整数" if numeric_ok else "字符串"
        shown = (lambda c: f'"{c}"') if quote else (lambda c: c)
        if not isinstance(v, SequenceNode):
            self.error(line(k), f"{who}的 {key}（{noun}）必须是{kinds}列表，如 [a, b]")
            return ()
        out: list[str] = []
        for item in v.value:
            code = _text(item, numeric_ok=numeric_ok)
            if not code:
                self.error(line(item), f"{who}的 {key}（{noun}）中每一项都必须是非空{kinds}")
            elif code in out:
                self.error(line(item), f"{who}的{noun} {shown(code)} 重复")
            elif known is not None and code not in known:
                self.error(line(item), f"{who}的{noun} {shown(code)} 不存在")
            else:
                out.append(code)
        return tuple(out)
