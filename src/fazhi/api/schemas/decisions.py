"""Schemas of the decision-making registers: normative documents, major decisions, counsel."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import Codes, Day, DayOrNull, Flag, In, Int, IntOrNull, Out, Text, field

# ---------------------------------------------------------------- shared


class StepDone(Out):
    step: str = Field(description="步骤代码")
    label: str = Field(description="步骤名称")
    on: date = Field(description="办理日期")
    data: dict[str, str] = Field(description="步骤记录（字段名与内容，均为文字）")


class FigureOut(Out):
    label: str = Field(description="指标名称")
    value: str = Field(description="指标值（已格式化，如“50.0%”“3 件”，无法计算为“—”）")


class SummaryOut(Out):
    title: str = Field(description="台账名称")
    zone: str = Field(description="园区代码")
    year: int = Field(description="年度")
    figures: list[FigureOut] = Field(description="年度指标")
    missing: list[str] = Field(description="缺少的材料或记录，逐项列明名称")
    note: str = Field(description="统计口径说明")


class TransitionOut(Out):
    state: str = Field(description="办理状态")
    step: str = Field(description="可办理的步骤")


# ---------------------------------------------------------------- normative documents


class DocumentIn(In):
    required = ("title",)
    zone: Text = field("园区代码；不填则为本人所在园区")
    department: Text = field("起草部门代码（创建办填写；部门用户为本部门）")
    title: Text = field("文件名称（最长 200 字）；含“暂行”“试行”的有效期按暂行计")
    drafted_on: Day = field("起草日期 YYYY-MM-DD，默认今天，不晚于今天")
    provisional: Flag = field("是否暂行/试行（不填则按名称判断）")
    note: Text = field("说明")


class DocumentStepIn(In):
    required = ("step",)
    step: Text = field(
        "步骤代码：solicit、review、deliberate、register、publish、file、filing_result、cleanup"
    )
    on: Day = field("办理日期 YYYY-MM-DD，默认今天；不早于上一步骤，不晚于今天")
    note: Text = field("说明")
    version: IntOrNull = field("文件当前版本号（乐观锁，可不填）")
    comment_end: Day = field("征求意见截止日期（征求意见）")
    reviewer: Text = field("审查机构/人员（合法性审查）")
    sent_on: Day = field("送审日期（合法性审查）")
    opinion: Text = field("审查意见（合法性审查）")
    meeting: Text = field("审议会议（集体审议）")
    year: Int = field("编号年度（统一登记、编号；默认办理日期所在年度）")
    number: Int = field("编号序号（统一登记、编号；默认该年度下一个，同一年度不能重复）")
    published_in: Text = field("公布载体（公布）")
    to_body: Text = field("报送备案机关（报送备案）")
    result: Text = field("备案审查结果：accepted 通过，returned 退回")
    outcome: Text = field("清理结论：keep 继续有效，amend 修改，abolish 废止，expire 失效")
    reason: Text = field("清理理由（清理，必填）")


class DocumentOut(Out):
    id: int = Field(description="文件编号（系统内部）")
    zone: str = Field(description="园区代码")
    department: str | None = Field(description="起草部门代码")
    title: str = Field(description="文件名称")
    provisional: bool = Field(description="是否暂行/试行")
    state: str = Field(description="办理状态代码")
    state_label: str = Field(description="办理状态")
    validity: str = Field(description="效力代码：valid、abolished、expired、not_in_force")
    validity_label: str = Field(description="效力")
    doc_no: str = Field(description="统一编号，如 资高新规〔2026〕3号；未编号为空")
    drafted_on: date = Field(description="起草日期")
    published_on: date | None = Field(description="公布日期")
    filing_due: date | None = Field(description="报送备案期限")
    filed_on: date | None = Field(description="报送备案日期")
    filing_overdue: bool = Field(description="是否逾期未报送备案")
    valid_until: date | None = Field(description="有效期至")
    version: int = Field(description="版本号（乐观锁）")
    allowed_steps: list[str] = Field(description="本人现在可办理的步骤")


class DocumentDetailOut(DocumentOut):
    steps: list[StepDone] = Field(description="已办步骤")


class DocumentPage(Out):
    total: int = Field(description="符合条件的文件数")
    page: int = Field(description="页码")
    pages: int = Field(description="总页数")
    items: list[DocumentOut] = Field(description="本页文件")


class DocumentStatesOut(Out):
    states: dict[str, str] = Field(description="办理状态代码与名称")
    steps: dict[str, str] = Field(description="步骤代码与名称")
    transitions: list[TransitionOut] = Field(description="允许的状态与步骤")


# ---------------------------------------------------------------- major decisions


class CatalogueIn(In):
    required = ("year", "adopted_on")
    zone: Text = field("园区代码；不填则为本人所在园区")
    year: Int = field("年度")
    adopted_on: Day = field("确定日期 YYYY-MM-DD")
    published_on: DayOrNull = field("公布日期 YYYY-MM-DD，不早于确定日期")


class CatalogueOut(Out):
    zone: str = Field(description="园区代码")
    year: int = Field(description="年度")
    adopted_on: date | None = Field(description="确定日期")
    published_on: date | None = Field(description="公布日期")


class DecisionIn(In):
    required = ("title",)
    zone: Text = field("园区代码；不填则为本人所在园区")
    department: Text = field("承办单位代码（创建办填写；部门用户为本部门）")
    title: Text = field("决策事项（最长 200 字）")
    launched_on: Day = field("启动日期 YYYY-MM-DD，默认今天；该年度决策事项目录须已确定")
    applicable: Codes = field(
        "适用程序：participation 公众参与、expert 专家论证、risk 风险评估；不填为全部"
    )
    draft: Text = field("决策草案说明")
    note: Text = field("说明")


class DecisionStepIn(In):
    required = ("step",)
    step: Text = field(
        "步骤代码：participation_open、participation、expert、risk、legality_sent、legality、"
        "collective、publish、archive、evaluation"
    )
    on: Day = field("办理日期 YYYY-MM-DD，默认今天；不早于上一步骤，不晚于今天")
    note: Text = field("说明")
    version: IntOrNull = field("决策当前版本号（乐观锁，可不填）")
    comment_start: Day = field("征求意见开始日期（公开征求意见，默认办理日期）")
    comment_end: Day = field("征求意见截止日期（公开征求意见；一般不少于 30 日）")
    comment_reason: Text = field("缩短征求意见期限的书面理由（少于 30 日时必填）")
    comments: Int = field("收到意见数（公众参与）")
    handling: Text = field("意见采纳情况及理由（公众参与）")
    experts: Text = field("论证专家（专家论证）")
    opinions: Text = field("专家意见及采纳情况（专家论证）")
    conclusion: Text = field("风险评估结论；或行政首长决定意见（集体讨论决定）")
    reviewer: Text = field("审查机构（送合法性审查）")
    review_due: Day = field("审查期限（送合法性审查；不少于 7 个工作日）")
    opinion: Text = field("合法性审查意见")
    meeting: Text = field("会议名称（集体讨论决定）")
    attendees: Text = field("出席人员（集体讨论决定）")
    dissent: Text = field("不同意见（集体讨论决定）")
    decided_by: Text = field("决策主体/主持人（集体讨论决定）")
    carried_out_by: Text = field("执行单位（公布）")
    findings: Text = field("评估结论（决策后评估）")


class DecisionOut(Out):
    id: int = Field(description="决策编号（系统内部）")
    zone: str = Field(description="园区代码")
    year: int = Field(description="决策事项目录年度")
    department: str | None = Field(description="承办单位代码")
    title: str = Field(description="决策事项")
    applicable: list[str] = Field(description="适用程序")
    done: list[str] = Field(description="已办步骤代码")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态")
    launched_on: date = Field(description="启动日期")
    comment_end: date | None = Field(description="征求意见截止日期")
    review_due: date | None = Field(description="合法性审查期限")
    review_overdue: bool = Field(description="合法性审查是否超过期限仍无意见")
    decided_on: date | None = Field(description="决定日期")
    decided_by: str = Field(description="决策主体/主持人")
    carried_out_by: str = Field(description="执行单位")
    published_on: date | None = Field(description="公布日期")
    version: int = Field(description="版本号（乐观锁）")
    allowed_steps: list[str] = Field(description="本人现在可办理的步骤")


class DecisionDetailOut(DecisionOut):
    steps: list[StepDone] = Field(description="已办步骤")


class DecisionPage(Out):
    total: int = Field(description="符合条件的决策数")
    page: int = Field(description="页码")
    pages: int = Field(description="总页数")
    items: list[DecisionOut] = Field(description="本页决策")


# ---------------------------------------------------------------- counsel


class CounselIn(In):
    required = ("kind", "name", "contract_start", "contract_end", "scope")
    zone: Text = field("园区代码；不填则为本人所在园区")
    kind: Text = field("类型：person 律师/专家，firm 律师事务所")
    name: Text = field("名称/姓名")
    contract_start: Day = field("聘期开始 YYYY-MM-DD")
    contract_end: Day = field("聘期结束 YYYY-MM-DD，不早于聘期开始")
    scope: Text = field("服务范围")


class CounselOut(Out):
    id: int = Field(description="法律顾问编号（系统内部）")
    zone: str = Field(description="园区代码")
    kind: str = Field(description="类型代码")
    name: str = Field(description="名称/姓名")
    contract_start: date = Field(description="聘期开始")
    contract_end: date = Field(description="聘期结束")
    scope: str = Field(description="服务范围")
    opinions: int = Field(description="出具意见数（全部）")
    meetings: int = Field(description="列席会议次数（全部）")


class OpinionIn(In):
    required = ("subject_kind", "conclusion")
    subject_kind: Text = field("事项类型：decision、document、contract、case、other")
    decision: IntOrNull = field("重大行政决策编号（事项类型为 decision 时）")
    document: IntOrNull = field("规范性文件编号（事项类型为 document 时）")
    subject: Text = field("事项（选了决策或文件的可不填）")
    given_on: Day = field("出具日期 YYYY-MM-DD，默认今天")
    conclusion: Text = field("意见结论")


class OpinionOut(Out):
    id: int = Field(description="意见编号")
    counsel: int = Field(description="法律顾问编号")
    subject_kind: str = Field(description="事项类型")
    subject: str = Field(description="事项")
    given_on: date = Field(description="出具日期")
    conclusion: str = Field(description="意见结论")


class AttendanceIn(In):
    required = ("meeting",)
    meeting: Text = field("会议")
    attended_on: Day = field("日期 YYYY-MM-DD，默认今天")


class AttendanceOut(Out):
    id: int = Field(description="记录编号")
    counsel: int = Field(description="法律顾问编号")
    meeting: str = Field(description="会议")
    attended_on: date = Field(description="日期")
