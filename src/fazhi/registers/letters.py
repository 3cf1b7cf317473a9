"""The registers' letters to applicants (答复告知书, 延期答复告知书, 补正告知书) as 公文 data,
rendered by the one generator (`fazhi.reports.gongwen`).

Each letter carries its 文号 and is signed with the answering agency's full name (the zone's
intake settings, else the zone's name). All text from the case goes in as plain runs: nothing
in it is interpreted.
"""

from __future__ import annotations

from datetime import date

from fazhi.reports.gongwen import Document, Paragraph, cn_date, render_docx

from . import catalog, states
from .models import Case

REVIEW_DAYS = 60  # 《行政复议法》第二十条: 60 days to apply for reconsideration
LITIGATION = "六个月"  # 《行政诉讼法》第四十六条


def _disclosure_body(case: Case) -> list[str]:
    t = case.reply_type
    head = f"本机关于{cn_date(case.received_on)}收到您提出的政府信息公开申请（受理编号：{case.tracking_no}），申请获取“{case.subject}”。"
    basis = catalog.REPLY_BASIS.get(t, "《中华人民共和国政府信息公开条例》")
    if t == "disclosed_already":
        decision = f"经审查，您申请获取的政府信息已经主动公开。根据{basis}的规定，现告知您获取该政府信息的方式和途径：{case.reply_published_at}。"
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


def _addressee(case: Case) -> str:
    name = "" if case.anonymous or case.person_id is None else case.person.name
    return name or ("申请人" if case.kind == states.DISCLOSURE else "来信人")


def _letter(
    case: Case, title: str, lines: list[str], agency: str, doc_no: str, on: date, notes: list[str]
) -> bytes:
    doc = Document(
        title=title,
        issuers=(agency,),
        doc_no=doc_no,
        addressee=_addressee(case),
        body=tuple(Paragraph(line) for line in (*lines, "特此告知。")),
        written_on=on,
        notes=tuple(notes),
    )
    return render_docx(doc)


def reply_letter(case: Case, agency: str, doc_no: str, contact: str = "") -> bytes:
    """The letter for a replied case (disclosure: 政府信息公开申请答复告知书; complaint:
    投诉举报处理结果告知书). The addressee is the applicant's name, or 申请人/来信人 for the
    anonymous."""
    disclosure = case.kind == states.DISCLOSURE
    title = "政府信息公开申请答复告知书" if disclosure else "投诉举报处理结果告知书"
    label = (
        catalog.REPLY_TYPES.get(case.reply_type)
        if disclosure
        else catalog.COMPLAINT_OUTCOMES.get(case.reply_type)
    )
    notes = [f"（受理编号：{case.tracking_no}；答复类型：{label or case.reply_type}）"]
    if contact:
        notes.append(f"（联系方式：{contact}）")
    lines = _disclosure_body(case) if disclosure else _complaint_body(case)
    return _letter(case, title, lines, agency, doc_no, case.replied_on or date.today(), notes)


def letter_name(case: Case) -> str:
    kind = "答复告知书" if case.kind == states.DISCLOSURE else "处理结果告知书"
    return f"{case.tracking_no}-{kind}.docx"


def notice_letter(
    case: Case, title: str, paragraphs: list[str], agency: str, doc_no: str, on: date
) -> bytes:
    """A short notice to the applicant (延期答复告知书, 补正告知书), same layout."""
    return _letter(
        case, title, paragraphs, agency, doc_no, on, [f"（受理编号：{case.tracking_no}）"]
    )
