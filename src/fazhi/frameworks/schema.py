"""The scoring-table file format (frameworks/*.yaml): parse, validate, digest.

Pure Python + PyYAML, no Django, so the CLI, the loader and the tests share one
validator; the YAML-with-line-numbers part is `fazhi.core.yamldoc`. Every problem is one line `PATH:LINE: message` (Chinese, for whoever edits
the file) and all problems are collected: one bad row must not hide the next.
Warnings describe inconsistencies of the printed table itself; they are reported,
never "fixed", because the engine must not invent a number the source does not give.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yaml.constructor import SafeConstructor
from yaml.nodes import Node, ScalarNode, SequenceNode

from fazhi.core.framework import (
    ASSESSMENT,
    BONUS,
    DEDUCTION,
    GROUP,
    KIND_LABELS,
    PURPOSES,
    SCORED,
    VETO,
    Indicator,
    discrepancies,
    scored_max,
)
from fazhi.core.yamldoc import (
    FLOAT,
    INT,
    NULL,
    Doc,
    is_null,
    line,
    optional_string,
    sm3_json,
    string,
)

from .schema_extras import EXTRA_KEYS, ExtrasMixin, extras_to_dict, strip_defaults

TOP_KEYS = (
    "code",
    "title",
    "issuer",
    "source",
    "version",
    "declared_total",
    "grades",
    "purpose",
    "indicators",
)
INDICATOR_KEYS = (
    "code",
    "title",
    "kind",
    "max_points",
    "points",
    "points_per_case",
    "cap",
    "declared_max",
    "evidence",
    "children",
    *EXTRA_KEYS,
)
GRADE_KEYS = ("name", "min")
MAX_DEPTH = 10  # far beyond 三级指标; stops runaway nesting before Python's recursion limit does
MAX_DECIMALS = 2

# Which point keys each item kind may carry; anything else from POINT_KEYS is an error.
POINT_KEYS = ("max_points", "points", "points_per_case", "cap", "declared_max")
ALLOWED_POINT_KEYS = {
    GROUP: ("cap", "declared_max"),
    SCORED: ("max_points",),
    BONUS: ("points", "points_per_case", "cap"),
    DEDUCTION: ("points", "points_per_case", "cap"),
    VETO: (
        "points",
    ),  # only as `points: null`, which some authors write to mirror the printed "——"
}

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
    purpose: str = ASSESSMENT  # what the table is used for (PURPOSES); not part of the digest

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
    doc = ctx.document(text, TOP_KEYS)
    if doc is None:
        return ctx.result({}, ())
    top, keys = doc
    head = ctx.head(
        keys,
        top,
        code=lambda n: _text(n, numeric_ok=True),
        version=_version,
        optional=("issuer", "source"),
    )
    if "declared_total" in keys:
        head["declared_total"] = ctx.amount(keys, "declared_total", "", nullable=True)
    if "grades" in keys:
        head["grades"] = ctx.grades(*keys["grades"])
    head["purpose"] = ctx.field(
        keys,
        "purpose",
        lambda n: optional_string(n) if optional_string(n) in PURPOSES else None,
        "purpose 只能是 " + "、".join(f"{k}（{v}）" for k, v in PURPOSES.items()),
    )

    indicators: tuple[Indicator, ...] = ()
    if "indicators" in keys:
        k, v = keys["indicators"]
        if not isinstance(v, SequenceNode) or not v.value:
            ctx.error(line(k), "indicators 必须是非空列表")
        else:
            indicators = tuple(i for i in (ctx.indicator(n, 1) for n in v.value) if i is not None)
    else:
        ctx.error(top, "缺少必填键 indicators")

    total_line = line(keys["declared_total"][0]) if "declared_total" in keys else top
    ctx.check_totals(indicators, head.get("declared_total"), total_line)
    ctx.check_blocks(indicators)
    return ctx.result(head, indicators)


def parse_file(path: str | Path) -> ParsedFramework:
    """Read a framework file (UTF-8) and parse it; the path as given names it in messages."""
    ctx = _Ctx(str(path))
    text = ctx.read(path)
    if text is None:
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
        **extras_to_dict(ind),
        "children": [indicator_to_dict(c) for c in ind.children],
    }


# --- helpers ----------------------------------------------------------------------


def _text(node: Node, *, numeric_ok: bool = False) -> str | None:
    """A string scalar, stripped. With numeric_ok, `code: 1` gives "1": the text as
    written, so "1.10" stays "1.10" instead of going through a float."""
    if numeric_ok and isinstance(node, ScalarNode) and node.tag in (INT, FLOAT):
        return node.value
    return string(node)


def _version(node: Node) -> int | None:
    """An int scalar as an int (any YAML int: `0x10`, `1_000`), else None."""
    number = _to_decimal(node) if isinstance(node, ScalarNode) and node.tag == INT else _BAD
    return None if number is _BAD or number is None else int(number)


def _to_decimal(node: Node):
    """Decimal for an int or float scalar, None for null, _BAD for anything else
    (strings, booleans, inf/nan, collections). Goes through str(), never keeps a float."""
    if not isinstance(node, ScalarNode):
        return _BAD
    if node.tag == NULL:
        return None
    try:
        if node.tag == INT:
            value = _SCALARS.construct_yaml_int(node)
        elif node.tag == FLOAT:
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
    out = strip_defaults(indicator_to_dict(ind))
    out["unit_declared"] = ind.unit_declared
    out["children"] = [_canonical(c) for c in ind.children]
    return out


class _Ctx(ExtrasMixin, Doc):
    """Collects errors and warnings (with lines) for one scoring-table file."""

    doc_name = "评分表"
    max_depth = MAX_DEPTH

    def __init__(self, path: str):
        super().__init__(path)
        self.codes: dict[str, int] = {}  # indicator code -> line where it first appears

    @staticmethod
    def number(node: Node):
        return _to_decimal(node)

    def result(self, head: dict, indicators: tuple[Indicator, ...]) -> ParsedFramework:
        errors = self.lines(self.errors)
        fields = {
            "code": head.get("code", ""),
            "title": head.get("title", ""),
            "issuer": head.get("issuer", ""),
            "source": head.get("source", ""),
            "version": head.get("version", 0),
            "declared_total": head.get("declared_total"),
            "grades": head.get("grades", ()),
            "indicators": indicators,
        }
        digest = "" if errors else _digest(fields)
        return ParsedFramework(
            **fields,
            errors=errors,
            warnings=self.lines(self.warnings),
            digest=digest,
            purpose=head.get("purpose") or ASSESSMENT,
        )

    def amount(self, keys: dict, key: str, who: str, *, nullable: bool = False) -> Decimal | None:
        """A points value: a number >= 0 with at most two decimals (None when null is allowed)."""
        k, v = keys[key]
        d = _to_decimal(v)
        if d is None and nullable:
            return None
        if d is _BAD or d is None or d < 0:
            tail = "或 null" if nullable else ""
            self.error(line(k), f"{who}{key} 必须是不小于 0 的数字{tail}")
            return None
        if -d.as_tuple().exponent > MAX_DECIMALS:
            self.error(line(k), f"{who}{key} 最多保留 {MAX_DECIMALS} 位小数（当前为 {v.value}）")
            return None
        return d

    def grades(self, key: Node, node: Node) -> tuple[tuple[str, Decimal], ...]:
        if is_null(node):
            return ()
        if not isinstance(node, SequenceNode):
            self.error(line(key), "grades 必须是列表，每项形如 {name: 优秀, min: 90}")
            return ()
        out: list[tuple[str, Decimal]] = []
        for n, item in enumerate(node.value, 1):
            keys = self.mapping(item, f"grades 第 {n} 项")
            if keys is None:
                continue
            self.unknown_keys(keys, GRADE_KEYS, f"grades 第 {n} 项")
            name = _text(keys["name"][1]) if "name" in keys else None
            if not name:
                self.error(line(item), f"grades 第 {n} 项须有非空的 name")
            elif name in (g[0] for g in out):
                self.error(line(item), f'等次 "{name}" 重复')
            if "min" not in keys:
                self.error(line(item), f"grades 第 {n} 项缺少 min")
                continue
            low = self.amount(keys, "min", f"grades 第 {n} 项的 ")
            if name and low is not None:
                out.append((name, low))
        return tuple(out)

    def indicator(self, node: Node, depth: int) -> Indicator | None:
        at = line(node)
        keys = self.entry(node, "指标", depth)
        if keys is None:
            return None

        code = ""
        if "code" in keys:
            k, v = keys["code"]
            code = _text(v, numeric_ok=True) or ""
            if not code:
                self.error(line(k), "指标的 code 必须是非空字符串")
            elif code in self.codes:
                self.error(
                    line(k), f'指标编号 "{code}" 重复：第 {self.codes[code]} 行与第 {line(k)} 行'
                )
            else:
                self.codes[code] = line(k)
        else:
            self.error(at, "指标缺少 code")
        who = f'指标 "{code}" ' if code else "指标"

        self.unknown_keys(keys, INDICATOR_KEYS, who)

        title = self.title(keys, who, at)

        evidence = (
            self.field(keys, "evidence", optional_string, f"{who}的 evidence 必须是字符串") or ""
        )

        kind = None
        if "kind" in keys:
            k, v = keys["kind"]
            kind = _text(v)
            if kind is None:
                self.error(line(k), f"{who}的 kind 必须是字符串")
                if "children" not in keys:
                    return None  # a group's children are still checked below
        kind_line = line(keys["kind"][0]) if "kind" in keys else at

        if "children" in keys:
            if kind not in (None, GROUP):
                self.error(
                    kind_line,
                    f'{who}含 children，是指标组，kind 只能省略或写 group（当前为 "{kind}"）',
                )
            kind = GROUP
        elif kind is None:
            self.error(
                at, f"{who}缺少 kind（没有 children 的指标须为 scored、bonus、deduction 或 veto）"
            )
            return None
        elif kind == GROUP:
            self.error(kind_line, f"{who}的 kind 为 group，但没有 children")
            return None
        elif kind not in ALLOWED_POINT_KEYS:
            self.error(
                kind_line, f'{who}的 kind "{kind}" 未知（可选：scored、bonus、deduction、veto）'
            )
            return None

        label = KIND_LABELS[kind]
        for name in POINT_KEYS:
            if name in keys and name not in ALLOWED_POINT_KEYS[kind]:
                self.error(line(keys[name][0]), f"{who}是{label}，不能有 {name}")

        values: dict[str, Decimal | None] = {}
        unit = None
        if kind == SCORED:
            if "max_points" in keys:
                values["max_points"] = self.amount(keys, "max_points", f"{who}的 ")
            else:
                self.error(at, f"{who}是评分项，缺少 max_points")
        elif kind in (BONUS, DEDUCTION):
            present = [n for n in ("points", "points_per_case") if n in keys]
            if len(present) == 2:
                self.error(
                    line(keys["points_per_case"][0]), f"{who}只能写 points 或 points_per_case 之一"
                )
            elif not present:
                self.error(at, f"{who}是{label}，须写 points 或 points_per_case（未定分值写 null）")
            else:
                unit = present[0]
                values[unit] = self.amount(keys, unit, f"{who}的 ", nullable=True)
                if is_null(keys[unit][1]):
                    self.warn(
                        line(keys[unit][0]),
                        f'{label} "{code}" 未定分值（{unit}: null），须由创建办设定分值后才计分',
                    )
        elif kind == VETO and "points" in keys and not is_null(keys["points"][1]):
            self.error(line(keys["points"][0]), f"{who}是一票否决项，不计分，points 只能为 null")
        for name in ("cap", "declared_max"):
            if name in keys and name in ALLOWED_POINT_KEYS[kind]:
                values[name] = self.amount(keys, name, f"{who}的 ", nullable=True)

        extras = self.extras(keys, who, kind, values.get("max_points"))
        children: tuple[Indicator, ...] = ()
        if kind == GROUP:
            k, v = keys["children"]
            if not isinstance(v, SequenceNode) or not v.value:
                self.error(line(k), f"{who}的 children 必须是非空列表")
            else:
                children = tuple(
                    c for c in (self.indicator(n, depth + 1) for n in v.value) if c is not None
                )

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
            line=at,
            **extras,
        )

    def check_totals(
        self, indicators: tuple[Indicator, ...], declared_total: Decimal | None, total_line: int
    ) -> None:
        """Warn where the printed numbers disagree with each other; change nothing."""
        for d in discrepancies(indicators, declared_total):
            self.warn(d.line or total_line, d.message)


def _digest(fields: dict) -> str:
    """SM3 over the canonical content: same content, same digest, whatever the layout or comments."""
    return sm3_json(
        {
            "code": fields["code"],
            "title": fields["title"],
            "issuer": fields["issuer"],
            "source": fields["source"],
            "version": fields["version"],
            "declared_total": _fmt(fields["declared_total"]),
            "grades": [{"name": name, "min": _fmt(low)} for name, low in fields["grades"]],
            "indicators": [_canonical(i) for i in fields["indicators"]],
        }
    )
