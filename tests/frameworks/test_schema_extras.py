"""The keys of printed tables: label, min_points, rule, optional, choose: one, org.

Plain pytest, no Django: every bad input gives PATH:LINE and a message naming the key.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fazhi.core.framework import scored_max, walk
from fazhi.core.rules import PER_SHORTFALL, PROPORTIONAL, TIERS
from fazhi.frameworks.schema import parse_file, parse_framework
from tests.conftest import split_message

ROOT = Path(__file__).resolve().parents[2]
D = Decimal

EXAMPLE = """\
code: t
title: 表
version: 1
declared_total: 20
grades:
  - {name: 优秀, min: 18}
  - {name: 合格, min: 12}
indicators:
  - code: "一"
    title: 组
    children:
      - code: "1"
        label: "（24）"
        title: 会议
        kind: scored
        max_points: 5
        min_points: -1
        rule: {per_shortfall: 0.5, max_count: 20}
      - code: "2"
        label: "（24）"
        title: 完成率
        kind: scored
        max_points: 3
        rule:
          tiers: [[95, 3], [90, 2], [80, 1]]
          unit: "%"
      - code: "3"
        title: 比例
        kind: scored
        max_points: 2
        optional: true
        rule: {proportional: true}
  - code: "二"
    title: 部门
    choose: one
    children:
      - code: "二.1"
        title: 甲局
        org: jia
        children:
          - {code: "a1", title: 甲项, kind: scored, max_points: 10}
      - code: "二.2"
        title: 乙局
        org: yi
        optional: true
        children:
          - {code: "b1", title: 乙项, kind: scored, max_points: 10}
"""


def parse(text: str):
    return parse_framework(text, "x.yaml")


def errors_of(text: str) -> list[tuple[int, str]]:
    return [split_message(e) for e in parse(text).errors]


def line_of(text: str, needle: str) -> int:
    return next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)


def test_example_loads_every_key():
    result = parse(EXAMPLE)
    assert result.errors == [] and result.warnings == []
    by_code = {ind.code: ind for _, ind in walk(result.indicators)}
    one, two, three = by_code["1"], by_code["2"], by_code["3"]
    assert one.label == two.label == "（24）" and one.shown_code == "（24）"
    assert one.min_points == D(-1)
    assert (one.rule.kind, one.rule.per_shortfall, one.rule.max_count) == (
        PER_SHORTFALL,
        D("0.5"),
        20,
    )
    assert two.rule.kind == TIERS and two.rule.tiers == ((95, 3), (90, 2), (80, 1))
    assert two.rule.unit == "%"
    assert three.rule.kind == PROPORTIONAL and three.optional
    assert by_code["二"].choose == "one" and by_code["二.1"].org == "jia"
    assert by_code["二.2"].optional
    # one alternative counts, not both: 5 + 3 + 2 + 10
    assert result.computed_total == scored_max(result.indicators) == D(20)


def test_labels_may_repeat_codes_may_not():
    text = EXAMPLE.replace('code: "2"\n', 'code: "1"\n')
    assert any("重复" in msg for _, msg in errors_of(text))


def test_shipped_table_keeps_its_digest_and_total():
    """Keys left at their defaults are not content: the 2019 table's loaded version stays."""
    shipped = parse_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")
    assert shipped.digest == "48226c4548636a2a59bfd9cd64a8f2073d1706a43d738642bd434e2d6eda25ad"
    assert shipped.computed_total == D(99)


def test_new_keys_change_the_digest():
    base = parse(EXAMPLE).digest
    assert (
        parse(EXAMPLE.replace('label: "（24）"\n        title: 会议', "title: 会议")).digest != base
    )
    assert parse(EXAMPLE.replace("min_points: -1", "min_points: -2")).digest != base


def test_alternatives_with_different_maxima_warn():
    text = EXAMPLE.replace(
        "乙项, kind: scored, max_points: 10", "乙项, kind: scored, max_points: 8"
    )
    assert text != EXAMPLE
    result = parse(text)
    assert result.errors == []
    assert [split_message(w) for w in result.warnings] == [
        (line_of(text, 'code: "二"'), '指标组 "二" 的各适用情形分值不同：二.1 10、二.2 8')
    ]


BAD = [
    # (replace this, with this, the line holding this, fragment of the message)
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 0.5, step: 1}",
        "step: 1",
        '含未知的键 "step"',
    ),
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 0.5, proportional: true}",
        "per_shortfall: 0.5",
        "须恰好含 per_shortfall、tiers、proportional 之一（当前：per_shortfall、proportional）",
    ),
    ("rule: {per_shortfall: 0.5, max_count: 20}", "rule: {}", "rule: {}", "（当前：无）"),
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 0}",
        "per_shortfall: 0",
        "rule.per_shortfall 必须大于 0",
    ),
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 0.125}",
        "per_shortfall",
        "最多保留 2 位小数",
    ),
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 1, max_count: 1.5}",
        "max_count",
        "rule.max_count 必须是 1 至 999 的整数",
    ),
    (
        "rule: {per_shortfall: 0.5, max_count: 20}",
        "rule: {per_shortfall: 1, unit: '%'}",
        "unit: '%'",
        "unit 只能与 tiers 同用",
    ),
    (
        "tiers: [[95, 3], [90, 2], [80, 1]]",
        "tiers: [[95, 3], [95, 2]]",
        "tiers:",
        "门槛须严格递减：第 2 档 95 不小于上一档",
    ),
    ("tiers: [[95, 3], [90, 2], [80, 1]]", "tiers: [[80, 1], [90, 2]]", "tiers:", "门槛须严格递减"),
    (
        "tiers: [[95, 3], [90, 2], [80, 1]]",
        "tiers: [[95, 4], [90, 2]]",
        "tiers:",
        "第 1 档得分 4 超过 max_points",
    ),
    ("tiers: [[95, 3], [90, 2], [80, 1]]", "tiers: [[95, 3, 1]]", "tiers:", "须写成 [门槛, 得分]"),
    ("tiers: [[95, 3], [90, 2], [80, 1]]", "tiers: []", "tiers:", "rule.tiers 必须是非空列表"),
    (
        "rule: {proportional: true}",
        "rule: {proportional: false}",
        "proportional",
        "rule.proportional 只能写 true",
    ),
    ("min_points: -1", "min_points: 6", "min_points", "min_points 6 不能超过 max_points"),
    ("min_points: -1", "min_points: abc", "min_points", "min_points 必须是数字"),
    (
        "optional: true\n        rule: {proportional: true}",
        "optional: maybe\n        rule: {proportional: true}",
        "optional: maybe",
        "optional 只能为 true 或 false",
    ),
    ("choose: one", "choose: two", "choose: two", "choose 只能为 one"),
    (
        'label: "（24）"\n        title: 会议',
        'label: ""\n        title: 会议',
        'label: ""',
        "label 必须是非空字符串",
    ),
    ("org: jia", "org: ''", "org: ''", "org 必须是单位代码"),
]


@pytest.mark.parametrize(("old", "new", "at", "fragment"), BAD)
def test_bad_input_names_line_and_key(old, new, at, fragment):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    errors = errors_of(text)
    assert any(n == line_of(text, at) and fragment in msg for n, msg in errors), errors
    assert parse(text).digest == ""  # nothing loadable


def test_choose_one_takes_groups_only():
    text = EXAMPLE.replace(
        '      - code: "二.2"',
        '      - {code: "x", title: 项, kind: scored, max_points: 10}\n      - code: "二.2"',
    )
    at = line_of(text, 'code: "x"')
    assert (at, '指标 "二" 为 choose: one，下属只能是指标组（每组为一种适用情形）') in errors_of(
        text
    )


@pytest.mark.parametrize(
    ("key", "kind_line"),
    [
        ("rule: {proportional: true}", "kind: bonus\n        points: 1"),
        ("min_points: -1", "kind: bonus\n        points: 1"),
        ("optional: true", "kind: veto"),
    ],
)
def test_keys_only_where_they_fit(key, kind_line):
    text = (
        "code: t\ntitle: 表\nversion: 1\nindicators:\n  - code: 一\n    title: 组\n    children:\n"
        f"      - code: '1'\n        title: 项\n        {kind_line}\n        {key}\n"
    )
    errors = errors_of(text)
    assert errors and errors[0][0] == line_of(text, key.split(":")[0] + ":")


def test_group_keys_only_on_groups():
    text = EXAMPLE.replace(
        "kind: scored\n        max_points: 3",
        "kind: scored\n        max_points: 3\n        choose: one",
    )
    assert any("不是指标组，不能有 choose" in m for _, m in errors_of(text))


def test_one_choose_group_per_table():
    extra = (
        "  - code: 三\n    title: 变体\n    choose: one\n    children:\n"
        "      - code: 三.1\n        title: 甲\n        children:\n"
        "          - {code: c1, title: 项, kind: scored, max_points: 1}\n"
    )
    text = EXAMPLE + extra
    assert (
        line_of(text, "code: 三\n".strip()),
        '指标组 "三"：一个评分表只能有一个 choose: one 组（已有 "二"）',
    ) in errors_of(text)


def test_the_readme_example_is_a_valid_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scoring tables as printed", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = parse("code: readme\ntitle: 示例\nversion: 1\n" + example)
    assert result.errors == [] and result.warnings == []
    assert result.computed_total == D(100)
