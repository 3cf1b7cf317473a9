"""The reply letter (答复告知书) as .docx (python-docx), built from the case alone.

Layout after GB/T 9704 where it matters for a letter: A4, 仿宋 body at 16 pt (三号), the
title in 小标宋 at 22 pt (二号), the issuing agency and date at the bottom right. All text
from the case goes in as plain runs: nothing in it is interpreted.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import catalog, states
from .models import Case

BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"
REVIEW_DAYS = 60  # 《行政复议法》第二十条: 60 days to apply for reconsideration
LITIGATION = "六个月"  # 《行政诉讼法》第四十六条


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(
    doc,
    text: str,
    *,
    align=None,
    indent: bool = True,
    size: float = 16,
    font: str = BODY_FONT,
    bold: bool = False,
):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    for i, line in enumerate(text.split("\n")):
        if i:
            p.add_run().add_break()
        _font(p.add_run(line), font, size, bold)
    return p


def _document() -> Document:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    return doc


def _disclosure_body(case: Case) -> list[str]:
    t = case.reply_type
    head = f"本机关于{cn_date(case.received_on)}收到您提出的政府信息公开申请（受理编号：{case.tracking_no}），申请获取“{case.subject}”。"
    basis = catalog.REPLY_BASIS.get(t, "《中华人民共和国政府信息公开条例》")
    if t == "disclosed_already":
        decision = f"经审查，您申请获取的政府信息已经主动公开。根据{basis}的规定，现告知您获取该政府信息的方式和途径。"
    elif t == "disclosed":
        decision = f"经审查，您申请获取的政府信息属于公开范围。根据{basis}的规定，本机关向您提供该政府信息。"
    elif t == "partial":
        ground = catalog.WITHHOLD_GROUNDS.get(case.reply_ground, "")
        reason = f"（理由：{ground}）" if ground else ""
        decision = f"经审查，您申请获取的政府信息中部分内容不予公开{reason}，且能够作区分处理。根据{basis}的规定，本机关向您提供可以公开的部分。"
    elif t == "withheld":
        ground = catalog.WITHHOLD_GROUNDS.get(case.reply_ground, "依法不予公开")
        decision = f"经审查，您申请获取的政府信息{ground}。根据{basis}的规定，本机关决定不予公开。"
    elif t == "not_exist":
        decision = f"经检索，本机关未制作或者获取您申请的政府信息。根据{basis}的规定，现告知您该政府信息不存在。"
    elif t == "not_responsible":
        agency = (
            f"该政府信息由{case.reply_agency}负责公开，请您向其提出申请。"
            if case.reply_agency
            else "本机关无法确定负责公开该政府信息的行政机关。"
        )
        decision = f"经审查，您申请获取的政府信息不属于本机关负责公开。根据{basis}的规定，现告知如下：{agency}"
    else:  # not_processed
        ground = catalog.NOT_PROCESSED_GROUNDS.get(case.reply_ground or "repeat", "重复申请")
        decision = f"经审查，您的申请属于{ground}。根据{basis}的规定，本机关不予重复处理。"
    lines = [head, decision]
    if case.reply_text:
        lines.append(f"具体说明：{case.reply_text}")
    lines.append(
        f"如对本答复不服，可以自收到本告知书之日起{REVIEW_DAYS}日内依法申请行政复议，"
        f"或者自收到本告知书之日起{LITIGATION}内依法向人民法院提起行政诉讼。"
    )
    return lines


def _complaint_body(case: Case) -> list[str]:
    category = catalog.COMPLAINT_CATEGORIES.get(case.category, "投诉举报")
    head = f"本机关于{cn_date(case.received_on)}收到您反映的{category}事项（受理编号：{case.tracking_no}）：“{case.subject}”。"
    outcome = catalog.COMPLAINT_OUTCOMES.get(case.reply_type, "")
    lines = [
        head,
        f"经调查核实，处理结果如下：{outcome}。" if outcome else "经调查核实，处理结果如下。",
    ]
    if case.reply_text:
        lines.append(case.reply_text)
    lines.append("如对处理结果不服，可以自收到本告知书之日起三十日内向本机关申请复查。")
    return lines


def reply_letter(case: Case, agency: str, contact: str = "") -> bytes:
    """The letter for a replied case (disclosure: 政府信息公开申请答复告知书; complaint:
    投诉举报处理结果告知书). The addressee is the applicant's name, or 匿名 for the anonymous."""
    doc = _document()
    disclosure = case.kind == states.DISCLOSURE
    title = "政府信息公开申请答复告知书" if disclosure else "投诉举报处理结果告知书"
    _para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=22, font=TITLE_FONT)
    _para(
        doc, f"受理编号：{case.tracking_no}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, size=14
    )
    label = (
        catalog.REPLY_TYPES.get(case.reply_type)
        if disclosure
        else catalog.COMPLAINT_OUTCOMES.get(case.reply_type)
    )
    _para(
        doc,
        f"答复类型：{label or case.reply_type}",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
        size=14,
    )
    name = "" if case.anonymous or case.person_id is None else case.person.name
    _para(doc, f"{name or '申请人'}：" if disclosure else f"{name or '来信人'}：", indent=False)
    for line in _disclosure_body(case) if disclosure else _complaint_body(case):
        _para(doc, line)
    _para(doc, "特此告知。")
    _para(doc, "", indent=False)
    _para(doc, agency, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(
        doc, cn_date(case.replied_on or date.today()), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    if contact:
        _para(doc, f"（联系方式：{contact}）", indent=False, size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_name(case: Case) -> str:
    kind = "答复告知书" if case.kind == states.DISCLOSURE else "处理结果告知书"
    return f"{case.tracking_no}-{kind}.docx"


def notice_letter(case: Case, title: str, paragraphs: list[str], agency: str, on: date) -> bytes:
    """A short notice to the applicant (延期答复告知书, 补正告知书), same layout."""
    doc = _document()
    _para(doc, title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=22, font=TITLE_FONT)
    _para(
        doc, f"受理编号：{case.tracking_no}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, size=14
    )
    name = "" if case.anonymous or case.person_id is None else case.person.name
    _para(
        doc, f"{name or ('申请人' if case.kind == states.DISCLOSURE else '来信人')}：", indent=False
    )
    for line in paragraphs:
        _para(doc, line)
    _para(doc, "特此告知。")
    _para(doc, "", indent=False)
    _para(doc, agency, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, cn_date(on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
