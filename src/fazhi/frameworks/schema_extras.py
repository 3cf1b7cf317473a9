"""The keys printed tables need beyond the 2019 table: `label`, `min_points`, `rule`,
`optional`, `choose: one`, `org`. A mixin of the scoring-table validator (schema._Ctx):
same error collection, same PATH:LINE messages.

Canonical form: a key left at its default is not part of the digest, so every table
written before these keys existed keeps its digest (and its loaded version).
"""

from __future__ import annotations

from decimal import Decimal

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fazhi.core.framework import GROUP, SCORED, Indicator, choose_groups, scored_max
from fazhi.core.rules import PER_SHORTFALL, PROPORTIONAL, RULE_KINDS, TIERS, Rule
from fazhi.core.yamldoc import line, string

EXTRA_KEYS = ("label", "min_points", "rule", "optional", "choose", "org")
RULE_KEYS = (*RULE_KINDS, "max_count", "unit")
MIN_FLOOR = Decimal("-999.99")
ZERO = Decimal(0)
BOOL = "tag:yaml.org,2002:bool"
_SCALARS = SafeConstructor()


def _bool(node: Node) -> bool | None:
    """A YAML boolean's value (true, false, yes, no, ...), None for anything else."""
    if isinstance(node, ScalarNode) and node.tag == BOOL:
        return _SCALARS.construct_yaml_bool(node)
    return None


def extras_to_dict(ind: Indicator) -> dict:
    return {
        "label": ind.label,
        "min_points": format(ind.min_points, "f"),
        "rule": ind.rule.to_dict() if ind.rule else None,
        "optional": ind.optional,
        "choose": ind.choose,
        "org": ind.org,
    }


def strip_defaults(out: dict) -> dict:
    """Drop the extra keys that keep their default (see the module note on digests)."""
    defaults = {"label": "", "rule": None, "optional": False, "choose": "", "org": ""}
    for key, default in defaults.items():
        if out.get(key) == default:
            del out[key]
    if Decimal(out["min_points"]) == 0:
        del out["min_points"]
    return out


class ExtrasMixin:
    """Needs from its host: error, warn, mapping, unknown_keys and number(node)."""

    def extras(self, keys: dict, who: str, kind: str, max_points: Decimal | None) -> dict:
        out: dict = {}
        if "label" in keys:
            k, v = keys["label"]
            label = v.value.strip() if isinstance(v, ScalarNode) and v.tag != BOOL else None
            if not label:
                self.error(line(k), f'{who}的 label 必须是非空字符串，如 "（24）"')
            else:
                out["label"] = label
        for name, allowed_kind in (("min_points", SCORED), ("rule", SCORED)):
            if name in keys and kind != allowed_kind:
                self.error(line(keys[name][0]), f"{who}不是评分项，不能有 {name}")
        floor = ZERO
        if "min_points" in keys and kind == SCORED:
            floor = self._min_points(keys, who, max_points)
            out["min_points"] = floor
        if "rule" in keys and kind == SCORED:
            out["rule"] = self._rule(keys["rule"], who, max_points, floor)
        if "optional" in keys:
            k, v = keys["optional"]
            if _bool(v) is None:
                self.error(line(k), f"{who}的 optional 只能为 true 或 false")
            elif kind not in (GROUP, SCORED):
                self.error(line(k), f"{who}不是评分项或指标组，不能标为 optional（不适用）")
            else:
                out["optional"] = _bool(v)
        for name in ("choose", "org"):
            if name in keys and kind != GROUP:
                self.error(line(keys[name][0]), f"{who}不是指标组，不能有 {name}")
        if "choose" in keys and kind == GROUP:
            k, v = keys["choose"]
            if string(v) != "one":
                self.error(line(k), f"{who}的 choose 只能为 one（下属各组择一适用）")
            else:
                out["choose"] = "one"
                self._alternatives(keys, who)
        if "org" in keys and kind == GROUP:
            k, v = keys["org"]
            org = v.value if isinstance(v, ScalarNode) and v.tag != BOOL else None
            if not org or not org.strip():
                self.error(line(k), f"{who}的 org 必须是单位代码")
            else:
                out["org"] = org.strip()
        return out

    def _min_points(self, keys, who, max_points) -> Decimal:
        k, v = keys["min_points"]
        d = self.number(v)
        if not isinstance(d, Decimal):
            self.error(line(k), f"{who}的 min_points 必须是数字（可为负数，表示倒扣）")
            return ZERO
        if -d.as_tuple().exponent > 2:
            self.error(line(k), f"{who}的 min_points 最多保留 2 位小数（当前为 {v.value}）")
            return ZERO
        if d < MIN_FLOOR:
            self.error(line(k), f"{who}的 min_points 不能小于 {MIN_FLOOR}")
            return ZERO
        if max_points is not None and d > max_points:
            self.error(line(k), f"{who}的 min_points {v.value} 不能超过 max_points")
            return ZERO
        return d

    def _alternatives(self, keys, who) -> None:
        """`choose: one` takes groups only: each child is one assessee's block."""
        if "children" not in keys or not isinstance(keys["children"][1], SequenceNode):
            return
        for child in keys["children"][1].value:
            if isinstance(child, MappingNode):
                names = {k.value for k, _ in child.value if isinstance(k, ScalarNode)}
                if "children" not in names:
                    self.error(
                        line(child), f"{who}为 choose: one，下属只能是指标组（每组为一种适用情形）"
                    )

    def _rule(self, key_value: tuple[Node, Node], who, max_points, floor) -> Rule | None:
        k, v = key_value
        keys = self.mapping(v, f"{who}的 rule ")
        if keys is None:
            return None
        self.unknown_keys(keys, RULE_KEYS, f"{who}的 rule ")
        present = [name for name in RULE_KINDS if name in keys]
        if len(present) != 1:
            listed = "、".join(present) if present else "无"
            self.error(
                line(k),
                f"{who}的 rule 须恰好含 per_shortfall、tiers、proportional 之一（当前：{listed}）",
            )
            return None
        kind = present[0]
        for extra, owner in (("max_count", PER_SHORTFALL), ("unit", TIERS)):
            if extra in keys and kind != owner:
                self.error(line(keys[extra][0]), f"{who}的 rule 中 {extra} 只能与 {owner} 同用")
        if kind == PER_SHORTFALL:
            return self._per_shortfall(keys, who)
        if kind == TIERS:
            return self._tiers(keys, who, max_points)
        pk, pv = keys[PROPORTIONAL]
        if _bool(pv) is not True:
            self.error(line(pk), f"{who}的 rule.proportional 只能写 true")
            return None
        return Rule(PROPORTIONAL)

    def _positive(self, node: Node, at: int, what: str) -> Decimal | None:
        d = self.number(node)
        if not isinstance(d, Decimal) or d < 0:
            self.error(at, f"{what}必须是不小于 0 的数字")
            return None
        if -d.as_tuple().exponent > 2:
            self.error(at, f"{what}最多保留 2 位小数（当前为 {node.value}）")
            return None
        return d

    def _per_shortfall(self, keys, who) -> Rule | None:
        k, v = keys[PER_SHORTFALL]
        step = self._positive(v, line(k), f"{who}的 rule.per_shortfall ")
        if step is not None and step == 0:
            self.error(line(k), f"{who}的 rule.per_shortfall 必须大于 0")
            step = None
        max_count = None
        if "max_count" in keys:
            mk, mv = keys["max_count"]
            d = self.number(mv)
            if not isinstance(d, Decimal) or d != d.to_integral_value() or not 1 <= d <= 999:
                self.error(line(mk), f"{who}的 rule.max_count 必须是 1 至 999 的整数")
            else:
                max_count = int(d)
        return None if step is None else Rule(PER_SHORTFALL, step, max_count)

    def _tiers(self, keys, who, max_points) -> Rule | None:
        k, v = keys[TIERS]
        what = f"{who}的 rule.tiers"
        if not isinstance(v, SequenceNode) or not v.value:
            self.error(line(k), f"{what} 必须是非空列表，如 [[95, 3], [90, 2]]")
            return None
        tiers: list[tuple[Decimal, Decimal]] = []
        ok = True
        for n, pair in enumerate(v.value, 1):
            at = line(pair)
            if not isinstance(pair, SequenceNode) or len(pair.value) != 2:
                self.error(at, f"{what} 第 {n} 档须写成 [门槛, 得分]")
                ok = False
                continue
            threshold = self._positive(pair.value[0], at, f"{what} 第 {n} 档的门槛")
            points = self._positive(pair.value[1], at, f"{what} 第 {n} 档的得分")
            if threshold is None or points is None:
                ok = False
                continue
            if tiers and threshold >= tiers[-1][0]:
                self.error(
                    at,
                    f"{what} 的门槛须严格递减：第 {n} 档 {pair.value[0].value} 不小于上一档",
                )
                ok = False
            if max_points is not None and points > max_points:
                self.error(at, f"{what} 第 {n} 档得分 {pair.value[1].value} 超过 max_points")
                ok = False
            tiers.append((threshold, points))
        unit = ""
        if "unit" in keys:
            uk, uv = keys["unit"]
            unit = (uv.value if isinstance(uv, ScalarNode) and uv.tag != BOOL else "").strip()
            if not unit or len(unit) > 10:
                self.error(line(uk), f'{who}的 rule.unit 必须是 1 至 10 个字的单位，如 "%"')
        return Rule(TIERS, tiers=tuple(tiers), unit=unit) if ok else None

    def check_blocks(self, indicators) -> None:
        """At most one `choose: one` group (an assessment names one block); warn when
        the alternatives' maxima differ (then assessees are scored out of different totals)."""
        groups = choose_groups(indicators)
        for extra in groups[1:]:
            self.error(
                extra.line,
                f'指标组 "{extra.code}"：一个评分表只能有一个 choose: one 组'
                f'（已有 "{groups[0].code}"）',
            )
        for g in groups[:1]:
            maxima = {c.code: scored_max(c.children) for c in g.children}
            if len(set(maxima.values())) > 1:
                listed = "、".join(f"{c} {format(m, 'f')}" for c, m in maxima.items())
                self.warn(g.line, f'指标组 "{g.code}" 的各适用情形分值不同：{listed}')
