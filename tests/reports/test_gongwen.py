"""The 公文 generator: the .docx read back with python-docx, the PDF's text with poppler."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn

from fazhi.reports.gongwen import (
    H1,
    Attachment,
    Document,
    Paragraph,
    Table,
    render_docx,
    render_pdf,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

ZONE = Document(
    title="关于报送创建四川省科技创新法治示范区工作方案的报告",
    issuers=("中共资阳高新技术产业园区工作委员会", "资阳高新技术产业园区管理委员会"),
    header=False,
    addressee="省科学技术厅",
    body=(Paragraph("根据《通知》（川科规〔2019〕15号），省科技厅启动了创建试点工作。"),),
    attachments=(
        Attachment("创建四川省科技创新法治示范区工作方案", (Paragraph("一、指导思想", H1),)),
        Attachment(
            "创建科技创新法治示范区自查评分表",
            (Table(("序号", "评分内容", "分值", "自评分"), (("1", "纳入年度计划", "5", "5"),)),),
        ),
    ),
    written_on=date(2020, 3, 19),
)
CITY = Document(
    title="资阳市科学技术局\n关于推荐申报科技创新法治示范区的情况报告",
    issuers=("资阳市科学技术局",),
    doc_no="资科〔2020〕14号",
    signers=("肖建华",),
    addressee="省科技厅",
    body=(Paragraph("根据贵厅……现将报告转报贵厅，请予支持。"),),
    attachments=(Attachment(ZONE.title, document=ZONE),),
    written_on=date(2020, 3, 20),
    cc=("资阳高新区管委会",),
    printed_by="资阳市科学技术局办公室",
)


def test_docx_layout_fonts_and_page_numbers():
    d = read_docx(io.BytesIO(render_docx(CITY)))
    s = d.sections[0]
    assert (s.page_width.twips, s.page_height.twips) == (11906, 16838)
    assert (s.top_margin.twips, s.left_margin.twips) == (2098, 1588)
    assert (s.right_margin.twips, s.bottom_margin.twips) == (1474, 1984)
    assert d.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
        par = footer.paragraphs[0]
        assert par.alignment.name.lower() == align
        assert "PAGE" in "".join(t.text for t in par._p.iter(f"{W}instrText"))
        assert par.text.startswith("— ") and par.text.endswith(" —")
    runs = [r for p in d.paragraphs for r in p.runs if r.text]
    for table in d.tables:
        runs += [r for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for r in runs:  # the East Asian font is named on every run
        assert r._element.rPr.rFonts.get(qn("w:eastAsia")), r.text
    body = [r for r in runs if "根据贵厅" in r.text][0]
    assert (
        body.font.size.pt == 16 and body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    )
    title = [r for r in runs if r.text == "关于推荐申报科技创新法治示范区的情况报告"][0]
    assert title.font.size.pt == 22
    text = "\n".join(p.text for p in d.paragraphs)
    for part in (
        "资科〔2020〕14号\t签发人：肖建华",
        "省科技厅：",
        "附件：关于报送创建",
        "2020年3月20日",
        "抄送：资阳高新区管委会。",
        "附件1",
        "附件2",
        "2020年3月19日",
    ):
        assert part in text, part
    # the red separator under the number line
    assert any(
        b.get(qn("w:color")) == "FF0000" for p in d.paragraphs for b in p._p.iter(f"{W}bottom")
    )
    assert d.tables[0].rows[1].cells[1].text == "纳入年度计划"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_has_title_and_number(tmp_path):
    path = tmp_path / "city.pdf"
    path.write_bytes(render_pdf(CITY))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for part in (
        "资阳市科学技术局",
        "关于推荐申报科技创新法治示范区的情况报告",
        "资科〔2020〕14号",
        "签发人：肖建华",
        "— 1 —",
        "附件1",
        "创建科技创新法治示范区自查评分表",
        "纳入年度计划",
        "2020年3月20日印发",
    ):
        assert part in text, part
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.3 x 841.9" in info or "595 x 842" in info  # A4


def test_table_rows_must_match_header():
    with pytest.raises(ValueError):
        Table(("a", "b"), (("1",),))
