"""The work-plan file format (plans/*.yaml): parse, validate, digest.

Pure Python + PyYAML, no Django, like the scoring-table format in
`fazhi.frameworks.schema`: the CLI, the loader and the tests share one validator.
Every problem is one line `PATH:LINE: message` (Chinese, for the clerk who edits the
file) and all problems are collected: one bad task must not hide the next.

A plan file holds the 重点任务 (`tasks`: areas 一、二… with their numbered tasks, which
may nest further) and the 保障措施 (`safeguards`). Both become `TemplateTask` trees in
`ParsedPlan.areas`, key-task areas first, then the safeguards; `kind` tells them apart
("area" / "task" / "safeguard"). Nothing is invented: lead and support orgs and
scoring-table links are only what the file says.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fazhi.core.plan import TemplateTask

TOP_KEYS = ("code", "title", "source", "version", "tasks", "safeguards")
TASK_KEYS = ("number", "title", "text", "lead", "support", "indicators", "children")
CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_DEPTH = 10  # area > task > sub-task is three; this only stops runaway nesting
TITLE_MAX = 200  # the database's task title length
PATH_MAX = 40  # the database's task number length, for the full path such as 一.1.2

AREA = "area"
TASK = "task"
SAFEGUARD = "safeguard"
SAFEGUARD_PREFIX = "保障"  # path numbers of safeguards: 保障.一, 保障.一.1

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"


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
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        ctx.error(mark.line + 1 if mark else 1, f"YAML 语法错误（{exc.problem or exc.context}）")
        return ctx.result({}, ())
    except yaml.reader.ReaderError as exc:  # a control character; PyYAML gives a position, not a line
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        ctx.error(text.count("\n", 0, exc.position) + 1, f"含有 YAML 不允许的字符 {char}")
        return ctx.result({}, ())
    except yaml.YAMLError as exc:
        ctx.error(1, f"YAML 无法读取（{exc}）")
        return ctx.result({}, ())
    except RecursionError:
        ctx.error(1, "YAML 嵌套层级过深")
        return ctx.result({}, ())
    if root is None:
        ctx.error(1, "文件为空，缺少工作方案内容")
        return ctx.result({}, ())
    keys = ctx.mapping(root, "文件顶层")
    if keys is None:
        return ctx.result({}, ())
    for name, (k, _) in keys.items():
        if name not in TOP_KEYS:
            ctx.error(_line(k), f'未知的顶层键 "{name}"（可用：{"、".join(TOP_KEYS)}）')

    head: dict = {}
    top = _line(root)
    if "code" in keys:
        k, v = keys["code"]
        code = _text(v, numeric_ok=True)
        if code is None or not CODE_RE.fullmatch(code):
            ctx.error(_line(k), "code 只能由小写字母、数字和连字符组成，且以字母或数字开头")
        else:
            head["code"] = code
    else:
        ctx.error(top, "缺少必填键 code")
    if "title" in keys:
        k, v = keys["title"]
        title = _text(v)
        if not title:
            ctx.error(_line(k), "title 必须是非空字符串")
        else:
            head["title"] = title
    else:
        ctx.error(top, "缺少必填键 title")
    if "source" in keys:
        k, v = keys["source"]
        source = "" if _is_null(v) else _text(v)
        if source is None:
            ctx.error(_line(k), "source 必须是字符串")
        else:
            head["source"] = source
    if "version" in keys:
        k, v = keys["version"]
        version = _to_int(v)
        if version is None or version < 1:
            ctx.error(_line(k), "version 必须是正整数")
        else:
            head["version"] = version
    else:
        ctx.error(top, "缺少必填键 version")

    areas: list[TemplateTask] = []
    if "tasks" in keys:
        k, v = keys["tasks"]
        if not isinstance(v, SequenceNode) or not v.value:
            ctx.error(_line(k), "tasks（重点任务）必须是非空列表")
        else:
            areas.extend(ctx.siblings(v.value, AREA, (), "重点任务", 1))
    else:
        ctx.error(top, "缺少必填键 tasks（重点任务）")
    if "safeguards" in keys:
        k, v = keys["safeguards"]
        if isinstance(v, SequenceNode):
            areas.extend(ctx.siblings(v.value, SAFEGUARD, (SAFEGUARD_PREFIX,), "保障措施", 1))
        elif not _is_null(v):
            ctx.error(_line(k), "safeguards（保障措施）必须是列表")
    return ctx.result(head, tuple(areas))


def parse_plan_file(
    path: str | Path,
    known_orgs: set[str] | None = None,
    known_indicators: set[str] | None = None,
) -> ParsedPlan:
    """Read a plan file (UTF-8) and parse it; the path as given names it in messages."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        ctx = _Ctx(str(path), None, None)
        ctx.error(1, f"无法读取文件（{exc.strerror or exc.__class__.__name__}）")
        return ctx.result({}, ())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx = _Ctx(str(path), None, None)
        ctx.error(data.count(b"\n", 0, exc.start) + 1, "文件不是 UTF-8 编码")
        return ctx.result({}, ())
    text = text.removeprefix("\ufeff")  # a BOM, as Windows editors write it: harmless, dropped
    return parse_plan(text, str(path), known_orgs, known_indicators)


def walk_tasks(areas: tuple[TemplateTask, ...] | list[TemplateTask]) -> Iterator[tuple[str, int, TemplateTask]]:
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


def _walk(task: TemplateTask, prefix: tuple[str, ...], depth: int) -> Iterator[tuple[str, int, TemplateTask]]:
    here = (*prefix, task.number)
    yield ".".join(here), depth, task
    for child in task.children:
        yield from _walk(child, here, depth + 1)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _text(node: Node, *, numeric_ok: bool = False) -> str | None:
    """A string scalar, stripped. With numeric_ok, an int such as `number: 1` gives "1",
    the digits as written."""
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value.strip()
        if numeric_ok and node.tag == _INT and re.fullmatch(r"[0-9]+", node.value):
            return node.value
    return None


def _to_int(node: Node) -> int | None:
    """A plain decimal integer scalar (not a string, bool, float or `0x…`), else None."""
    if isinstance(node, ScalarNode) and node.tag == _INT and re.fullmatch(r"[-+]?[0-9]+", node.value):
        return int(node.value)
    return None


def _digest(fields: dict) -> str:
    """SM3 over canonical JSON: same content, same digest, whatever the layout or comments."""
    canonical = {
        "code": fields["code"],
        "title": fields["title"],
        "source": fields["source"],
        "version": fields["version"],
        "areas": [task_to_dict(a) for a in fields["areas"]],  # `line` is layout, not content
    }
    body = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.new("sm3", body.encode("utf-8")).hexdigest()


class _Ctx:
    """Collects errors and warnings (with lines) for one file."""

    def __init__(self, path: str, known_orgs: set[str] | None, known_indicators: set[str] | None):
        self.path = path
        self.known_orgs = known_orgs
        self.known_indicators = known_indicators
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.seen: set[int] = set()  # ids of task nodes: an alias must not loop or repeat tasks

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def _lines(self, entries: list[tuple[int, str]]) -> list[str]:
        # Sorted by line (stable) so messages read in file order; newlines folded so
        # each problem stays one line even when it quotes a multi-line value.
        ordered = sorted(entries, key=lambda e: e[0])
        return [f"{self.path}:{line}: {' '.join(message.splitlines())}" for line, message in ordered]

    def result(self, head: dict, areas: tuple[TemplateTask, ...]) -> ParsedPlan:
        errors = self._lines(self.errors)
        fields = {
            "code": head.get("code", ""),
            "title": head.get("title", ""),
            "source": head.get("source", ""),
            "version": head.get("version", 0),
            "areas": areas,
        }
        digest = "" if errors else _digest(fields)
        return ParsedPlan(**fields, errors=errors, warnings=self._lines(self.warnings), digest=digest)

    def mapping(self, node: Node, what: str) -> dict[str, tuple[Node, Node]] | None:
        """Key name -> (key node, value node); reports non-mappings and duplicate keys
        (PyYAML would silently keep the last one)."""
        if not isinstance(node, MappingNode):
            self.error(_line(node), f"{what}必须是映射（键: 值）")
            return None
        out: dict[str, tuple[Node, Node]] = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                self.error(_line(k), f"{what}的键必须是字符串")
                continue
            if k.value in out:
                self.error(_line(k), f'{what}的键 "{k.value}" 重复（首次出现在第 {_line(out[k.value][0])} 行）')
                continue
            out[k.value] = (k, v)
        return out

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
        line = _line(node)
        noun = "保障措施" if kind == SAFEGUARD else "任务"
        if id(node) in self.seen:
            self.error(line, f"同一{noun}被重复引用（工作方案中不支持 YAML 锚点/别名）")
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(line, f"{noun}层级过深（最多 {MAX_DEPTH} 级）")
            return None
        keys = self.mapping(node, noun)
        if keys is None:
            return None

        number, number_line = "", line
        if "number" in keys:
            k, v = keys["number"]
            number_line = _line(k)
            number = _text(v, numeric_ok=True) or ""
            if not number:
                self.error(_line(k), f"{noun}的 number（编号）必须是非空字符串或整数")
            elif "." in number or any(c.isspace() for c in number):
                hint = '只写本级编号，如 "1"，不写 "1." 或 "一.1"'
                self.error(_line(k), f'{noun}编号 "{number}" 不能含 "." 或空白（{hint}）')
                number = ""
        else:
            self.error(line, f"{noun}缺少 number（编号）")
        path = (*parent, number) if number else None
        who = f'{noun} "{".".join(path)}" ' if path else noun
        if path and len(".".join(path)) > PATH_MAX:
            self.error(line, f"{who}的完整编号超过 {PATH_MAX} 个字符")

        for name, (k, _) in keys.items():
            if name not in TASK_KEYS:
                self.error(_line(k), f'{who}含未知的键 "{name}"（可用：{"、".join(TASK_KEYS)}）')

        title = ""
        if "title" in keys:
            k, v = keys["title"]
            title = _text(v) or ""
            if not title:
                self.error(_line(k), f"{who}的 title 必须是非空字符串")
            elif len(title) > TITLE_MAX:
                self.error(_line(k), f"{who}的 title 不能超过 {TITLE_MAX} 个字符（当前 {len(title)} 个）")
        else:
            self.error(line, f"{who}缺少 title")

        text = ""
        if "text" in keys:
            k, v = keys["text"]
            value = "" if _is_null(v) else _text(v)
            if value is None:
                self.error(_line(k), f"{who}的 text 必须是字符串")
            text = value or ""

        lead = None
        if "lead" in keys:
            k, v = keys["lead"]
            if not _is_null(v):
                lead = _text(v)
                if not lead:
                    self.error(_line(k), f"{who}的 lead（牵头单位）必须是单位编码字符串")
                    lead = None
                elif self.known_orgs is not None and lead not in self.known_orgs:
                    self.error(_line(k), f"{who}的牵头单位 {lead} 不存在")

        support = self.codes(keys, "support", who, "配合单位", self.known_orgs, numeric_ok=False, quote=False)
        if lead is not None and lead in support:
            self.error(_line(keys["support"][0]), f"{who}的牵头单位 {lead} 不能同时是配合单位")
        indicators = self.codes(
            keys, "indicators", who, "评分表指标", self.known_indicators, numeric_ok=True, quote=True
        )

        children: tuple[TemplateTask, ...] = ()
        child_kind = SAFEGUARD if kind == SAFEGUARD else TASK
        if "children" in keys:
            k, v = keys["children"]
            if not isinstance(v, SequenceNode) or not v.value:
                self.error(_line(k), f"{who}的 children 必须是非空列表")
            elif path is None:
                # Without a number the children have no path; check them anyway, under a placeholder.
                unnamed = (*parent, "?")
                self.siblings(v.value, child_kind, unnamed, f'"{".".join(unnamed)}"', depth + 1)
            else:
                children = tuple(self.siblings(v.value, child_kind, path, f'"{".".join(path)}"', depth + 1))
        elif not text and depth == 1:
            self.warn(line, f"{who}既没有 children（下属任务）也没有 text（任务内容）")

        task = TemplateTask(
            number=number,
            title=title,
            text=text,
            kind=kind,
            lead=lead,
            support=support,
            indicators=indicators,
            children=children,
            line=line,
        )
        return task, number_line

    def codes(
        self, keys: dict, key: str, who: str, noun: str, known: set[str] | None, *, numeric_ok: bool, quote: bool
    ) -> tuple[str, ...]:
        """A list of codes (org codes, or indicator codes which may be written as ints):
        non-empty strings, no repeats, and known when a set to check against is given."""
        if key not in keys:
            return ()
        k, v = keys[key]
        if _is_null(v):
            return ()
        kinds = "字符串或整数" if numeric_ok else "字符串"
        shown = (lambda c: f'"{c}"') if quote else (lambda c: c)
        if not isinstance(v, SequenceNode):
            self.error(_line(k), f"{who}的 {key}（{noun}）必须是{kinds}列表，如 [a, b]")
            return ()
        out: list[str] = []
        for item in v.value:
            code = _text(item, numeric_ok=numeric_ok)
            if not code:
                self.error(_line(item), f"{who}的 {key}（{noun}）中每一项都必须是非空{kinds}")
            elif code in out:
                self.error(_line(item), f"{who}的{noun} {shown(code)} 重复")
            elif known is not None and code not in known:
                self.error(_line(item), f"{who}的{noun} {shown(code)} 不存在")
            else:
                out.append(code)
        return tuple(out)
