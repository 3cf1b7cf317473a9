"""The 自查评分表 export: layout, values, print setup and formula-injection safety."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.framework import BONUS, DEDUCTION, GROUP, SCORED, VETO, Indicator
from fazhi.core.scoring import ResultInput, compute_totals
from fazhi.reports.scoring_xlsx import ResultRow, escape_cell_text, write_scoring_xlsx

HEADERS = ["序号", "一级指标", "二级指标", "分值", "自评分", "自评说明", "佐证材料"]
TITLE = "创建科技创新法治示范区自查评分表"


def scored(code: str, title: str, max_points: str) -> Indicator:
    return Indicator(code=code, title=title, kind=SCORED, max_points=D(max_points))


TREE = (
    Indicator(
        code="一",
        title="组织领导到位、机构能力健全",
        kind=GROUP,
        declared_max=D(20),
        children=(
            scored("1", "将科技创新法治建设纳入年度科技工作计划，进行安排部署。", "5"),
            scored("2", "每年对科技创新依法行政重点工作进行专题研究。", "5"),
            scored("3", "聘请法律顾问，发挥法律顾问在推进依法行政工作中的积极作用。", "5"),
            scored("4", "每年开展法治专题学习 1 次以上。", "5"),
        ),
    ),
    Indicator(
        code="二",
        title="附加项",
        kind=GROUP,
        children=(
            Indicator(
                code="5",
                title="科技创新法治建设有关工作获得省部级以上表彰。",
                kind=BONUS,
                unit_declared="points",
            ),
            Indicator(
                code="6",
                title="申报材料故意编造、虚构有关数据，发现 1 起扣 5 分，最高不超过 20 分。",
                kind=DEDUCTION,
                points_per_case=D(5),
                unit_declared="points_per_case",
                cap=D(20),
            ),
            Indicator(code="7", title="发生严重违法行政行为，造成恶劣社会影响。", kind=VETO),
        ),
    ),
)

RESULTS = {
    "1": ResultRow(
        self_score=D("5.00"),
        note='=HYPERLINK("x")',
        evidence=("年度科技工作计划.pdf", "部署会议纪要.docx"),
    ),
    "2": ResultRow(self_score=D("4.50"), note="@SUM(A1)", evidence=("=cmd|' /C calc'!A0.pdf",)),
    "3": ResultRow(self_score=D("3.25"), note="-1+2"),
    "4": ResultRow(note="尚未开展"),
    "5": ResultRow(cases=0),
    "6": ResultRow(cases=2, note="两起材料失实", evidence=("核查报告.pdf",)),
    "7": ResultRow(raised=True, reason="项目验收中存在乱作为"),
}


def to_inputs(results):
    return {
        code: ResultInput(self_score=r.self_score, cases=r.cases, raised=r.raised, points=r.points)
        for code, r in results.items()
    }


def export(target, tree=TREE, results=RESULTS, zone_name="资阳高新区"):
    totals = compute_totals(tree, to_inputs(results))
    write_scoring_xlsx(
        target,
        title=TITLE,
        zone_name=zone_name,
        year=2020,
        status_label="已提交",
        indicators=tree,
        results=results,
        totals=totals,
        generated_on=date(2020, 6, 30),
    )
    return totals


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "评分表.xlsx"
    export(path, zone_name="=资阳高新区")
    wb = openpyxl.load_workbook(path)
    return wb.worksheets[0]


def values(ws, row: int) -> list:
    return [ws.cell(row=row, column=c).value for c in range(1, 8)]


def test_title_info_and_header(sheet):
    assert sheet.title == "自查评分表"
    assert sheet["A1"].value == TITLE
    # the zone name begins with "=", so it is escaped even inside the line
    assert sheet["A2"].value == "单位：'=资阳高新区　年度：2020　状态：已提交　导出日期：2020-06-30"
    assert values(sheet, 3) == HEADERS
    assert all(sheet.cell(row=3, column=c).font.b for c in range(1, 8))
    assert sheet["C4"].font.name == "宋体"
    assert sheet["C4"].alignment.wrap_text
    assert sheet["C4"].border.left.style == "thin"


def test_merged_ranges(sheet):
    assert {str(r) for r in sheet.merged_cells.ranges} == {
        "A1:G1",  # title
        "A2:G2",  # info line
        "B4:B7",  # group 一 over items 1-4
        "B8:B10",  # group 二 over items 5-7
        "A11:C11",  # 评分项合计
        "A12:C12",  # 加分
        "A13:C13",  # 扣分
        "A14:C14",  # 最终得分
        "A15:G15",  # outcome
    }
    assert sheet["B4"].value == "一、组织领导到位、机构能力健全（20分）"
    assert sheet["B8"].value == "二、附加项"


def test_item_rows(sheet):
    assert values(sheet, 4) == [
        "1",
        "一、组织领导到位、机构能力健全（20分）",
        "将科技创新法治建设纳入年度科技工作计划，进行安排部署。",
        5,
        5,
        '\'=HYPERLINK("x")',
        "年度科技工作计划.pdf\n部署会议纪要.docx",
    ]
    assert values(sheet, 5) == [
        "2",
        None,
        "每年对科技创新依法行政重点工作进行专题研究。",
        5,
        4.5,
        "'@SUM(A1)",
        "'=cmd|' /C calc'!A0.pdf",
    ]
    assert values(sheet, 6)[2:] == [
        "聘请法律顾问，发挥法律顾问在推进依法行政工作中的积极作用。",
        5,
        3.25,
        "'-1+2",
        None,
    ]
    assert values(sheet, 7)[2:6] == ["每年开展法治专题学习 1 次以上。", 5, None, "尚未开展"]
    assert values(sheet, 8)[0] == "5"
    assert values(sheet, 8)[3:6] == ["加分，分值未设定", "0项，不加分", None]
    assert values(sheet, 9)[3:7] == [
        "每起扣5分，最高20分",
        "2起，扣10分",
        "两起材料失实",
        "核查报告.pdf",
    ]
    assert values(sheet, 10)[3:5] == ["一票否决", "已触发：项目验收中存在乱作为"]
    assert [sheet.cell(row=r, column=1).value for r in range(4, 11)] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
    ]


def test_scores_are_numbers_with_no_trailing_zeros(sheet):
    for ref in ("D4", "E4", "E5", "E6", "D7"):
        assert sheet[ref].data_type == "n"
        assert isinstance(sheet[ref].value, (int, float))
    assert sheet["E4"].number_format == "0"
    assert sheet["E5"].number_format == "0.0"
    assert sheet["E6"].number_format == "0.00"


def test_totals_and_veto_outcome(sheet):
    assert values(sheet, 11) == ["评分项合计", None, None, 20, 12.75, "已自评3/4项", None]
    assert values(sheet, 12)[0] == "加分" and values(sheet, 12)[4] == 0
    assert values(sheet, 13)[0] == "扣分" and values(sheet, 13)[4] == 10
    assert values(sheet, 14)[0] == "最终得分" and values(sheet, 14)[4] == 2.75
    assert sheet["E14"].data_type == "n" and sheet["E14"].font.b
    assert sheet["A15"].value == "存在一票否决情形（第7项），本次自评不合格"
    assert sheet.max_row == 15  # no 未设定 row: the null bonus did not apply


def test_no_formula_anywhere(sheet):
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.coordinate


def test_print_setup(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize in (9, "9")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1, "1")  # absent means Excel's default, 1
    assert sheet.page_setup.fitToHeight in (0, "0")
    assert sheet.print_title_rows == "$3:$3"


def test_unset_row_single_group_and_deeper_levels():
    tree = (
        Indicator(
            code="一",
            title="行政权力制约监督",
            kind=GROUP,
            declared_max=D(10),
            children=(
                Indicator(
                    code="（一）",
                    title="投诉举报",
                    kind=GROUP,
                    children=(
                        scored("1", "举报渠道畅通。", "5"),
                        scored("2", "举报及时查处。", "5"),
                    ),
                ),
            ),
        ),
        Indicator(
            code="二",
            title="法治宣传",
            kind=GROUP,
            declared_max=D(10),
            children=(scored("3", "开展宣传。", "10"),),
        ),
        Indicator(
            code="三",
            title="附加项",
            kind=GROUP,
            children=(
                Indicator(code="4", title="获得表彰。", kind=BONUS, unit_declared="points"),
                Indicator(code="5", title="经验推广。", kind=BONUS, unit_declared="points"),
                Indicator(
                    code="6", title="经验推广（已设定）。", kind=BONUS, unit_declared="points"
                ),
                Indicator(code="7", title="严重违法。", kind=VETO),
            ),
        ),
    )
    results = {
        "1": ResultRow(self_score=D(5)),
        "3": ResultRow(self_score=D("9.5")),
        "4": ResultRow(cases=1),
        "5": ResultRow(cases=2),
        "6": ResultRow(cases=1, points=D(3)),
    }
    buf = io.BytesIO()
    totals = export(buf, tree=tree, results=results)
    assert totals.unset == ["4", "5"]
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B4:B5" in merged  # 一 over its two third-level items
    assert not any(r.startswith("B6") for r in merged)  # single-item group: written, not merged
    assert ws["B6"].value == "二、法治宣传（10分）"
    assert ws["C4"].value == "（一）投诉举报／举报渠道畅通。"
    assert values(ws, 7)[3:5] == ["加分，分值未设定", "1项，分值未设定，未计分"]
    assert values(ws, 9)[3:5] == ["加3分（创建办设定）", "1项，加3分"]
    assert values(ws, 10)[3:5] == ["一票否决", "未触发"]
    assert ws["A15"].value == "无一票否决情形"
    assert ws["A16"].value == "以下附加项分值未设定，未计分：4、5"
    assert values(ws, 12)[4] == 3  # 加分
    assert values(ws, 14)[4] == 17.5  # 最终得分 = 14.5 + 3


def test_deduction_cap_is_stated():
    buf = io.BytesIO()
    results = {**RESULTS, "6": ResultRow(cases=5)}
    totals = export(buf, results=results)
    assert totals.deduction == D(20)
    ws = openpyxl.load_workbook(buf).worksheets[0]
    assert ws["E9"].value == "5起，扣20分（已达上限）"


def test_escape_cell_text_examples():
    assert escape_cell_text("=1+1") == "'=1+1"
    assert escape_cell_text("+86 028") == "'+86 028"
    assert escape_cell_text("-1+2") == "'-1+2"
    assert escape_cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell_text("\tx") == "'\tx"
    assert escape_cell_text("\rx") == "'\rx"
    assert escape_cell_text("正常文字=1") == "正常文字=1"
    assert escape_cell_text("") == ""


@given(st.text())
def test_escape_cell_text_never_starts_with_a_formula_character(s):
    escaped = escape_cell_text(s)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert escaped in (s, "'" + s)
