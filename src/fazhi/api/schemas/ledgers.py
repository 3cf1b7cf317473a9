"""Schemas of the ledgers: 主体考核目标, activities, awards (and projects, policies)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import Codes, Day, In, Int, Number, Out, Text, field

# ---------------------------------------------------------------- requests


class TargetIn(In):
    required = ("year", "indicator", "unit", "target", "weight", "frequency")
    year: Int = field("年度")
    indicator: Text = field("指标，如 研发经费投入（最长 100 字）")
    unit: Text = field("单位，如 亿元、家（必填）")
    target: Number = field("目标值，大于 0")
    weight: Number = field("权重，大于 0，不超过 100")
    source: Text = field("数据来源")
    department: Text = field("责任部门代码或名称（本园区的部门）")
    frequency: Text = field("填报频次：monthly 按月，quarterly 按季度")


class TargetReportIn(In):
    required = ("period", "value")
    period: Text = field("填报期间：按月如 2026-03，按季度如 2026-Q1；不能是尚未开始的期间")
    value: Number = field("年初至期末累计完成数，不小于 0")
    note: Text = field("说明")


class ActivityIn(In):
    required = ("kind", "held_on", "subject")
    kind: Text = field(
        "类别：plan 年度计划部署，research 专题研究，study 法治专题学习，new_staff 新进人员法律培训，training 日常法律培训，publicity 法治宣传活动"
    )
    status: Text = field("状态：held 已开展（默认，日期不能晚于今天），planned 计划中")
    held_on: Day = field("日期 YYYY-MM-DD")
    subject: Text = field("主题")
    organiser: Text = field("组织部门代码（创建办填写；部门登记时为本部门）")
    attendees: Codes = field("参加人员：本园区用户的用户名")
    public_headcount: Int = field("群众参与人数")
    note: Text = field("说明")


class AwardIn(In):
    required = ("kind", "level", "title", "issuer", "on")
    kind: Text = field("类别：award 表彰奖励，instruction 批示，practice 经验做法推广")
    level: Text = field("级别：national 国家级，provincial 省部级，city 市级")
    title: Text = field("名称")
    issuer: Text = field("授予、批示或推广单位")
    on: Day = field("日期 YYYY-MM-DD，不晚于今天")
    doc_no: Text = field("文件文号")
    where: Text = field("推广范围或地点（经验做法推广必填）")


# ---------------------------------------------------------------- answers


class ProposalOut(Out):
    value: str = Field(description="建议分值（或附加项的起数）")
    rule: str = Field(description="得出建议值的规则（可人工核对）")


class TargetOut(Out):
    id: int = Field(description="指标编号")
    year: int = Field(description="年度")
    indicator: str = Field(description="指标")
    unit: str = Field(description="单位")
    target: str = Field(description="目标值")
    weight: str = Field(description="权重")
    source: str = Field(description="数据来源")
    department: str | None = Field(description="责任部门代码")
    frequency: str = Field(description="填报频次：monthly 按月，quarterly 按季度")
    actual: str | None = Field(description="最近一期的累计完成数；未填报为空")
    period: str = Field(description="最近一期的期间")
    completion: str | None = Field(description="完成率（实际 ÷ 目标，未封顶）")
    light: str = Field(description="进度灯：green 绿灯，yellow 黄灯，red 红灯，done 已完成")
    light_reason: str = Field(description="进度灯的说明（含序时进度）")
    report_due: bool = Field(description="已结束的期间中有未填报的")
    version: int = Field(description="版本号（更正时原样带回）")


class TargetListOut(Out):
    year: int = Field(description="年度")
    issuer: str = Field(description="下达单位代码（市或省）")
    issuer_name: str = Field(description="下达单位")
    doc_no: str = Field(description="下达文号")
    issued_on: date = Field(description="下达日期")
    version: int = Field(description="版本号（更正时原样带回）")


class TargetsOut(Out):
    zone: str = Field(description="园区代码")
    year: int = Field(description="年度")
    issued: TargetListOut | None = Field(description="目标清单由谁下达；未登记为空")
    weighted_completion: str | None = Field(description="加权完成率（0 至 1，超额按 1 计）")
    proposal: ProposalOut | None = Field(description="第 13 项建议得分及规则")
    items: list[TargetOut] = Field(description="考核指标")


class TargetReportOut(Out):
    id: int = Field(description="填报记录编号")
    period: str = Field(description="期间")
    period_end: date = Field(description="期间截止日")
    value: str = Field(description="累计完成数")
    note: str = Field(description="说明")
    reported_on: date = Field(description="填报日期")
    reported_by: str | None = Field(description="填报人用户名")
    has_file: bool = Field(description="是否附有佐证文件")
    version: int = Field(description="版本号（更正时原样带回）")


class TargetDetailOut(TargetOut):
    reports: list[TargetReportOut] = Field(description="填报记录")


class ActivityOut(Out):
    id: int = Field(description="活动编号")
    zone: str = Field(description="园区代码")
    kind: str = Field(description="类别代码")
    kind_label: str = Field(description="类别")
    status: str = Field(description="状态：held 已开展，planned 计划中")
    held_on: date = Field(description="日期")
    subject: str = Field(description="主题")
    organiser: str | None = Field(description="组织部门代码")
    attendee_count: int = Field(description="本单位参加人数")
    public_headcount: int = Field(description="群众参与人数")
    version: int = Field(description="版本号（更正时原样带回）")


class AwardOut(Out):
    id: int = Field(description="记录编号")
    zone: str = Field(description="园区代码")
    kind: str = Field(description="类别代码")
    level: str = Field(description="级别代码")
    title: str = Field(description="名称")
    issuer: str = Field(description="授予、批示或推广单位")
    on: date = Field(description="日期")
    doc_no: str = Field(description="文件文号")
    where: str = Field(description="推广范围或地点")
    counts_for: list[str] = Field(description="计入的评分表项目（15、16）")


class AwardsOut(Out):
    zone: str = Field(description="园区代码")
    year: int = Field(description="年度")
    proposals: dict[str, ProposalOut] = Field(description="第 15、16 项的建议起数及规则")
    items: list[AwardOut] = Field(description="表彰与推广记录")


# ---------------------------------------------------------------- projects


class ProjectIn(In):
    required = ("title", "applicant", "applicant_code", "applied_on")
    title: Text = field("项目名称")
    applicant: Text = field("申报单位")
    applicant_code: Text = field("申报单位统一社会信用代码（18 位）")
    department: Text = field("主管部门代码")
    applied_on: Day = field("申报日期 YYYY-MM-DD，不晚于今天")
    certificate: Text = field(
        "证书名称，如 高新技术企业证书（与有效期同时填写，到期前 60 日起提醒）"
    )
    certificate_valid_to: Day = field("证书有效期至 YYYY-MM-DD")


class CreditNoteIn(In):
    required = ("applicant", "applicant_code", "breach", "on")
    applicant: Text = field("单位名称")
    applicant_code: Text = field("统一社会信用代码（18 位）")
    breach: Text = field("失信情况")
    on: Day = field("记录日期 YYYY-MM-DD")
    source: Text = field("来源")


class ProjectEventIn(In):
    required = ("event",)
    event: Text = field(
        "办理事项：screen 形式审查通过，screen_fail 形式审查不通过，review 专家评审（按已登记的至少 3 位专家评分），approve 立项，decline 不予立项，start 开始执行，midterm 中期检查，accept 验收，evaluate 绩效评价（须先登记绩效指标和预算科目支出）"
    )
    on: Day = field("办理日期 YYYY-MM-DD（默认今天），不早于上一次办理")
    note: Text = field("说明（中期检查时必填）")
    version: Int = field("项目当前版本号（乐观锁，可不填）")
    budget: Number = field("预算，万元（立项）")
    contract_no: Text = field("合同编号（立项）")
    starts_on: Day = field("开始日期（立项）")
    due_on: Day = field("验收期限（立项）")
    content: Text = field("研究内容（立项，选填）")
    certificate: Text = field("证书名称（立项，选填，与有效期同时填写）")
    certificate_valid_to: Day = field("证书有效期至（立项，选填）")
    acceptance: Text = field("验收结论（验收）：passed 通过，failed 不通过，closed 结题")
    grade: Text = field(
        "绩效评价等次（绩效评价）：excellent 优秀，good 良好，pass 合格，fail 不合格"
    )


class FundsIn(In):
    required = ("kind", "amount")
    kind: Text = field("类别：paid 拨付（累计不超过预算），spent 支出（累计不超过已拨付）")
    amount: Number = field("金额，万元，大于 0")
    on: Day = field("日期 YYYY-MM-DD（默认今天）")
    line: Text = field("预算科目")
    note: Text = field("说明")


class ExpertIn(In):
    required = ("name", "unit", "score")
    name: Text = field("专家姓名")
    unit: Text = field("工作单位；与申报单位相同的专家须回避")
    unit_code: Text = field("工作单位统一社会信用代码（18 位，选填）；与申报单位相同须回避")
    conflict: Text = field("利害关系声明；填写即须回避，不能评分")
    score: Number = field("评分，0 至 100，最多 2 位小数")


class ChangeIn(In):
    required = ("kind", "reason")
    kind: Text = field("变更类别：budget 预算调整，dates 执行期调整，content 研究内容调整")
    reason: Text = field("变更理由")
    new_budget: Number = field("调整后预算，万元（预算调整时必填；批准时不得低于已拨付）")
    new_starts_on: Day = field("调整后开始日期（执行期调整时必填）")
    new_due_on: Day = field("调整后验收期限（执行期调整时必填，晚于开始日期）")
    new_content: Text = field("调整后研究内容（研究内容调整时必填）")


class DecisionIn(In):
    required = ("decision",)
    decision: Text = field("审批结果：approve 批准（变更生效），reject 不予批准")
    opinion: Text = field("审批意见（不予批准时必填）")
    version: Int = field("变更当前版本号（乐观锁，可不填）")


class IndicatorIn(In):
    required = ("name", "unit", "planned", "achieved")
    name: Text = field("绩效指标名称")
    unit: Text = field("单位")
    planned: Number = field("计划值，大于 0")
    achieved: Number = field("实际完成值，不小于 0")


class BudgetLineIn(In):
    required = ("line", "budgeted", "spent")
    line: Text = field("预算科目")
    budgeted: Number = field("预算数，万元，大于 0；各科目合计不超过项目预算")
    spent: Number = field("支出数，万元，不超过该科目预算数")


class ProjectOut(Out):
    id: int = Field(description="项目编号")
    zone: str = Field(description="园区代码")
    title: str = Field(description="项目名称")
    applicant: str = Field(description="申报单位")
    applicant_code: str = Field(description="统一社会信用代码")
    department: str | None = Field(description="主管部门代码")
    applied_on: date = Field(description="申报日期")
    stage: str = Field(description="阶段代码")
    stage_label: str = Field(description="阶段")
    allowed_events: list[str] = Field(description="现在可以办理的事项")
    review_score: str | None = Field(description="专家评审得分")
    budget: str | None = Field(description="预算（万元）")
    paid: str = Field(description="已拨付（万元）")
    spent: str = Field(description="已支出（万元）")
    due_on: date | None = Field(description="验收期限")
    acceptance: str = Field(description="验收结论代码")
    grade: str = Field(description="绩效评价等次代码")
    acceptance_overdue: bool = Field(description="已超过验收期限未验收")
    unspent: str = Field(description="已验收后的资金结余（万元）")
    credit_note: str = Field(description="申报时发现的失信记录；无则为空")
    content: str = Field(description="研究内容")
    certificate: str = Field(description="证书名称；无则为空")
    certificate_valid_to: date | None = Field(description="证书有效期至")
    version: int = Field(description="版本号")


class ProjectEventOut(Out):
    kind: str = Field(description="办理事项代码")
    on: date = Field(description="日期")
    note: str = Field(description="说明")


class FundsOut(Out):
    id: int = Field(description="资金记录编号")
    kind: str = Field(description="类别：paid 拨付，spent 支出")
    on: date = Field(description="日期")
    amount: str = Field(description="金额（万元）")
    line: str = Field(description="预算科目")


class ExpertOut(Out):
    name: str = Field(description="专家姓名")
    unit: str = Field(description="工作单位")
    score: str = Field(description="评分")


class ChangeOut(Out):
    id: int = Field(description="变更编号")
    kind: str = Field(description="变更类别代码")
    status: str = Field(description="状态：requested 待审批，approved 已批准，rejected 未批准")
    reason: str = Field(description="变更理由")
    new_budget: str | None = Field(description="调整后预算（万元）")
    new_starts_on: date | None = Field(description="调整后开始日期")
    new_due_on: date | None = Field(description="调整后验收期限")
    new_content: str = Field(description="调整后研究内容")
    before: dict[str, str | None] = Field(description="批准时被替换的原值")
    requested_on: date = Field(description="申请日期")
    decided_on: date | None = Field(description="审批日期")
    opinion: str = Field(description="审批意见")
    version: int = Field(description="版本号")


class IndicatorOut(Out):
    name: str = Field(description="绩效指标")
    unit: str = Field(description="单位")
    planned: str = Field(description="计划值")
    achieved: str = Field(description="实际完成值")
    percent: int = Field(description="完成率（%，向下取整）")


class BudgetLineOut(Out):
    line: str = Field(description="预算科目")
    budgeted: str = Field(description="预算数（万元）")
    spent: str = Field(description="支出数（万元）")


class ProjectDetailOut(ProjectOut):
    events: list[ProjectEventOut] = Field(description="办理记录")
    funds: list[FundsOut] = Field(description="资金记录")
    experts: list[ExpertOut] = Field(description="专家评审的专家评分")
    changes: list[ChangeOut] = Field(description="变更申请及审批")
    indicators: list[IndicatorOut] = Field(description="绩效指标（计划与实际）")
    budget_lines: list[BudgetLineOut] = Field(description="预算科目执行情况")


class CreditNoteOut(Out):
    id: int = Field(description="记录编号")
    applicant_code: str = Field(description="统一社会信用代码")
    applicant: str = Field(description="单位名称")
    on: date = Field(description="记录日期")


# ---------------------------------------------------------------- policies


class PolicyIn(In):
    required = ("title", "level", "issuer", "issued_on")
    title: Text = field("政策名称")
    level: Text = field("层级：national 国家，provincial 省")
    issuer: Text = field("发文机关")
    doc_no: Text = field("文号")
    issued_on: Day = field("发布日期 YYYY-MM-DD，不晚于今天")


class MeasureIn(In):
    required = ("title", "status")
    title: Text = field("配套措施名称")
    status: Text = field("状态：drafting 制定中，issued 已出台（须填出台日期），repealed 已废止")
    doc_no: Text = field("文号")
    issued_on: Day = field("出台日期 YYYY-MM-DD")


class BenefitIn(In):
    required = ("enterprise", "amount", "on")
    enterprise: Text = field("受益企业")
    amount: Number = field("奖励补助金额，万元，大于 0")
    on: Day = field("兑现日期 YYYY-MM-DD，不晚于今天")
    note: Text = field("说明")


class MeasureOut(Out):
    id: int = Field(description="配套措施编号")
    title: str = Field(description="配套措施名称")
    status: str = Field(description="状态代码")
    doc_no: str = Field(description="文号")
    issued_on: date | None = Field(description="出台日期")


class BenefitOut(Out):
    id: int = Field(description="记录编号")
    enterprise: str = Field(description="受益企业")
    amount: str = Field(description="金额（万元）")
    on: date = Field(description="兑现日期")


class PolicyOut(Out):
    id: int = Field(description="政策编号")
    zone: str = Field(description="园区代码")
    title: str = Field(description="政策名称")
    level: str = Field(description="层级代码")
    issuer: str = Field(description="发文机关")
    doc_no: str = Field(description="文号")
    issued_on: date = Field(description="发布日期")
    supported: bool = Field(description="已出台配套措施")
    beneficiaries: int = Field(description="受益企业（家次）")
    benefit_total: str = Field(description="兑现金额（万元）")


class PolicyDetailOut(PolicyOut):
    measures: list[MeasureOut] = Field(description="配套措施")
    benefits: list[BenefitOut] = Field(description="受益企业")
