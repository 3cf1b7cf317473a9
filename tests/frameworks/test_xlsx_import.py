"""`fazhi framework import-xlsx`: a paper-layout table to YAML, round trips from the
export, and a clear refusal naming the cell for what is not a scoring table."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fazhi.core.scoring import compute_totals
from fazhi.frameworks.schema import parse_file, parse_framework
from fazhi.frameworks.xlsx_import import NotAScoringTable, read_table, to_yaml
from fazhi.reports.scoring_xlsx import write_scoring_xlsx

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml"
DEPT = ROOT / "tests" / "data" / "department-table.yaml"


def structure(indicators):
    """What a round trip keeps: codes, titles, kinds, points, groups (not evidence texts)."""
    return [
        (
            i.shown_code,
            i.title,
            i.kind,
            i.max_points,
            i.points,
            i.points_per_case,
            i.cap,
            i.declared_max,
            structure(i.children),
        )
        for i in indicators
    ]


def export(parsed, path: Path) -> Path:
    write_scoring_xlsx(
        path,
        title=parsed.title,
        zone_name="资阳高新区",
        year=2025,
        status_label="草稿",
        indicators=parsed.indicators,
        results={},
        totals=compute_totals(parsed.indicators, {}),
        generated_on=date(2025, 6, 30),
    )
    return path


def reimport(path: Path, code="t", title="表"):
    doc, warnings = read_table(path, code, title)
    parsed = parse_framework(to_yaml(doc), "x.yaml")
    assert parsed.errors == []
    return parsed, warnings


def test_seed_export_imports_back_to_the_same_structure(tmp_path):
    seed = parse_file(SEED)
    parsed, warnings = reimport(export(seed, tmp_path / "seed.xlsx"))
    assert structure(parsed.indicators) == structure(seed.indicators)
    assert parsed.computed_total == seed.computed_total
    assert [w.split(": ", 1)[0].rsplit(":", 1)[1] for w in warnings] == ["D18", "D19"]  # 15, 16


def test_labels_and_rule_words_come_back(tmp_path):
    """A department table's export: repeated printed numbers keep their label; the rule in
    words is reported by cell so the office writes the rule again."""
    dept = parse_file(DEPT)
    only = dept.indicators[:1]  # the group with rules (a choose: one group exports one block)
    parsed, warnings = reimport(export(replace(dept, indicators=only), tmp_path / "d.xlsx"))
    items = parsed.indicators[0].children
    assert [(i.code, i.label, i.max_points) for i in items] == [
        ("（1）", "", 10),
        ("（1）-2", "（1）", 20),
        ("（2）", "", 10),
    ]
    assert len(warnings) == 3 and all("计分规则请手工补写 rule" in w for w in warnings)


def test_paper_layout_with_merged_groups_and_extras(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县河长制工作考核评分表"])
    ws.append(["序号", "一级指标", "二级指标", "分值", "评分标准"])
    ws.append([1, "一、组织体系（20分）", "建立河长制组织体系", 10])
    ws.append([2, None, "召开河长会议", "10分"])
    ws.merge_cells("B3:B4")
    ws.append([3, "二、附加项", "获得省级表彰", "——"])
    ws.append([4, None, "发生重大水污染事件", "一票否决"])
    ws.append([5, None, "被通报批评", "每次扣2分，最高6分"])
    ws.merge_cells("B5:B7")
    ws.append(["合计", None, None, 20])
    wb.save(tmp_path / "paper.xlsx")
    doc, warnings = read_table(tmp_path / "paper.xlsx", "river", "河长制考核")
    parsed = parse_framework(to_yaml(doc), "x.yaml")
    assert parsed.errors == [] and parsed.declared_total == 20
    one, extras = parsed.indicators
    assert (one.code, one.title, one.declared_max) == ("一", "组织体系", 20)
    assert [(i.code, i.kind, i.max_points) for i in one.children] == [
        ("1", "scored", 10),
        ("2", "scored", 10),
    ]
    kinds = [(i.code, i.kind, i.points, i.points_per_case, i.cap) for i in extras.children]
    assert kinds == [
        ("3", "bonus", None, None, None),
        ("4", "veto", None, None, None),
        ("5", "deduction", None, 2, 6),
    ]
    assert any(w.startswith(f"{tmp_path / 'paper.xlsx'}:D5: ") for w in warnings)


def test_a_sheet_that_is_not_a_scoring_table_names_the_cell(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "people.xlsx")
    with pytest.raises(NotAScoringTable) as exc:
        read_table(tmp_path / "people.xlsx", "x", "x")
    assert exc.value.errors == [
        f"{tmp_path / 'people.xlsx'}:A1: 不是评分表：前 10 行没有表头“序号 | 一级指标 | 二级指标 | 分值”（A1 为“姓名”）"
    ]


def test_a_score_that_is_not_a_number_names_its_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "一级指标", "二级指标", "分值"])
    ws.append([1, "一、组", "项", 5])
    ws.append([2, "一、组", "项二", "五分"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(NotAScoringTable) as exc:
        read_table(tmp_path / "bad.xlsx", "x", "x")
    assert exc.value.errors[0].startswith(f"{tmp_path / 'bad.xlsx'}:D3: 分值“五分”不是数字")


def test_not_an_xlsx_file(tmp_path):
    (tmp_path / "x.xlsx").write_text("hello")
    with pytest.raises(NotAScoringTable, match="无法读取"):
        read_table(tmp_path / "x.xlsx", "x", "x")


@pytest.mark.django_db
def test_cli_writes_the_yaml_and_refuses_with_exit_1(tmp_path):
    seed = parse_file(SEED)
    xlsx = export(seed, tmp_path / "seed.xlsx")
    out = tmp_path / "seed.yaml"
    cli = [sys.executable, "-m", "fazhi.cli", "framework", "import-xlsx"]
    done = subprocess.run(
        [*cli, str(xlsx), "--code", "t", "--title", "表", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "已写入" in done.stdout and "计算总分 99" in done.stdout
    assert structure(parse_file(out).indicators) == structure(seed.indicators)
    (tmp_path / "bad.xlsx").write_text("x")
    done = subprocess.run(
        [*cli, str(tmp_path / "bad.xlsx"), "--code", "t", "--title", "表"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "无法读取" in done.stderr
