"""Document -> .docx in the GB/T 9704-2012 layout (python-docx).

Every run names its East Asian font explicitly (w:eastAsia), otherwise Word falls back to the
theme font and the text is not 仿宋. Fonts are the names found on government desktops; a machine
without them substitutes, the layout (margins, sizes, lines) stays.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

from . import layout as L
from .model import (
    H1,
    H2,
    H3,
    Document,
    Paragraph,
    Table,
    attachment_label,
    attachment_lines,
    cn_date,
)

RED = RGBColor(0xFF, 0x00, 0x00)
FONT_NAMES = {
    L.FANGSONG: "仿宋_GB2312",
    L.XIAOBIAOSONG: "方正小标宋简体",
    L.HEITI: "黑体",
    L.KAITI: "楷体_GB2312",
    L.SONG: "宋体",
}
LEVEL_FONT = {H1: L.HEITI, H2: L.KAITI, H3: L.FANGSONG}


def render_docx(doc: Document) -> bytes:
    d = new_docx()
    d.settings.odd_and_even_pages_header_footer = True
    _setup_section(d.sections[0])
    _normal_style(d)
    _write(d, doc, first=True)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _setup_section(section) -> None:
    section.page_width, section.page_height = Twips(L.PAGE_W_TW), Twips(L.PAGE_H_TW)
    section.top_margin, section.bottom_margin = Twips(L.TOP_TW), Twips(L.BOTTOM_TW)
    section.left_margin, section.right_margin = Twips(L.LEFT_TW), Twips(L.RIGHT_TW)
    section.footer_distance = Twips(L.FOOTER_TW)
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: right
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)  # even pages: left


def _normal_style(d) -> None:
    style = d.styles["Normal"]
    style.font.size = Pt(L.BODY_PT)
    _fonts(style.element.get_or_add_rPr(), L.FANGSONG)
    pf = style.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(L.LINE_PT)


def _fonts(rpr, font: str) -> None:
    name = FONT_NAMES[font]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _run(par, text: str, font: str = L.FANGSONG, size: float = L.BODY_PT, color=None):
    run = par.add_run(text)
    run.font.size = Pt(size)
    _fonts(run._element.get_or_add_rPr(), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def _par(d, text="", *, font=L.FANGSONG, size=L.BODY_PT, align=None, indent_chars=0, color=None):
    par = d.add_paragraph()
    if align is not None:
        par.alignment = align
    if indent_chars:
        par.paragraph_format.first_line_indent = Pt(size * indent_chars)
    if size != L.BODY_PT:
        par.paragraph_format.line_spacing = Pt(max(L.LINE_PT, size * 1.3))
    if text:
        _run(par, text, font, size, color)
    return par


def _border(par, edge: str, color: str, size_eighths: int) -> None:
    ppr = par._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    bdr.append(line)


def _field(par, instr: str, font: str, size: float) -> None:
    """A Word field (PAGE) whose result Word computes when it lays out the page."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", "1")):
        run = _run(par, "", font, size)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            run.text = text
            continue
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._element.append(el)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _run(par, "", font, size)._element.append(end)


def _page_number(footer, align) -> None:
    """ "— 1 —" in 4号宋体; a quarter em inside the text edge, as the standard asks."""
    par = footer.paragraphs[0]
    par.alignment = align
    side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
    setattr(par.paragraph_format, side, Pt(L.PAGE_NO_PT))
    _run(par, "— ", L.SONG, L.PAGE_NO_PT)
    _field(par, " PAGE ", L.SONG, L.PAGE_NO_PT)
    _run(par, " —", L.SONG, L.PAGE_NO_PT)


def _page_break(d) -> None:
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _write(d, doc: Document, *, first: bool) -> None:
    if not first:
        _page_break(d)
    if doc.header:
        for line in doc.issuers:
            _par(
                d,
                line,
                font=L.XIAOBIAOSONG,
                size=L.MARK_PT,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                color=RED,
            )
        _par(d)
        _number_line(d, doc)
        sep = _par(d)
        _border(sep, "bottom", "FF0000", 12)
    _par(d)
    for line in L.title_lines(doc.title):
        _par(d, line, font=L.XIAOBIAOSONG, size=L.TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _par(d)
    if doc.addressee:
        _par(d, f"{doc.addressee}：")
    for block in doc.body:
        _block(d, block)
    lines = attachment_lines(doc)
    if lines:
        _par(d)
        for i, line in enumerate(lines):
            par = _par(d, line, indent_chars=2 if i == 0 else 0)
            if i:
                par.paragraph_format.left_indent = Pt(L.BODY_PT * 5)
    # An unsealed document: the signature one line below the text, never split from its date.
    _par(d).paragraph_format.keep_with_next = True
    lines = (*doc.signature_lines, cn_date(doc.written_on))
    for i, line in enumerate(lines):
        par = _par(d, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        par.paragraph_format.right_indent = Pt(L.BODY_PT * 4)
        par.paragraph_format.keep_with_next = i < len(lines) - 1
    for note in doc.notes:
        _par(d, note, indent_chars=2)
    for i, att in enumerate(doc.attachments, 1):
        if att.document is not None:
            _page_break(d)
            _par(d, attachment_label(doc, i), font=L.HEITI)
            _write(d, att.document, first=True)
            continue
        _page_break(d)
        _par(d, attachment_label(doc, i), font=L.HEITI)
        _par(d)
        _par(d, att.title, font=L.XIAOBIAOSONG, size=L.TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
        _par(d)
        for block in att.blocks:
            _block(d, block)
    if doc.has_colophon:
        _colophon(d, doc)


def _number_line(d, doc: Document) -> None:
    """发文字号 (and 签发人 on 上行文): number left, signer right; centred when alone."""
    par = d.add_paragraph()
    if doc.signers:
        par.paragraph_format.left_indent = Pt(L.BODY_PT)
        par.paragraph_format.right_indent = Pt(L.BODY_PT)
        width = L.TEXT_W_PT - 2 * L.BODY_PT
        par.paragraph_format.tab_stops.add_tab_stop(Pt(width), WD_TAB_ALIGNMENT.RIGHT)
        _run(par, f"{doc.doc_no}\t签发人：")
        _run(par, "、".join(doc.signers), L.KAITI)
    else:
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(par, doc.doc_no)


def _block(d, block) -> None:
    if isinstance(block, Table):
        _table(d, block)
        return
    assert isinstance(block, Paragraph)
    font = LEVEL_FONT.get(block.level, L.FANGSONG)
    _par(d, block.text, font=font, indent_chars=2 if block.indent else 0)


def _table(d, t: Table) -> None:
    table = d.add_table(rows=1 + len(t.rows), cols=len(t.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = L.column_widths(t)
    for r, row in enumerate((t.header, *t.rows)):
        cells = table.rows[r].cells
        for c, text in enumerate(row):
            cell = cells[c]
            cell.width = Pt(widths[c])
            par = cell.paragraphs[0]
            par.paragraph_format.line_spacing = Pt(L.TABLE_LINE_PT)
            if r == 0:
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(par, text, L.HEITI if r == 0 else L.FANGSONG, L.TABLE_PT)


def _colophon(d, doc: Document) -> None:
    """版记: 抄送 and 印发 in 4号仿宋; thick rules first and last, a thin one between."""
    _par(d)
    rows = []
    if doc.cc:
        rows.append((f"抄送：{'，'.join(doc.cc)}。", ""))
    rows.append((doc.printed_by, f"{cn_date(doc.printed_on or doc.written_on)}印发"))
    for i, (left, right) in enumerate(rows):
        par = _par(d, size=L.COLOPHON_PT)
        fmt = par.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(L.COLOPHON_PT)
        if right:
            fmt.tab_stops.add_tab_stop(Pt(L.TEXT_W_PT - 2 * L.COLOPHON_PT), WD_TAB_ALIGNMENT.RIGHT)
        _run(par, f"{left}\t{right}" if right else left, size=L.COLOPHON_PT)
        _border(par, "top", "000000", 8 if i == 0 else 4)
        if i == len(rows) - 1:
            _border(par, "bottom", "000000", 8)
