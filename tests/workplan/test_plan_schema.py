"""The work-plan format: the shipped plan against the seed, every kind of bad input, the digest.

Plain pytest, no Django.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.plan import TemplateTask
from fazhi.workplan.schema import (
    parse_plan,
    parse_plan_file,
    task_from_dict,
    task_to_dict,
    walk_tasks,
)
from tests.conftest import SEED, SEED_CANDIDATES, SEED_NAME, split_message

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "plans" / "zy-gxq-sti-law-2020.yaml"
SCORING_ITEMS = {str(n) for n in range(1, 19)}
split = split_message


# --- the shipped plan --------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return parse_plan_file(SHIPPED)


def test_shipped_parses_without_errors(shipped):
    assert shipped.errors == [] and shipped.warnings == []
    assert shipped.ok
    assert shipped.code == "zy-gxq-sti-law-2020"
    assert shipped.title == "创建四川省科技创新法治示范区工作方案"
    assert shipped.source == "资阳高新区党工委、管委会 (附件1 of 资科〔2020〕14号)"
    assert shipped.version == 1
    assert len(shipped.digest) == 64


def test_shipped_structure(shipped):
    areas = shipped.areas
    assert [(a.kind, a.number) for a in areas] == [
        ("area", "一"),
        ("area", "二"),
        ("area", "三"),
        ("area", "四"),
        ("area", "五"),
        ("area", "六"),
        ("safeguard", "一"),
        ("safeguard", "二"),
        ("safeguard", "三"),
    ]
    assert [len(a.children) for a in shipped.key_areas] == [3, 2, 3, 3, 4, 0]
    assert [s.title for s in shipped.safeguards] == ["加强组织领导", "压实工作责任", "强化工作保障"]
    assert all(s.children == () for s in shipped.safeguards)
    for area in shipped.key_areas:
        assert [c.number for c in area.children] == [
            str(n) for n in range(1, len(area.children) + 1)
        ]
        assert all(c.kind == "task" and c.children == () for c in area.children)
    six = shipped.key_areas[5]
    assert six.title == "加强基层治理科技支撑" and six.text.startswith(
        "加快实施亚行绿色转型贷款智慧园区项目"
    )
    assert shipped.key_areas[0].children[0].title == "完善科技行政民主决策制度"
    # The seed assigns no departments: the template must not either.
    assert all(t.lead is None and t.support == () for _, _, t in walk_tasks(shipped.areas))


def test_shipped_indicator_links_are_known_items(shipped):
    checked = parse_plan_file(SHIPPED, known_orgs=set(), known_indicators=SCORING_ITEMS)
    assert checked.errors == []
    links = {path: t.indicators for path, _, t in walk_tasks(shipped.areas) if t.indicators}
    assert links["二.2"] == ("10",) and links["四.2"] == ("6",) and links["四.3"] == ("8",)
    assert links["一.1"] == ("7",) and links["一.2"] == ("3",)
    assert all(t.kind == "task" for path, _, t in walk_tasks(shipped.areas) if path in links)


def test_shipped_paths(shipped):
    paths = [(p, d) for p, d, _ in walk_tasks(shipped.areas)]
    assert paths[:4] == [("一", 1), ("一.1", 2), ("一.2", 2), ("一.3", 2)]
    assert paths[-4:] == [("六", 1), ("保障.一", 1), ("保障.二", 1), ("保障.三", 1)]
    assert len(paths) == 6 + 15 + 3
    assert len({p for p, _ in paths}) == len(paths)


def seed_units() -> dict[str, str]:
    """Path number -> the printed paragraph (or heading) with its indentation and its
    "(一)" / "1." number removed, read straight from the seed."""
    text = SEED.read_text(encoding="utf-8")
    section = text[text.index("三、重点任务") : text.index("附件2")]
    paragraphs = [p.strip() for p in section.splitlines() if p.strip()]
    assert paragraphs[0] == "三、重点任务"
    units: dict[str, str] = {}
    prefix, area = "", ""
    for p in paragraphs[1:]:
        if p == "四、保障措施":
            prefix = "保障."
            continue
        if m := re.match(r"^\(([一二三四五六七八九十]+)\)(.*)$", p):
            area = prefix + m[1]
            units[area] = m[2]
        elif m := re.match(r"^(\d+)\.\s*(.*)$", p):
            units[f"{area}.{m[1]}"] = m[2]
        else:  # a paragraph under an area heading with no numbered tasks: (六)
            units[area + "#text"] = p
    return units


@pytest.mark.skipif(
    SEED is None, reason=f"seed document {SEED_NAME} not found in {SEED_CANDIDATES}"
)
def test_shipped_texts_are_the_seed_paragraphs(shipped):
    units = seed_units()
    seen = set()
    for path, _, task in walk_tasks(shipped.areas):
        printed = units[path]
        seen.add(path)
        if task.kind == "area":
            assert printed == task.title, path
            if task.children == ():
                assert task.text == units[path + "#text"], path
                seen.add(path + "#text")
            else:
                assert task.text == ""
        elif path == "保障.三":
            # The seed prints no "。" after this title: "(三)强化工作保障党工委(管委会)对……"
            assert printed == task.title + task.text and task.title == "强化工作保障"
        else:
            # title = the sentence before the first "。", text = everything after it, verbatim.
            assert "。" not in task.title, path
            assert printed == f"{task.title}。{task.text}", path
    assert seen == set(units)


# --- bad input ---------------------------------------------------------------------

VALID = """\
code: t
title: 测试方案
version: 1
tasks:
  - number: "一"
    title: 领域
    children:
      - number: "1"
        title: 任务
        text: 内容。
        lead: org-a
        support: [org-b]
        indicators: ["6"]
safeguards:
  - number: "一"
    title: 保障
    text: 保障内容。
"""


def edit(line_no: int, new: str | None) -> str:
    """VALID with line `line_no` (1-based) replaced by `new` (None deletes it)."""
    lines = VALID.splitlines()
    if new is None:
        del lines[line_no - 1]
    else:
        lines[line_no - 1] = new
    return "\n".join(lines) + "\n"


def errors_of(text: str, **kw) -> list[tuple[int, str]]:
    result = parse_plan(text, "plans/x.yaml", **kw)
    assert all(e.startswith("plans/x.yaml:") for e in result.errors)
    if result.errors:
        assert result.digest == ""
    return [split(e) for e in result.errors]


SECOND_TASK = '      - number: "2"\n        title: 任务二\n'


def test_valid_minimal():
    result = parse_plan(VALID, "x.yaml")
    assert result.errors == [] and result.warnings == []
    assert result.areas == (
        TemplateTask(
            number="一",
            title="领域",
            kind="area",
            line=5,
            children=(
                TemplateTask(
                    number="1",
                    title="任务",
                    text="内容。",
                    kind="task",
                    lead="org-a",
                    support=("org-b",),
                    indicators=("6",),
                    line=8,
                ),
            ),
        ),
        TemplateTask(number="一", title="保障", text="保障内容。", kind="safeguard", line=15),
    )


BAD = [
    # (name, text, line, fragment of the message)
    ("malformed yaml", edit(6, "    title: 领域: 坏"), 6, "YAML 语法错误"),
    ("unclosed flow", edit(12, "        support: [org-b"), 13, "YAML 语法错误"),
    ("bad indentation", edit(9, "         title: 任务"), 9, "YAML 语法错误"),
    ("missing title", edit(9, None), 8, '任务 "一.1" 缺少 title'),
    ("empty title", edit(9, '        title: ""'), 9, '任务 "一.1" 的 title 必须是非空字符串'),
    ("blank title", edit(9, "        title:    "), 9, "title 必须是非空字符串"),
    ("list title", edit(9, "        title: [任务]"), 9, "title 必须是非空字符串"),
    ("long title", edit(9, "        title: " + "长" * 201), 9, "title 不能超过 200 个字符"),
    ("missing area title", edit(6, None), 5, '任务 "一" 缺少 title'),
    ("missing safeguard title", edit(16, None), 15, '保障措施 "保障.一" 缺少 title'),
    (
        "missing number",
        VALID.replace('      - number: "1"\n        title: 任务', "      - title: 任务"),
        8,
        "任务缺少 number",
    ),
    ("null number", edit(8, "      - number: null"), 8, "number（编号）必须是非空字符串或整数"),
    ("bool number", edit(8, "      - number: yes"), 8, "number（编号）必须是非空字符串或整数"),
    ("dotted number", edit(8, '      - number: "1."'), 8, '任务编号 "1." 不能含 "."'),
    ("float number", edit(8, "      - number: 1.2"), 8, "number（编号）必须是非空字符串或整数"),
    (
        "missing safeguard number",
        VALID.replace('  - number: "一"\n    title: 保障', "  - title: 保障"),
        15,
        "保障措施缺少 number",
    ),
    (
        "duplicate task number",
        VALID.replace("safeguards:", SECOND_TASK.replace('"2"', "1") + "safeguards:"),
        14,
        '任务编号 "1" 在 "一" 下重复：第 8 行与第 14 行',
    ),
    (
        "duplicate area number",
        VALID.replace(
            "safeguards:", "  - number: 一\n    title: 又一领域\n    text: 文\nsafeguards:"
        ),
        14,
        '任务编号 "一" 在 重点任务 下重复：第 5 行与第 14 行',
    ),
    (
        "duplicate safeguard number",
        VALID + '  - number: "一"\n    title: 又一保障\n',
        18,
        '保障措施编号 "一" 在 保障措施 下重复：第 15 行与第 18 行',
    ),
    (
        "unknown task key",
        edit(10, "        text: 内容。\n        deadline: 2020-06-30"),
        11,
        '任务 "一.1" 含未知的键 "deadline"',
    ),
    (
        "kind is not a key",
        edit(10, "        text: 内容。\n        kind: task"),
        11,
        '含未知的键 "kind"',
    ),
    ("unknown top key", "extra: 1\n" + VALID, 1, '未知的顶层键 "extra"'),
    (
        "duplicate key",
        edit(10, "        text: 内容。\n        text: 又一内容。"),
        11,
        '键 "text" 重复（首次出现在第 10 行）',
    ),
    (
        "lead not a string",
        edit(11, "        lead: [org-a]"),
        11,
        "lead（牵头单位）必须是单位编码字符串",
    ),
    ("lead a number", edit(11, "        lead: 12"), 11, "lead（牵头单位）必须是单位编码字符串"),
    (
        "support a string",
        edit(12, "        support: org-b"),
        12,
        "support（配合单位）必须是字符串列表",
    ),
    (
        "support of lists",
        edit(12, "        support: [[org-b]]"),
        12,
        "support（配合单位）中每一项都必须是非空字符串",
    ),
    ("support of numbers", edit(12, "        support: [3]"), 12, "中每一项都必须是非空字符串"),
    ("support repeats", edit(12, "        support: [org-b, org-b]"), 12, "配合单位 org-b 重复"),
    (
        "lead also support",
        edit(12, "        support: [org-a]"),
        12,
        "牵头单位 org-a 不能同时是配合单位",
    ),
    (
        "indicators a string",
        edit(13, '        indicators: "6"'),
        13,
        "indicators（评分表指标）必须是字符串或整数列表",
    ),
    (
        "indicators a map",
        edit(13, "        indicators: {a: 1}"),
        13,
        "indicators（评分表指标）必须是字符串或整数列表",
    ),
    (
        "indicators of bools",
        edit(13, "        indicators: [true]"),
        13,
        "中每一项都必须是非空字符串或整数",
    ),
    ("indicators repeat", edit(13, '        indicators: ["6", 6]'), 13, '评分表指标 "6" 重复'),
    ("text a list", edit(10, "        text: [a]"), 10, "text 必须是字符串"),
    ("bad plan code", edit(1, "code: Bad_Code"), 1, "code 只能由小写字母、数字和连字符组成"),
    ("missing plan code", edit(1, None), 1, "缺少必填键 code"),
    ("missing plan title", edit(2, None), 1, "缺少必填键 title"),
    ("empty plan title", edit(2, "title:"), 2, "title 必须是非空字符串"),
    ("version zero", edit(3, "version: 0"), 3, "version 必须是正整数"),
    ("version negative", edit(3, "version: -2"), 3, "version 必须是正整数"),
    ("version string", edit(3, 'version: "1"'), 3, "version 必须是正整数"),
    ("version float", edit(3, "version: 1.5"), 3, "version 必须是正整数"),
    ("version bool", edit(3, "version: true"), 3, "version 必须是正整数"),
    ("missing version", edit(3, None), 1, "缺少必填键 version"),
    ("source a list", VALID + "source: [a]\n", 18, "source 必须是字符串"),
    ("missing tasks", VALID.split("tasks:")[0] + "safeguards: []\n", 1, "缺少必填键 tasks"),
    (
        "empty tasks",
        "code: t\ntitle: 方案\nversion: 1\ntasks: []\n",
        4,
        "tasks（重点任务）必须是非空列表",
    ),
    (
        "safeguards a map",
        VALID.split("safeguards:")[0] + "safeguards: {a: 1}\n",
        14,
        "safeguards（保障措施）必须是列表",
    ),
    (
        "empty children",
        "code: t\ntitle: 方案\nversion: 1\ntasks:\n  - number: 一\n    title: 领域\n    children: []\n",
        7,
        '任务 "一" 的 children 必须是非空列表',
    ),
    (
        "task a string",
        VALID.replace("safeguards:", "  - 只写了一句话\nsafeguards:"),
        14,
        "任务必须是映射",
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


def test_bad_input_exact_messages():
    dup = VALID.replace("safeguards:", SECOND_TASK.replace('"2"', '"1"') + "safeguards:")
    assert parse_plan(dup, "plans/x.yaml").errors == [
        'plans/x.yaml:14: 任务编号 "1" 在 "一" 下重复：第 8 行与第 14 行'
    ]
    assert parse_plan(VALID, "plans/x.yaml", known_orgs={"org-b"}).errors == [
        'plans/x.yaml:11: 任务 "一.1" 的牵头单位 org-a 不存在'
    ]


def test_duplicate_numbers_in_nested_tasks_name_the_parent():
    text = VALID.replace(
        "        indicators",
        """\
        children:
          - {number: 1, title: 子任务}
          - {number: 1, title: 又一子任务}
        indicators""",
    )
    assert errors_of(text) == [(15, '任务编号 "1" 在 "一.1" 下重复：第 14 行与第 15 行')]


def test_same_number_in_different_places_is_fine():
    # "1" under 一 and under 二, "一" as an area and as a safeguard.
    text = VALID.replace(
        "safeguards:",
        '  - number: "二"\n    title: 领域二\n    children:\n'
        '      - {number: "1", title: 任务}\nsafeguards:',
    )
    result = parse_plan(text, "x.yaml")
    assert result.errors == []
    assert [p for p, _, _ in walk_tasks(result.areas)] == ["一", "一.1", "二", "二.1", "保障.一"]


def test_all_errors_are_collected():
    text = (
        edit(1, "code: T!").replace("lead: org-a", "lead: [org-a]").replace("title: 保障", "title:")
    )
    text = text.replace("        support", "        weight: 1\n        support")
    assert [n for n, _ in errors_of(text)] == [1, 11, 12, 17]


def test_known_orgs():
    assert errors_of(VALID, known_orgs={"org-a", "org-b"}) == []
    assert errors_of(VALID, known_orgs={"org-a"}) == [(12, '任务 "一.1" 的配合单位 org-b 不存在')]
    errors = errors_of(VALID.replace("org-a", "zy-gxq-xxx"), known_orgs=set())
    assert [n for n, _ in errors] == [11, 12]
    assert "牵头单位 zy-gxq-xxx 不存在" in errors[0][1] and "配合单位 org-b 不存在" in errors[1][1]
    # Without the set only the shape is checked.
    assert errors_of(VALID.replace("org-a", "zy-gxq-xxx")) == []


def test_known_indicators():
    assert errors_of(VALID, known_indicators={"6"}) == []
    assert errors_of(VALID, known_indicators={"7"}) == [(13, '任务 "一.1" 的评分表指标 "6" 不存在')]
    on_area = VALID.replace("    children:", "    indicators: [99]\n    children:", 1)
    assert errors_of(on_area, known_indicators={"6"}) == [(7, '任务 "一" 的评分表指标 "99" 不存在')]
    on_safeguard = VALID + "    indicators: [1]\n"
    assert errors_of(on_safeguard, known_indicators=SCORING_ITEMS) == []
    assert errors_of(on_safeguard, known_indicators={"6"}) == [
        (18, '保障措施 "保障.一" 的评分表指标 "1" 不存在')
    ]


def test_alias_loop_is_an_error_not_a_crash():
    text = "code: t\ntitle: 方案\nversion: 1\ntasks:\n  - &a\n    number: 一\n    title: 领域\n    children: [*a]\n"
    assert any("锚点/别名" in msg for _, msg in errors_of(text))


def test_deep_nesting_is_an_error_not_a_crash():
    task = "{number: 1, title: t}"
    for _ in range(12):
        task = f"{{number: 1, title: t, children: [{task}]}}"
    text = f"code: t\ntitle: 方案\nversion: 1\ntasks: [{task}]\n"
    assert any("层级过深" in msg for _, msg in errors_of(text))


def test_area_without_children_or_text_warns():
    text = "code: t\ntitle: 方案\nversion: 1\ntasks:\n  - number: 一\n    title: 领域\n"
    result = parse_plan(text, "x.yaml")
    assert result.errors == []
    assert result.warnings == [
        'x.yaml:5: 任务 "一" 既没有 children（下属任务）也没有 text（任务内容）'
    ]


# --- values ------------------------------------------------------------------------


def test_numbers_may_be_ints_and_become_strings():
    text = VALID.replace('number: "1"', "number: 1").replace(
        'indicators: ["6"]', "indicators: [6, 10]"
    )
    result = parse_plan(text, "x.yaml", known_indicators={"6", "10"})
    assert result.errors == []
    task = result.areas[0].children[0]
    assert task.number == "1" and task.indicators == ("6", "10")


def test_optional_fields_may_be_null_or_absent():
    text = VALID.replace("lead: org-a", "lead:").replace("support: [org-b]", "support: null")
    text = text.replace('indicators: ["6"]', "indicators: []").replace("text: 内容。", "text: ~")
    result = parse_plan(text + "source:\n", "x.yaml")
    assert result.errors == []
    task = result.areas[0].children[0]
    assert (task.lead, task.support, task.indicators, task.text) == (None, (), (), "")
    assert result.source == ""
    no_safeguards = parse_plan(VALID.split("safeguards:")[0], "x.yaml")
    assert no_safeguards.errors == [] and no_safeguards.safeguards == ()


def test_text_as_block_keeps_its_lines():
    text = VALID.replace("text: 内容。", "text: |\n          第一句。\n          第二句。")
    assert parse_plan(text, "x.yaml").areas[0].children[0].text == "第一句。\n第二句。"


def test_walk_tasks_nested_and_safeguard_children():
    text = """\
code: t
title: 方案
version: 1
tasks:
  - number: 一
    title: 领域
    children:
      - number: 1
        title: 任务
        children:
          - {number: 2, title: 子任务}
safeguards:
  - number: 一
    title: 保障
    children:
      - {number: 1, title: 分项}
"""
    result = parse_plan(text, "x.yaml")
    assert result.errors == []
    assert [(p, d, t.kind) for p, d, t in walk_tasks(result.areas)] == [
        ("一", 1, "area"),
        ("一.1", 2, "task"),
        ("一.1.2", 3, "task"),
        ("保障.一", 1, "safeguard"),
        ("保障.一.1", 2, "safeguard"),
    ]


def test_task_dict_round_trip(shipped):
    as_json = json.loads(json.dumps([task_to_dict(a) for a in shipped.areas], ensure_ascii=False))
    back = tuple(task_from_dict(d) for d in as_json)

    def flat(ts):
        return [(p, d, t.kind, t.title, t.text, t.indicators) for p, d, t in walk_tasks(ts)]

    assert flat(back) == flat(shipped.areas)


def test_parse_plan_file_read_errors(tmp_path):
    missing = parse_plan_file(tmp_path / "nope.yaml")
    assert (
        len(missing.errors) == 1
        and split(missing.errors[0])[0] == 1
        and "无法读取文件" in missing.errors[0]
    )
    assert missing.errors[0].startswith(f"{tmp_path / 'nope.yaml'}:1: ")
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("code: t\ntitle: 方案\n".encode("gbk"))
    result = parse_plan_file(bad)
    assert [split(e) for e in result.errors] == [(2, "文件不是 UTF-8 编码")]
    assert result.digest == ""
    folder = parse_plan_file(tmp_path)
    assert len(folder.errors) == 1 and "无法读取文件" in folder.errors[0]


def test_parse_plan_file_passes_known_sets(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(VALID, encoding="utf-8")
    assert parse_plan_file(f).errors == []
    assert [
        split(e)[1] for e in parse_plan_file(f, known_orgs={"org-a"}, known_indicators=set()).errors
    ] == [
        '任务 "一.1" 的配合单位 org-b 不存在',
        '任务 "一.1" 的评分表指标 "6" 不存在',
    ]
    f.write_bytes("\ufeff".encode() + VALID.encode())  # a BOM from a Windows editor
    assert parse_plan_file(f).errors == []


# --- digest ------------------------------------------------------------------------

REFORMATTED = """\
# same content, different layout
{code: t, version: 1, title: '测试方案',
 safeguards: [{text: "保障内容。", number: 一, title: 保障}],
 tasks: [
  {number: 一, title: 领域, children: [
    {indicators: [6], support: [org-b], lead: org-a, text: 内容。, title: "任务", number: 1}   # keys in another order
  ]}
]}
"""


def test_digest_stable_across_formatting():
    a = parse_plan(VALID, "a.yaml")
    b = parse_plan(REFORMATTED, "b.yaml")
    assert b.errors == []
    assert a.digest == b.digest and len(a.digest) == 64


def test_digest_is_sm3_of_canonical_json():
    import hashlib

    result = parse_plan(VALID, "a.yaml")
    body = {
        "code": "t",
        "title": "测试方案",
        "source": "",
        "version": 1,
        "areas": [task_to_dict(a) for a in result.areas],
    }
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert result.digest == hashlib.new("sm3", raw).hexdigest()


def test_digest_changes_with_content():
    base = parse_plan(VALID, "a.yaml").digest
    changed = [
        VALID.replace("title: 任务", "title: 任务甲"),
        VALID.replace("text: 内容。", "text: 内容"),
        VALID.replace("version: 1", "version: 2"),
        VALID.replace("lead: org-a", "lead: org-c"),
        VALID.replace("support: [org-b]", "support: [org-b, org-c]"),
        VALID.replace('indicators: ["6"]', 'indicators: ["7"]'),
        VALID + "source: 原文\n",
        VALID.split("safeguards:")[0],
        VALID.replace('  - number: "一"\n    title: 保障', '  - number: "二"\n    title: 保障'),
    ]
    digests = [parse_plan(t, "a.yaml").digest for t in changed]
    assert all(d and d != base for d in digests), digests
    assert len(set(digests)) == len(digests)


def test_shipped_digest_ignores_comments(shipped):
    text = SHIPPED.read_text(encoding="utf-8")
    kept = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    no_comments = "\n".join(
        re.sub(r"\s+#[^\"]*$", "", line) for line in kept
    )  # trailing comments too
    assert "#" not in no_comments
    assert parse_plan(no_comments, "other.yaml").digest == shipped.digest


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
    result = parse_plan(text, "f.yaml", known_orgs={"org-a"}, known_indicators={"6"})
    # YAML breaks lines at \r, NEL and the Unicode separators too, not only at \n
    breaks = len(re.findall(r"\r\n|[\n\r\x85\u2028\u2029]", text))
    for message in result.errors + result.warnings:
        line, _ = split(message)
        assert 1 <= line <= breaks + 2
    assert bool(result.digest) == (not result.errors)
