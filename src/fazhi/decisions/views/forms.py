"""The fields of each form, as the templates render them (decisions/_field.html) and the
services read them. A refusal is shown beside its field, with everything typed kept."""

from __future__ import annotations

from dataclasses import dataclass

from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.core.errors import ConflictError, RuleError


@dataclass(frozen=True)
class F:
    name: str
    label: str
    kind: str = "text"  # text, textarea, date, select, checks, file
    required: bool = False
    choices: tuple = ()
    help: str = ""


ON = F("on", "办理日期", "date", help="不填为今天；不能早于上一步骤")
NOTE = F("note", "说明", "textarea")
FILES = F("files", "附件（草案、意见、纪要等）", "file", help="可选多个文件")

DOCUMENT_NEW = (
    F("title", "文件名称", required=True, help="名称含“暂行”“试行”的，有效期按 2 年计"),
    F("department", "起草部门", "select"),
    F("drafted_on", "起草日期", "date", help="不填为今天"),
    F("note", "说明", "textarea"),
)

DOCUMENT_STEPS = {
    nd.SOLICIT: (
        F("on", "开始征求意见日期", "date"),
        F("comment_end", "征求意见截止日期", "date", True),
    ),
    nd.REVIEW: (
        F("reviewer", "审查机构/人员", required=True),
        F("sent_on", "送审日期", "date", True),
        F("on", "审查意见日期", "date"),
        F("opinion", "审查意见", "textarea", True),
    ),
    nd.DELIBERATE: (
        ON,
        F("meeting", "审议会议", required=True, help="如：管委会第 5 次主任办公会"),
    ),
    nd.REGISTER: (
        ON,
        F("year", "编号年度", help="不填为办理日期所在年度"),
        F("number", "编号序号", help="不填为该年度下一个序号；同一年度不能重复"),
    ),
    nd.PUBLISH: (
        F("on", "公布日期", "date"),
        F("published_in", "公布载体", help="如：园区门户网站政策文件栏目"),
    ),
    nd.FILE: (F("on", "报送备案日期", "date"), F("to_body", "报送备案机关", required=True)),
    nd.FILING_RESULT: (
        ON,
        F("result", "备案审查结果", "select", True, tuple(nd.FILING_RESULTS.items())),
    ),
    nd.CLEANUP: (
        F("on", "清理日期", "date"),
        F("outcome", "清理结论", "select", True, tuple(nd.CLEANUP_OUTCOMES.items())),
        F("reason", "理由", "textarea", True),
    ),
}

DECISION_NEW = (
    F("title", "决策事项", required=True),
    F("department", "承办单位", "select"),
    F("launched_on", "启动日期", "date", help="须已确定该年度的决策事项目录"),
    F(
        "applicable",
        "适用程序（合法性审查必经，不可省略）",
        "checks",
        choices=tuple((k, ds.STEPS[k]) for k in ds.OPTIONAL),
    ),
    F("draft", "决策草案说明", "textarea"),
)

DECISION_STEPS = {
    ds.PARTICIPATION_OPEN: (
        F("on", "发布日期", "date"),
        F("comment_start", "征求意见开始日期", "date", help="不填为发布日期"),
        F("comment_end", "征求意见截止日期", "date", True, help="一般不少于 30 日（第十五条）"),
        F("comment_reason", "缩短期限的书面理由", "textarea", help="少于 30 日时必填"),
    ),
    ds.PARTICIPATION: (
        F("on", "意见处理日期", "date"),
        F("comments", "收到意见数"),
        F("handling", "意见采纳情况及理由", "textarea", True),
    ),
    ds.EXPERT: (
        ON,
        F("experts", "论证专家", required=True),
        F("opinions", "专家意见及采纳情况", "textarea", True),
    ),
    ds.RISK: (ON, F("conclusion", "风险评估结论", "textarea", True)),
    ds.LEGALITY_SENT: (
        F("on", "送审日期", "date"),
        F("reviewer", "审查机构", required=True),
        F("review_due", "审查期限", "date", True, help="不少于 7 个工作日（第二十七条）"),
    ),
    ds.LEGALITY: (
        F("on", "审查意见日期", "date"),
        F("opinion", "合法性审查意见", "textarea", True),
    ),
    ds.COLLECTIVE: (
        F("on", "会议日期", "date"),
        F("meeting", "会议名称", required=True),
        F("attendees", "出席人员", "textarea", True),
        F("conclusion", "行政首长决定意见", "textarea", True, help="行政首长最后发表意见"),
        F("dissent", "不同意见", "textarea"),
        F("decided_by", "决策主体/主持人", required=True),
    ),
    ds.PUBLISH: (F("on", "公布日期", "date"), F("carried_out_by", "执行单位", required=True)),
    ds.ARCHIVE: (F("on", "归档日期", "date"),),
    ds.EVALUATION: (ON, F("findings", "评估结论", "textarea", True)),
}

COUNSEL_NEW = (
    F("name", "名称/姓名", required=True),
    F("kind", "类型", "select", True, (("person", "律师/专家"), ("firm", "律师事务所"))),
    F("contract_start", "聘期开始", "date", True),
    F("contract_end", "聘期结束", "date", True),
    F("scope", "服务范围", required=True),
)
OPINION_NEW = (
    F(
        "subject_kind",
        "事项类型",
        "select",
        True,
        (
            ("decision", "重大行政决策"),
            ("document", "规范性文件"),
            ("contract", "合同"),
            ("case", "案件"),
            ("other", "其他"),
        ),
    ),
    F("decision", "重大行政决策", "select"),
    F("document", "规范性文件", "select"),
    F("subject", "事项", help="选了决策或文件的可不填"),
    F("given_on", "出具日期", "date"),
    F("conclusion", "意见结论", "textarea", True),
)
ATTENDANCE_NEW = (F("meeting", "会议", required=True), F("attended_on", "日期", "date"))


def values_of(post, fields) -> dict:
    out = {}
    for f in fields:
        if f.kind == "file":
            continue
        out[f.name] = (
            post.getlist(f.name) if f.kind == "checks" else (post.get(f.name) or "").strip()
        )
    return out


def form_state(fields, values=None, exc: Exception | None = None, step: str = "") -> dict:
    names = {f.name for f in fields} | {"note"}  # a refused step or version: at the top
    errors, top = {}, ""
    if isinstance(exc, RuleError):
        for field, message in getattr(exc, "errors", {exc.field: exc.message}).items():
            if field in names:
                errors[field] = message
            else:
                top = top or message
    elif isinstance(exc, ConflictError):
        top = exc.message
    return {"values": values or {}, "errors": errors, "top": top, "step": step}
