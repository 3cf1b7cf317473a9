"""执法案卷: the file's cover (卷宗封面) and its catalogue (卷内目录), through the shared 公文
generator (fazhi.reports.gongwen): one document, the catalogue as its attachment, every step
of the full-process record and every file kept with it listed in order."""

from __future__ import annotations

from fazhi.core import enforcement as enf
from fazhi.reports.gongwen import Attachment, Document, Paragraph, Table, cn_date, render_docx

from . import selectors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document(case, full: bool, today) -> Document:
    party = selectors.party_display(case, full)
    handlers = "、".join(f"{h.officer.name}（{h.officer.cert_no}）" for h in case.handlers.all())
    result = enf.DECISION_KINDS.get(case.decision_kind, "")
    if case.penalty_kind:
        result += f"：{enf.PENALTY_KINDS.get(case.penalty_kind, '')}"
    if case.amount:
        result += f"，{case.amount} 元"
    lines = [
        ("案号", case.number),
        ("案由", case.subject),
        (
            "当事人",
            f"{party['name']}{'（' + party['id_number'] + '）' if party['id_number'] else ''}",
        ),
        ("承办部门", case.department.name),
        ("承办执法人员", handlers or "—"),
        ("立案日期", cn_date(case.filed_on) if case.filed_on else "—"),
        ("决定书文号", case.decision_no or "—"),
        ("处理结果", result or case.state_label),
        ("结案日期", cn_date(case.closed_on) if case.closed_on else "—"),
        ("案件状态", case.state_label),
    ]
    rows, n = [], 0
    for s in case.steps.all():
        n += 1
        rows.append(
            (
                str(n),
                s.label + (f"：{s.note[:40]}" if s.note else ""),
                s.on.isoformat(),
                s.media_ref or "",
            )
        )
        for f in s.files.all():
            n += 1
            rows.append(
                (str(n), f"{s.label}附件：{f.name}", s.on.isoformat(), "电子文件（SM3 校验）")
            )
    catalogue = Table(
        header=("序号", "文件名称", "日期", "备注"),
        rows=tuple(rows),
        widths=(0.08, 0.58, 0.16, 0.18),
    )
    return Document(
        title="行政执法案卷",
        issuers=(f"{case.zone.name}{case.department.name}",),
        written_on=today,
        header=False,
        body=tuple(Paragraph(f"{k}：{v}", indent=False) for k, v in lines),
        attachments=(Attachment(title="卷内目录", blocks=(catalogue,)),),
    )


def casefile_docx(case, full: bool, today) -> tuple[str, bytes]:
    return f"执法案卷-{case.number}.docx", render_docx(document(case, full, today))
