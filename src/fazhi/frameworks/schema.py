"""The scoring-table file format (frameworks/*.yaml): parse, validate, digest.

Pure Python + PyYAML, no Django, so the CLI, the loader and the tests share one
validator. Every problem is one line `PATH:LINE: message` (Chinese, for whoever edits
the file) and all problems are collected: one bad row must not hide the next.
Warnings describe inconsistencies of the printed table itself; they are reported,
never "fixed", because the engine must not invent a number the source does not give.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fazhi.core.framework import (
    BONUS,
    DEDUCTION,
    GROUP,
    KIND_LABELS,
    SCORED,
    VETO,
    Indicator,
    scored_max,
    walk,
)

TOP_KEYS = ("code", "title", "issuer", "source", "version", "declared_total", "grades", "indicators")
INDICATOR_KEYS = (
    "code", "title", "kind", "max_points", "points", "points_per_case", "cap", "declared_max", "evidence", "children",
)
GRADE_KEYS = ("name", "min")
CODE_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
MAX_DEPTH = 10  # far beyond 三级指标; stops runaway nesting before Python's recursion limit does
MAX_DECIMALS = 2

# Which point keys each item kind may carry; anything else from POINT_KEYS is an error.
POINT_KEYS = ("max_points", "points", "points_per_case", "cap", "declared_max")
ALLOWED_POINT_KEYS = {
    GROUP: ("cap", "declared_max"),
    SCORED: ("max_points",),
    BONUS: ("points", "points_per_case", "cap"),
    DEDUCTION: ("points", "points_per_case", "cap"),
    VETO: ("points",),  # only as `points: null`, which some authors write to mirror the printed "——"
}

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_BAD = object()  # "not a usable number", distinct from None (= YAML null)
_SCALARS = SafeConstructor()  # only its stateless construct_yaml_int / _float are used


@dataclass(frozen=True)
class ParsedFramework:
    code: str
    title: str
    issuer: str
    source: str
    version: int
    declared_total: Decimal | None
    grades: tuple[tuple[str, Decimal], ...]
    indicators: tuple[Indicator, ...]
    errors: list[str]
    warnings: list[str]
    digest: str  # SM3 of the canonical content; "" when there are errors

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def computed_total(self) -> Decimal:
        """The table's real total: the sum of all scored items' max_points."""
        return scored_max(self.indicators)


# --- public API -------------------------------------------------------------------


def parse_framework(text: str, path: str) -> ParsedFramework:
    """Parse and validate one framework file. Never raises on bad input: see `.errors`."""
    ctx = _Ctx(path)
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
        ctx.error(1, "文件为空，缺少评分表内容")
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
    for name in ("issuer", "source"):
        if name in keys:
            k, v = keys[name]
            value = "" if _is_null(v) else _text(v)
            if value is None:
                ctx.error(_line(k), f"{name} 必须是字符串")
            else:
                head[name] = value
    if "version" in keys:
        k, v = keys["version"]
        version = _to_decimal(v) if isinstance(v, ScalarNode) and v.tag == _INT else _BAD
        if version is _BAD or version is None or version < 1:
            ctx.error(_line(k), "version 必须是正整数")
        else:
            head["version"] = int(version)
    else:
        ctx.error(top, "缺少必填键 version")
    if "declared_total" in keys:
        head["declared_total"] = ctx.amount(keys, "declared_total", "", nullable=True)
    if "grades" in keys:
        head["grades"] = ctx.grades(*keys["grades"])

    indicators: tuple[Indicator, ...] = ()
    if "indicators" in keys:
        k, v = keys["indicators"]
        if not isinstance(v, SequenceNode) or not v.value:
            ctx.error(_line(k), "indicators 必须是非空列表")
        else:
            indicators = tuple(i for i in (ctx.indicator(n, 1) for n in v.value) if i is not None)
    else:
        ctx.error(top, "缺少必填键 indicators")

    total_line = _line(keys["declared_total"][0]) if "declared_total" in keys else top
    ctx.check_totals(indicators, head.get("declared_total"), total_line)
    return ctx.result(head, indicators)


def parse_file(path: str | Path) -> ParsedFramework:
    """Read a framework file (UTF-8) and parse it; the path as given names it in messages."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        ctx = _Ctx(str(path))
        ctx.error(1, f"无法读取文件（{exc.strerror or exc.__class__.__name__}）")
        return ctx.result({}, ())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx = _Ctx(str(path))
        ctx.error(data.count(b"\n", 0, exc.start) + 1, "文件不是 UTF-8 编码")
        return ctx.result({}, ())
    return parse_framework(text, str(path))


def indicator_to_dict(ind: Indicator) -> dict:
    """Plain JSON-ready form of an indicator tree (used by `fazhi framework show --json`)."""
    return {
        "code": ind.code,
        "title": ind.title,
        "kind": ind.kind,
        "max_points": _fmt(ind.max_points),
        "points": _fmt(ind.points),
        "points_per_case": _fmt(ind.points_per_case),
        "cap": _fmt(ind.cap),
        "declared_max": _fmt(ind.declared_max),
        "evidence": ind.evidence,
        "children": [indicator_to_dict(c) for c in ind.children],
    }


# --- helpers ----------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _text(node: Node, *, numeric_ok: bool = False) -> str | None:
    """A string scalar, stripped. With numeric_ok, `code: 1` gives "1": the text as
    written, so "1.10" stays "1.10" instead of going through a float."""
    if isinstance(node, ScalarNode):
        if node.tag == _STR:
            return node.value.strip()
        if numeric_ok and node.tag in (_INT, _FLOAT):
            return node.value
    return None


def _to_decimal(node: Node):
    """Decimal for an int or float scalar, None for null, _BAD for anything else
    (strings, booleans, inf/nan, collections). Goes through str(), never keeps a float."""
    if not isinstance(node, ScalarNode):
        return _BAD
    if node.tag == _NULL:
        return None
    try:
        if node.tag == _INT:
            value = _SCALARS.construct_yaml_int(node)
        elif node.tag == _FLOAT:
            value = _SCALARS.construct_yaml_float(node)
        else:
            return _BAD
    except (ValueError, TypeError):  # e.g. `!!int abc`
        return _BAD
    number = Decimal(str(value))
    return _plain(number) if number.is_finite() else _BAD


def _plain(d: Decimal) -> Decimal:
    """Drop trailing fractional zeros (5.0 -> 5, 4.50 -> 4.5) without Decimal.normalize(),
    which would round to the context precision and turn 100 into 1E+2."""
    if d == 0:
        return Decimal(0)  # also folds -0.0
    sign, digits, exp = d.as_tuple()
    while exp < 0 and digits[-1] == 0:
        digits, exp = digits[:-1], exp + 1
    return Decimal((sign, digits, exp))


def _fmt(d: Decimal | None) -> str | None:
    return None if d is None else format(_plain(d), "f")


def _canonical(ind: Indicator) -> dict:
    # unit_declared is content too: `points: null` and `points_per_case: null` differ.
    out = indicator_to_dict(ind)
    out["unit_declared"] = ind.unit_declared
    out["children"] = [_canonical(c) for c in ind.children]
    return out


class _Ctx:
    """Collects errors and warnings (with lines) for one file."""

    def __init__(self, path: str):
        self.path = path
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []
        self.codes: dict[str, int] = {}  # indicator code -> line where it first appears
        self.seen: set[int] = set()  # ids of indicator nodes: an alias must not loop or repeat rows

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def _lines(self, entries: list[tuple[int, str]]) -> list[str]:
        # Sorted by line (stable) so messages read in file order.
        # Folding newlines keeps the one-line-per-problem contract even when a key or
        # value quoted from the file contains one.
        ordered = sorted(entries, key=lambda e: e[0])
        return [f"{self.path}:{line}: {' '.join(message.splitlines())}" for line, message in ordered]

    def result(self, head: dict, indicators: tuple[Indicator, ...]) -> ParsedFramework:
        errors = self._lines(self.errors)
        fields = dict(
            code=head.get("code", ""),
            title=head.get("title", ""),
            issuer=head.get("issuer", ""),
            source=head.get("source", ""),
            version=head.get("version", 0),
            declared_total=head.get("declared_total"),
            grades=head.get("grades", ()),
            indicators=indicators,
        )
        digest = "" if errors else _digest(fields)
        return ParsedFramework(**fields, errors=errors, warnings=self._lines(self.warnings), digest=digest)

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

    def amount(self, keys: dict, key: str, who: str, *, nullable: bool = False) -> Decimal | None:
        """A points value: a number >= 0 with at most two decimals (None when null is allowed)."""
        k, v = keys[key]
        d = _to_decimal(v)
        if d is None and nullable:
            return None
        if d is _BAD or d is None or d < 0:
            tail = "或 null" if nullable else ""
            self.error(_line(k), f"{who}{key} 必须是不小于 0 的数字{tail}")
            return None
        if -d.as_tuple().exponent > MAX_DECIMALS:
            self.error(_line(k), f"{who}{key} 最多保留 {MAX_DECIMALS} 位小数（当前为 {v.value}）")
            return None
        return d

    def grades(self, key: Node, node: Node) -> tuple[tuple[str, Decimal], ...]:
        if _is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            self.error(_line(key), "grades 必须是列表，每项形如 {name: 优秀, min: 90}")
            return ()
        out: list[tuple[str, Decimal]] = []
        for n, item in enumerate(node.value, 1):
            keys = self.mapping(item, f"grades 第 {n} 项")
            if keys is None:
                continue
            for name, (k, _) in keys.items():
                if name not in GRADE_KEYS:
                    self.error(_line(k), f'grades 第 {n} 项含未知的键 "{name}"（可用：name、min）')
            name = _text(keys["name"][1]) if "name" in keys else None
            if not name:
                self.error(_line(item), f"grades 第 {n} 项须有非空的 name")
            elif name in (g[0] for g in out):
                self.error(_line(item), f'等次 "{name}" 重复')
            if "min" not in keys:
                self.error(_line(item), f"grades 第 {n} 项缺少 min")
                continue
            low = self.amount(keys, "min", f"grades 第 {n} 项的 ")
            if name and low is not None:
                out.append((name, low))
        return tuple(out)

    def indicator(self, node: Node, depth: int) -> Indicator | None:
        line = _line(node)
        if id(node) in self.seen:
            self.error(line, "同一指标被重复引用（评分表中不支持 YAML 锚点/别名）")
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(line, f"指标层级过深（最多 {MAX_DEPTH} 级）")
            return None
        keys = self.mapping(node, "指标")
        if keys is None:
            return None

        code = ""
        if "code" in keys:
            k, v = keys["code"]
            code = _text(v, numeric_ok=True) or ""
            if not code:
                self.error(_line(k), "指标的 code 必须是非空字符串")
            elif code in self.codes:
                self.error(_line(k), f'指标编号 "{code}" 重复：第 {self.codes[code]} 行与第 {_line(k)} 行')
            else:
                self.codes[code] = _line(k)
        else:
            self.error(line, "指标缺少 code")
        who = f'指标 "{code}" ' if code else "指标"

        for name, (k, _) in keys.items():
            if name not in INDICATOR_KEYS:
                self.error(_line(k), f'{who}含未知的键 "{name}"（可用：{"、".join(INDICATOR_KEYS)}）')

        title = ""
        if "title" in keys:
            k, v = keys["title"]
            title = _text(v) or ""
            if not title:
                self.error(_line(k), f"{who}的 title 必须是非空字符串")
        else:
            self.error(line, f"{who}缺少 title")

        evidence = ""
        if "evidence" in keys:
            k, v = keys["evidence"]
            text = "" if _is_null(v) else _text(v)
            if text is None:
                self.error(_line(k), f"{who}的 evidence 必须是字符串")
            evidence = text or ""

        kind = None
        if "kind" in keys:
            k, v = keys["kind"]
            kind = _text(v)
            if kind is None:
                self.error(_line(k), f"{who}的 kind 必须是字符串")
                if "children" not in keys:
                    return None  # a group's children are still checked below
        kind_line = _line(keys["kind"][0]) if "kind" in keys else line

        if "children" in keys:
            if kind not in (None, GROUP):
                self.error(kind_line, f'{who}含 children，是指标组，kind 只能省略或写 group（当前为 "{kind}"）')
            kind = GROUP
        elif kind is None:
            self.error(line, f"{who}缺少 kind（没有 children 的指标须为 scored、bonus、deduction 或 veto）")
            return None
        elif kind == GROUP:
            self.error(kind_line, f"{who}的 kind 为 group，但没有 children")
            return None
        elif kind not in ALLOWED_POINT_KEYS:
            self.error(kind_line, f'{who}的 kind "{kind}" 未知（可选：scored、bonus、deduction、veto）')
            return None

        label = KIND_LABELS[kind]
        for name in POINT_KEYS:
            if name in keys and name not in ALLOWED_POINT_KEYS[kind]:
                self.error(_line(keys[name][0]), f"{who}是{label}，不能有 {name}")

        values: dict[str, Decimal | None] = {}
        unit = None
        if kind == SCORED:
            if "max_points" in keys:
                values["max_points"] = self.amount(keys, "max_points", f"{who}的 ")
            else:
                self.error(line, f"{who}是评分项，缺少 max_points")
        elif kind in (BONUS, DEDUCTION):
            present = [n for n in ("points", "points_per_case") if n in keys]
            if len(present) == 2:
                self.error(_line(keys["points_per_case"][0]), f"{who}只能写 points 或 points_per_case 之一")
            elif not present:
                self.error(line, f"{who}是{label}，须写 points 或 points_per_case（未定分值写 null）")
            else:
                unit = present[0]
                values[unit] = self.amount(keys, unit, f"{who}的 ", nullable=True)
                if _is_null(keys[unit][1]):
                    self.warn(_line(keys[unit][0]), f"{label} \"{code}\" 未定分值（{unit}: null），须由创建办设定分值后才计分")
        elif kind == VETO and "points" in keys and not _is_null(keys["points"][1]):
            self.error(_line(keys["points"][0]), f"{who}是一票否决项，不计分，points 只能为 null")
        for name in ("cap", "declared_max"):
            if name in keys and name in ALLOWED_POINT_KEYS[kind]:
                values[name] = self.amount(keys, name, f"{who}的 ", nullable=True)

        children: tuple[Indicator, ...] = ()
        if kind == GROUP:
            k, v = keys["children"]
            if not isinstance(v, SequenceNode) or not v.value:
                self.error(_line(k), f"{who}的 children 必须是非空列表")
            else:
                children = tuple(c for c in (self.indicator(n, depth + 1) for n in v.value) if c is not None)

        return Indicator(
            code=code,
            title=title,
            kind=kind,
            max_points=values.get("max_points"),
            points=values.get("points"),
            points_per_case=values.get("points_per_case"),
            unit_declared=unit,
            cap=values.get("cap"),
            declared_max=values.get("declared_max"),
            evidence=evidence,
            children=children,
            line=line,
        )

    def check_totals(self, indicators: tuple[Indicator, ...], declared_total: Decimal | None, total_line: int) -> None:
        """Warn where the printed numbers disagree with each other; change nothing."""
        for _, ind in walk(indicators):
            if ind.is_group and ind.declared_max is not None:
                beneath = scored_max(ind.children)
                if beneath != ind.declared_max:
                    self.warn(
                        ind.line,
                        f'指标组 "{ind.code}" 标注分值 {_fmt(ind.declared_max)}，下属评分项合计 {_fmt(beneath)}',
                    )
        if declared_total is None:
            return
        computed = scored_max(indicators)
        if computed != declared_total:
            self.warn(total_line, f"标注总分 {_fmt(declared_total)} 与评分项合计 {_fmt(computed)} 不一致")
        group_maxima = [i.declared_max for i in indicators if i.is_group and i.declared_max is not None]
        if group_maxima and sum(group_maxima, Decimal(0)) != declared_total:
            self.warn(
                total_line,
                f"一级指标组标注分值合计 {_fmt(sum(group_maxima, Decimal(0)))}，与标注总分 {_fmt(declared_total)} 不一致",
            )


def _digest(fields: dict) -> str:
    """SM3 over canonical JSON: same content, same digest, whatever the layout or comments."""
    canonical = {
        "code": fields["code"],
        "title": fields["title"],
        "issuer": fields["issuer"],
        "source": fields["source"],
        "version": fields["version"],
        "declared_total": _fmt(fields["declared_total"]),
        "grades": [{"name": name, "min": _fmt(low)} for name, low in fields["grades"]],
        "indicators": [_canonical(i) for i in fields["indicators"]],
    }
    body = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.new("sm3", body.encode("utf-8")).hexdigest()
