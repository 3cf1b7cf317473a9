"""A 公文 (GB/T 9704-2012) as plain data: what the document says, not how it is drawn.

The .docx writer (`docx.py`) and the PDF writer (`pdf.py`) both take a `Document` and lay it out
by the same rules, so the two files show the same text in the same places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Paragraph levels of the body: 一、 黑体 / （一） 楷体 / 1. and plain text 仿宋.
BODY, H1, H2, H3 = "body", "h1", "h2", "h3"


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: str = BODY
    indent: bool = True  # first line indented two characters (a body paragraph)


@dataclass(frozen=True)
class Table:
    """A table in an attachment: a header row, rows of cell texts, relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # shares of the text width; equal when empty

    def __post_init__(self):
        n = len(self.header)
        if self.widths and len(self.widths) != n:
            raise ValueError("widths must match the header")
        for row in self.rows:
            if len(row) != n:
                raise ValueError("every row must have as many cells as the header")


Block = Paragraph | Table


@dataclass(frozen=True)
class Attachment:
    """An attachment printed after the main text, on its own pages (附件另面编排)."""

    title: str
    blocks: tuple[Block, ...] = ()
    document: Document | None = None  # a whole document attached as it was issued


@dataclass(frozen=True)
class Document:
    title: str
    issuers: tuple[str, ...]  # 发文机关: one, or several for a joint document
    written_on: date  # 成文日期
    addressee: str = ""  # 主送机关
    body: tuple[Block, ...] = ()
    doc_no: str = ""  # 发文字号, e.g. 资科〔2020〕14号
    signers: tuple[str, ...] = ()  # 签发人: printed on upward documents (上行文)
    attachments: tuple[Attachment, ...] = ()
    signature: tuple[str, ...] = ()  # 署名; the issuers when empty
    cc: tuple[str, ...] = ()  # 抄送机关
    printed_by: str = ""  # 印发机关
    printed_on: date | None = None  # 印发日期
    header: bool = True  # 版头: 发文机关标志 in red and the red separator
    notes: tuple[str, ...] = field(default=())  # 附注, e.g. （联系人：…）

    @property
    def signature_lines(self) -> tuple[str, ...]:
        return self.signature or self.issuers

    @property
    def has_colophon(self) -> bool:
        return bool(self.cc or self.printed_by)


def cn_date(d: date) -> str:
    """Dates in Arabic numerals without padding: 2020年3月19日."""
    return f"{d.year}年{d.month}月{d.day}日"


def attachment_lines(doc: Document) -> list[str]:
    """The 附件 notation after the text: "附件：1. …" or "附件：…" for a single one."""
    titles = [a.title for a in doc.attachments]
    if not titles:
        return []
    if len(titles) == 1:
        return [f"附件：{titles[0]}"]
    return [f"附件：1. {titles[0]}"] + [f"{i}. {t}" for i, t in enumerate(titles[1:], 2)]


def attachment_label(doc: Document, index: int) -> str:
    return "附件" if len(doc.attachments) == 1 else f"附件{index}"
