"""公文 (GB/T 9704-2012) generator: describe a document as data, get .docx and PDF.

from fazhi.reports.gongwen import Document, Paragraph, Table, Attachment, render_docx, render_pdf

doc = Document(title="关于……的情况报告", issuers=("资阳市科学技术局",), doc_no="资科〔2020〕14号",
               signers=("肖建华",), addressee="省科技厅", body=(Paragraph("根据……"),),
               written_on=date(2020, 3, 20))
render_docx(doc) -> bytes; render_pdf(doc) -> bytes
"""

from .docx import render_docx
from .model import H1, H2, H3, Attachment, Document, Paragraph, Table, cn_date
from .pdf import render_pdf

__all__ = [
    "H1",
    "H2",
    "H3",
    "Attachment",
    "Document",
    "Paragraph",
    "Table",
    "cn_date",
    "render_docx",
    "render_pdf",
]
