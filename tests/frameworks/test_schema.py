"""The scoring-table format: the shipped table, every kind of bad input, the digest.

Plain pytest, no Django.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.framework import BONUS, DEDUCTION, GROUP, SCORED, VETO, items, walk
from fazhi.frameworks.schema import indicator_to_dict, parse_file, parse_framework
from tests.conftest import SEED, SEED_CANDIDATES, SEED_NAME, split_message

ROOT = Path(__file__).resolve().parents[2]

SHIPPED = ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml"
split = split_message


# --- the shipped table -------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return parse_file(SHIPPED)


def test_shipped_parses_without_errors(shipped):
    assert shipped.errors == []
    assert shipped.ok
    assert shipped.code == "sc-sti-law-zone-2019"
    assert shipped.title == "创建科技创新法治示范区自查评分表"
    assert shipped.issuer == "四川省科学技术厅"
    assert shipped.source == "川科规〔2019〕15号 (as attached to 资科〔2020〕14号)"
    assert shipped.version == 1
    assert shipped.declared_total == Decimal(99)
    assert len(shipped.digest) == 64


def test_shipped_warnings_are_exactly_the_printed_inconsistencies(shipped):
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    line_of = lambda needle: next(n for n, text in enumerate(lines, 1) if needle in text)  # noqa: E731
    assert all(w.startswith(f"{SHIPPED}:") for w in shipped.warnings)
    assert [split(w) for w in shipped.warnings] == [
        (line_of("declared_total:"), "一级指标组标注分值合计 100，与标注总分 99 不一致"),
        (line_of('code: "五"'), '指标组 "五" 标注分值 30，下属评分项合计 29'),
        (
            line_of('code: "15"') + 3,
            '加分项 "15" 未定分值（points: null），须由创建办设定分值后才计分',
        ),
        (
            line_of('code: "16"') + 3,
            '加分项 "16" 未定分值（points: null），须由创建办设定分值后才计分',
        ),
    ]


def test_shipped_structure(shipped):
    assert shipped.computed_total == Decimal(99)
    groups = shipped.indicators
    assert [g.code for g in groups] == ["一", "二", "三", "四", "五", "六", "七"]
    assert all(g.kind == GROUP for g in groups)
    assert [g.declared_max for g in groups] == [Decimal(n) for n in (25, 15, 10, 10, 30, 10)] + [
        None
    ]
    leaves = items(groups)
    assert [i.code for i in leaves] == [str(n) for n in range(1, 19)]
    assert all(i.kind == SCORED for i in leaves[:14])
    by_code = {i.code: i for i in leaves}
    assert by_code["13"].max_points == Decimal(29)
    for code in ("15", "16"):
        assert by_code[code].kind == BONUS
        assert by_code[code].points is None and by_code[code].unit_declared == "points"
    assert by_code["17"].kind == VETO
    assert by_code["18"].kind == DEDUCTION
    assert by_code["18"].points_per_case == Decimal(5) and by_code["18"].cap == Decimal(20)
    assert by_code["18"].unit_declared == "points_per_case"
    assert all(i.evidence for i in leaves)
    # Never floats in results.
    for _, ind in walk(groups):
        for value in (ind.max_points, ind.points, ind.points_per_case, ind.cap, ind.declared_max):
            assert value is None or isinstance(value, Decimal)


def seed_table() -> tuple[list[str], dict[str, tuple[str, str]]]:
    """Group headings and {序号: (title, printed points)} read from the seed's 附件2."""
    seed = SEED
    if seed is None:
        pytest.skip(
            f"seed document {SEED_NAME} not found in {', '.join(map(str, SEED_CANDIDATES))}"
        )
    lines = seed.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == "附件2")
    rows = [line for line in lines[start:] if line.strip()]
    n = rows.index("分值") + 1
    headings, table = [], {}
    for seq in range(1, 19):  # 序号 1..18 are items; 19 is the 合计 row
        assert rows[n] == str(seq)
        n += 1
        if re.match(r"^[一二三四五六七]、", rows[n]):
            headings.append(rows[n])
            n += 1
        table[str(seq)] = (rows[n], rows[n + 1])
        n += 2
    return headings, table


def test_shipped_texts_equal_the_seed(shipped):
    headings, table = seed_table()
    leaves = {i.code: i for i in items(shipped.indicators)}
    assert {code: ind.title for code, ind in leaves.items()} == {
        code: t for code, (t, _) in table.items()
    }
    for code, (_, printed) in table.items():
        if printed == "——":
            assert leaves[code].kind in (BONUS, DEDUCTION, VETO)
        else:
            assert leaves[code].max_points == Decimal(printed)
    # Group titles: the printed heading minus its "一、" prefix and "(25 分)" suffix.
    for group, heading in zip(shipped.indicators, headings, strict=True):
        assert heading.startswith(f"{group.code}、{group.title}")


# --- bad input ---------------------------------------------------------------------

VALID = """\
code: t
title: 测试表
version: 1
indicators:
  - code: "一"
    title: 组
    children:
      - code: "1"
        title: 项
        kind: scored
        max_points: 5
"""


def edit(line_no: int, new: str | None) -> str:
    """VALID with line `line_no` (1-based) replaced by `new` (None deletes it)."""
    lines = VALID.splitlines()
    if new is None:
        del lines[line_no - 1]
    else:
        lines[line_no - 1] = new
    return "\n".join(lines) + "\n"


def as_kind(kind: str, points: str) -> str:
    """VALID with item "1" turned into `kind`, its max_points line replaced by `points`."""
    return VALID.replace("kind: scored", f"kind: {kind}").replace("max_points: 5", points)


def errors_of(text: str) -> list[tuple[int, str]]:
    result = parse_framework(text, "frameworks/x.yaml")
    assert all(e.startswith("frameworks/x.yaml:") for e in result.errors)
    if result.errors:
        assert result.digest == ""
    return [split(e) for e in result.errors]


def test_valid_minimal():
    result = parse_framework(VALID, "x.yaml")
    assert result.errors == [] and result.warnings == []
    assert result.computed_total == Decimal(5)


BAD = [
    # (name, text, line, fragment of the message)
    ("malformed yaml", edit(6, "    title: 组: 坏"), 6, "YAML 语法错误"),
    ("unclosed flow", edit(4, "indicators: ["), 5, "YAML 语法错误"),
    ("unknown kind", edit(10, "        kind: bogus"), 10, 'kind "bogus" 未知'),
    ("unknown key", VALID + "        weight: 3\n", 12, '含未知的键 "weight"'),
    ("unknown top key", "extra: 1\n" + VALID, 1, '未知的顶层键 "extra"'),
    (
        "negative max_points",
        edit(11, "        max_points: -1"),
        11,
        '指标 "1" 的 max_points 必须是不小于 0 的数字',
    ),
    ("missing max_points", edit(11, None), 8, '指标 "1" 是评分项，缺少 max_points'),
    (
        "null max_points",
        edit(11, "        max_points: null"),
        11,
        "max_points 必须是不小于 0 的数字",
    ),
    (
        "string max_points",
        edit(11, '        max_points: "5"'),
        11,
        "max_points 必须是不小于 0 的数字",
    ),
    ("word max_points", edit(11, "        max_points: 五"), 11, "max_points 必须是不小于 0 的数字"),
    (
        "bool max_points",
        edit(11, "        max_points: true"),
        11,
        "max_points 必须是不小于 0 的数字",
    ),
    ("yaml 1.1 bool", edit(11, "        max_points: yes"), 11, "max_points 必须是不小于 0 的数字"),
    ("infinite", edit(11, "        max_points: .inf"), 11, "max_points 必须是不小于 0 的数字"),
    ("three decimals", edit(11, "        max_points: 4.125"), 11, "max_points 最多保留 2 位小数"),
    ("missing title", edit(9, None), 8, '指标 "1" 缺少 title'),
    ("empty title", edit(9, '        title: ""'), 9, "title 必须是非空字符串"),
    (
        "missing code",
        VALID.replace('- code: "1"\n        title: 项', "- title: 项"),
        8,
        "指标缺少 code",
    ),
    ("bad framework code", edit(1, "code: Bad_Code"), 1, "code 只能由小写字母、数字和连字符组成"),
    ("missing framework title", edit(2, None), 1, "缺少必填键 title"),
    ("version zero", edit(3, "version: 0"), 3, "version 必须是正整数"),
    ("version string", edit(3, 'version: "1"'), 3, "version 必须是正整数"),
    (
        "empty indicators",
        "code: t\ntitle: 表\nversion: 1\nindicators: []\n",
        4,
        "indicators 必须是非空列表",
    ),
    (
        "declared_total string",
        VALID + "declared_total: 九十九\n",
        12,
        "declared_total 必须是不小于 0 的数字或 null",
    ),
    (
        "duplicate key",
        edit(11, "        max_points: 5\n        max_points: 6"),
        12,
        '键 "max_points" 重复（首次出现在第 11 行）',
    ),
    ("no kind", edit(10, None), 8, '指标 "1" 缺少 kind'),
    (
        "group kind without children",
        edit(10, "        kind: group"),
        10,
        "kind 为 group，但没有 children",
    ),
    (
        "children with item kind",
        edit(6, "    title: 组\n    kind: scored"),
        7,
        "kind 只能省略或写 group",
    ),
    (
        "empty children",
        "code: t\ntitle: 表\nversion: 1\nindicators:\n  - code: 一\n    title: 组\n    children: []\n",
        7,
        "children 必须是非空列表",
    ),
    (
        "max_points on group",
        edit(6, "    title: 组\n    max_points: 5"),
        7,
        "是指标组，不能有 max_points",
    ),
    ("cap on scored", VALID + "        cap: 5\n", 12, "是评分项，不能有 cap"),
    (
        "bonus without points",
        edit(11, None).replace("scored", "bonus"),
        8,
        "须写 points 或 points_per_case",
    ),
    (
        "bonus with both",
        as_kind("bonus", "points: 1\n        points_per_case: 2"),
        12,
        "只能写 points 或 points_per_case",
    ),
    ("bonus negative", as_kind("bonus", "points: -2"), 11, "points 必须是不小于 0 的数字或 null"),
    (
        "deduction string",
        as_kind("deduction", "points_per_case: 两分"),
        11,
        "points_per_case 必须是不小于 0 的数字",
    ),
    (
        "deduction bool",
        as_kind("deduction", "points_per_case: false"),
        11,
        "points_per_case 必须是不小于 0 的数字",
    ),
    (
        "negative cap",
        as_kind("deduction", "points_per_case: 2\n        cap: -5"),
        12,
        "cap 必须是不小于 0 的数字或 null",
    ),
    ("veto with points", as_kind("veto", "points: 5"), 11, "points 只能为 null"),
    (
        "grade min negative",
        VALID + "grades:\n  - {name: 优秀, min: -1}\n",
        13,
        "min 必须是不小于 0 的数字",
    ),
    ("empty file", "# only a comment\n", 1, "文件为空"),
    ("top level list", "- a\n- b\n", 1, "文件顶层必须是映射"),
    ("control character", "code: t\ntitle: \x01\n", 2, "不允许的字符 #x0001"),
]


@pytest.mark.parametrize(
    "text,line,fragment", [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_bad_input_reports_line_and_reason(text, line, fragment):
    errors = errors_of(text)
    assert len(errors) == 1 and errors[0][0] == line and fragment in errors[0][1], errors


def test_bad_input_exact_message():
    assert parse_framework(edit(11, "        max_points: -1"), "frameworks/x.yaml").errors == [
        'frameworks/x.yaml:11: 指标 "1" 的 max_points 必须是不小于 0 的数字'
    ]


def test_duplicate_codes_name_both_lines():
    text = VALID + '      - code: "1"\n        title: 又一项\n        kind: veto\n'
    assert errors_of(text) == [(12, '指标编号 "1" 重复：第 8 行与第 12 行')]
    # Also across levels: a group code reused by an item.
    text = VALID + '      - code: "一"\n        title: 又一项\n        kind: veto\n'
    assert errors_of(text) == [(12, '指标编号 "一" 重复：第 5 行与第 12 行')]


def test_all_errors_are_collected():
    text = edit(11, "        max_points: -1").replace(
        "kind: scored", "kind: scored\n        weight: 1"
    )
    text = text.replace("code: t", "code: T!")
    assert [n for n, _ in errors_of(text)] == [1, 11, 12]


def test_alias_loop_is_an_error_not_a_crash():
    text = "code: t\ntitle: 表\nversion: 1\nindicators:\n  - &g\n    code: 一\n    title: 组\n    children: [*g]\n"
    assert any("锚点/别名" in msg for _, msg in errors_of(text))


# --- values ------------------------------------------------------------------------


def test_numbers_are_decimals_and_codes_strings():
    text = VALID.replace('code: "1"', "code: 1").replace("max_points: 5", "max_points: 4.50")
    result = parse_framework(text, "x.yaml")
    assert result.errors == []
    item = result.indicators[0].children[0]
    assert item.code == "1"
    assert item.max_points == Decimal("4.5") and isinstance(item.max_points, Decimal)
    assert indicator_to_dict(item)["max_points"] == "4.5"


def test_indicator_to_dict_shape():
    result = parse_framework(VALID.replace("max_points: 5", "max_points: 5.0"), "x.yaml")
    assert indicator_to_dict(result.indicators[0]) == {
        "code": "一",
        "title": "组",
        "kind": "group",
        "max_points": None,
        "points": None,
        "points_per_case": None,
        "cap": None,
        "declared_max": None,
        "evidence": "",
        "label": "",
        "min_points": "0",
        "rule": None,
        "optional": False,
        "choose": "",
        "org": "",
        "children": [
            {
                "code": "1",
                "title": "项",
                "kind": "scored",
                "max_points": "5",
                "points": None,
                "points_per_case": None,
                "cap": None,
                "declared_max": None,
                "evidence": "",
                "label": "",
                "min_points": "0",
                "rule": None,
                "optional": False,
                "choose": "",
                "org": "",
                "children": [],
            }
        ],
    }
    json.dumps(indicator_to_dict(result.indicators[0]))  # JSON-ready


def test_veto_may_write_points_null():
    result = parse_framework(as_kind("veto", "points: null"), "x.yaml")
    assert result.errors == [] and result.warnings == []
    assert result.indicators[0].children[0].kind == VETO


def test_grades():
    result = parse_framework(
        VALID + "grades:\n  - {name: 优秀, min: 90}\n  - {name: 良好, min: 80.5}\n", "x.yaml"
    )
    assert result.errors == []
    assert result.grades == (("优秀", Decimal(90)), ("良好", Decimal("80.5")))


def test_group_cap_and_nested_groups():
    text = """\
code: t
title: 表
version: 1
declared_total: 3
indicators:
  - code: 一
    title: 组
    declared_max: 3
    cap: 5
    children:
      - code: 一.1
        title: 子组
        children:
          - {code: 1, title: 三级项, kind: scored, max_points: 3}
          - {code: 2, title: 扣分, kind: deduction, points_per_case: 2}
"""
    result = parse_framework(text, "x.yaml")
    assert result.errors == [] and result.warnings == []
    assert result.indicators[0].cap == Decimal(5)
    assert [(d, i.code) for d, i in walk(result.indicators)] == [
        (1, "一"),
        (2, "一.1"),
        (3, "1"),
        (3, "2"),
    ]


def test_declared_total_mismatch_warns():
    result = parse_framework(VALID + "declared_total: 6\n", "x.yaml")
    assert result.errors == []
    assert result.warnings == ["x.yaml:12: 标注总分 6 与评分项合计 5 不一致"]


# --- digest ------------------------------------------------------------------------

REFORMATTED = """\
# same content, different layout
{code: t, title: '测试表', version: 1, indicators: [
  {code: 一, title: 组, children: [
    {max_points: 5.00, kind: scored, title: "项", code: 1}   # keys in another order
  ]}
]}
"""


def test_digest_stable_across_formatting():
    a = parse_framework(VALID, "a.yaml")
    b = parse_framework(REFORMATTED, "b.yaml")
    assert b.errors == []
    assert a.digest == b.digest


def test_digest_changes_with_content():
    base = parse_framework(VALID, "a.yaml").digest
    assert parse_framework(VALID.replace("title: 项", "title: 项目"), "a.yaml").digest != base
    assert (
        parse_framework(VALID.replace("max_points: 5", "max_points: 4.5"), "a.yaml").digest != base
    )
    assert parse_framework(VALID.replace("version: 1", "version: 2"), "a.yaml").digest != base
    by_fixed = parse_framework(as_kind("bonus", "points: null"), "a.yaml").digest
    by_case = parse_framework(as_kind("bonus", "points_per_case: null"), "a.yaml").digest
    assert by_fixed != by_case


def test_shipped_digest_ignores_comments(shipped):
    text = SHIPPED.read_text(encoding="utf-8")
    stripped = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert parse_framework(stripped, "other.yaml").digest == shipped.digest


# --- never raises ------------------------------------------------------------------

SHIPPED_LINES = (
    SHIPPED.read_text(encoding="utf-8").splitlines() if SHIPPED.exists() else ["code: x"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(SHIPPED_LINES + VALID.splitlines()) | st.text(max_size=30), max_size=40
    )
)
def test_any_text_gives_messages_not_exceptions(lines):
    text = "\n".join(lines)
    result = parse_framework(text, "f.yaml")
    # YAML breaks lines at \r, NEL and the Unicode separators too, not only at \n
    breaks = len(re.findall(r"\r\n|[\n\r\x85\u2028\u2029]", text))
    for message in result.errors + result.warnings:
        line, _ = split(message)
        assert 1 <= line <= breaks + 2
