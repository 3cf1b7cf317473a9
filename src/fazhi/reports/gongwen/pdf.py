"""Document -> PDF in the same GB/T 9704-2012 layout as the .docx (reportlab, drawn directly).

Why a direct renderer and not LibreOffice converting the .docx: a cold LibreOffice start takes
seconds per file and ~300 MB of packages, while this draws a report in well under a second from
the same `Document` with the same measures (`layout.py`). reportlab embeds TrueType outlines
only, so the fonts are Debian's TrueType CJK fonts (Noto CJK are CFF and cannot be embedded):
AR PL UMing for 仿宋/宋体, AR PL UKai for 楷体, WenQuanYi Zen Hei for 黑体 and the heavy
小标宋 title. Free 仿宋 and 小标宋 fonts do not exist in Debian; the .docx names the real ones.
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

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

FONT_DIRS = [Path(p) for p in os.environ.get("FAZHI_FONT_DIRS", "").split(":") if p] + [
    Path("/usr/share/fonts/truetype/arphic"),
    Path("/usr/share/fonts/truetype/wqy"),
]
FONT_FILES = {"fz-song": "uming.ttc", "fz-kai": "ukai.ttc", "fz-hei": "wqy-zenhei.ttc"}
ROLE_FONT = {
    L.FANGSONG: "fz-song",
    L.SONG: "fz-song",
    L.KAITI: "fz-kai",
    L.HEITI: "fz-hei",
    L.XIAOBIAOSONG: "fz-hei",
}
LEVEL_FONT = {H1: L.HEITI, H2: L.KAITI, H3: L.FANGSONG}
TW = 1 / 20  # points per twip


class FontsMissing(RuntimeError):
    pass


@functools.cache
def register_fonts() -> None:
    """Register the CJK fonts once per process (reading a CJK font takes a few hundred ms)."""
    for name, filename in FONT_FILES.items():
        path = next((d / filename for d in FONT_DIRS if (d / filename).exists()), None)
        if path is None:
            raise FontsMissing(
                f"缺少中文字体 {filename}：请安装 fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei"
            )
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))


def warm_up() -> None:
    """Pay the fonts' loading once at server start, not on a user's first PDF (about 1.5 s)."""
    from datetime import date

    render_pdf(Document(title="预热", issuers=("预热",), written_on=date(2020, 1, 1)))


@functools.cache
def _style(role: str, size: float, align: int = TA_LEFT, indent: float = 0, color=None):
    return ParagraphStyle(
        f"{role}-{size}-{align}-{indent}-{color}",
        fontName=ROLE_FONT[role],
        fontSize=size,
        leading=max(L.LINE_PT, size * 1.3) if size >= L.BODY_PT else size * 1.35,
        alignment=align,
        firstLineIndent=indent,
        wordWrap="CJK",
        textColor=color or colors.black,
    )


def _p(text: str, role=L.FANGSONG, size=L.BODY_PT, align=TA_LEFT, indent=0.0, color=None, **kw):
    style = _style(role, size, align, indent, color)
    if kw:
        style = ParagraphStyle(style.name + str(sorted(kw.items())), parent=style, **kw)
    return RLParagraph(escape(text).replace("\n", "<br/>"), style)


def _blank(size=L.BODY_PT):
    return Spacer(1, max(L.LINE_PT, size))


def render_pdf(doc: Document) -> bytes:
    register_fonts()
    buf = io.BytesIO()
    page_w, page_h = L.PAGE_W_TW * TW, L.PAGE_H_TW * TW
    left, bottom = L.LEFT_TW * TW, L.BOTTOM_TW * TW
    frame_w = page_w - left - L.RIGHT_TW * TW
    frame_h = page_h - L.TOP_TW * TW - bottom
    frame = Frame(left, bottom, frame_w, frame_h, 0, 0, 0, 0, id="text")
    template = BaseDocTemplate(
        buf,
        pagesize=(page_w, page_h),
        title=doc.title.replace("\n", ""),
        author="、".join(doc.issuers),
        subject=doc.doc_no,
        creator="Fazhi",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page_number)])
    template.build(_flow(doc))
    return buf.getvalue()


def _page_number(canvas, tpl) -> None:
    """ "— n —" in 4号宋体, 7 mm below the 版心: odd pages on the right, even on the left."""
    n = canvas.getPageNumber()
    text = f"— {n} —"
    font = ROLE_FONT[L.SONG]
    canvas.saveState()
    canvas.setFont(font, L.PAGE_NO_PT)
    y = L.BOTTOM_TW * TW - 7 * 72 / 25.4 - L.PAGE_NO_PT
    if n % 2:
        x = (L.PAGE_W_TW - L.RIGHT_TW) * TW - L.PAGE_NO_PT
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(L.LEFT_TW * TW + L.PAGE_NO_PT, y, text)
    canvas.restoreState()


def _flow(doc: Document, first: bool = True) -> list:
    out: list = [] if first else [PageBreak()]
    red = colors.Color(1, 0, 0)
    if doc.header:
        for line in doc.issuers:
            out.append(_p(line, L.XIAOBIAOSONG, L.MARK_PT, TA_CENTER, color=red))
        out.append(_blank())
        out.append(_number_line(doc))
        out.append(HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=4, spaceAfter=0))
    out.append(_blank())
    for line in L.title_lines(doc.title):
        out.append(_p(line, L.XIAOBIAOSONG, L.TITLE_PT, TA_CENTER))
    out.append(_blank())
    if doc.addressee:
        out.append(_p(f"{doc.addressee}："))
    out.extend(_block(b) for b in doc.body)
    lines = attachment_lines(doc)
    if lines:
        out.append(_blank())
        for i, line in enumerate(lines):
            if i == 0:
                out.append(_p(line, indent=2 * L.BODY_PT))
            else:
                out.append(_p(line, leftIndent=5 * L.BODY_PT))
    # An unsealed document: the signature one line below the text, never split from its date.
    signature = [_blank()]
    for line in (*doc.signature_lines, cn_date(doc.written_on)):
        signature.append(_p(line, align=TA_RIGHT, rightIndent=4 * L.BODY_PT))
    out.append(KeepTogether(signature))
    out.extend(_p(note, indent=2 * L.BODY_PT) for note in doc.notes)
    for i, att in enumerate(doc.attachments, 1):
        out.append(PageBreak())
        out.append(_p(attachment_label(doc, i), L.HEITI))
        if att.document is not None:
            out.extend(_flow(att.document))
            continue
        out.append(_blank())
        out.append(_p(att.title, L.XIAOBIAOSONG, L.TITLE_PT, TA_CENTER))
        out.append(_blank())
        out.extend(_block(b) for b in att.blocks)
    if doc.has_colophon:
        out.extend(_colophon(doc))
    return out


def _number_line(doc: Document):
    if not doc.signers:
        return _p(doc.doc_no, align=TA_CENTER)
    width = L.TEXT_W_PT - 2 * L.BODY_PT
    signer = f"签发人：<font name='{ROLE_FONT[L.KAITI]}'>{escape('、'.join(doc.signers))}</font>"
    row = [
        _p(doc.doc_no),
        RLParagraph(signer, _style(L.FANGSONG, L.BODY_PT, TA_RIGHT)),
    ]
    t = RLTable([row], colWidths=[width / 2, width / 2])
    t.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    return t


def _block(block):
    if isinstance(block, Table):
        return _table(block)
    assert isinstance(block, Paragraph)
    role = LEVEL_FONT.get(block.level, L.FANGSONG)
    return _p(block.text, role, indent=2 * L.BODY_PT if block.indent else 0)


def _table(t: Table):
    head = [_p(h, L.HEITI, L.TABLE_PT, TA_CENTER) for h in t.header]
    rows = [[_p(c, L.FANGSONG, L.TABLE_PT) for c in row] for row in t.rows]
    table = RLTable([head, *rows], colWidths=L.column_widths(t), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _colophon(doc: Document) -> list:
    out: list = [_blank()]
    width = L.TEXT_W_PT - 2 * L.COLOPHON_PT
    thick = {"width": "100%", "color": colors.black, "spaceBefore": 2, "spaceAfter": 2}
    out.append(HRFlowable(thickness=1, **thick))
    if doc.cc:
        out.append(_p(f"抄送：{'，'.join(doc.cc)}。", size=L.COLOPHON_PT, leftIndent=L.COLOPHON_PT))
        out.append(HRFlowable(thickness=0.5, **thick))
    printed = cn_date(doc.printed_on or doc.written_on) + "印发"
    row = [_p(doc.printed_by, size=L.COLOPHON_PT), _p(printed, size=L.COLOPHON_PT, align=TA_RIGHT)]
    t = RLTable([row], colWidths=[width / 2, width / 2])
    t.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    out.append(t)
    out.append(HRFlowable(thickness=1, **thick))
    return out
