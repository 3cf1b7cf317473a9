"""Schemas of the enforcement API: officers, cases with their steps and periods, file-review
rounds and sheets, reconsideration applications."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import Codes, Day, Flag, In, Int, IntOrNull, Number, Out, Text, field, typed

Ints = typed({"type": "array", "items": {"type": "integer"}})
Scores = typed({"type": "object", "additionalProperties": {"type": "string"}})

# ---------------------------------------------------------------- requests


class OfficerIn(In):
    required = ("department", "name", "cert_no", "issuer", "valid_from", "valid_to")
    department: Text = field("所在部门代码（本园区的部门）")
    name: Text = field("姓名，最长 50 字")
    cert_no: Text = field("执法证号，本园区内唯一")
    issuer: Text = field("发证机关")
    valid_from: Day = field("有效期自 YYYY-MM-DD")
    valid_to: Day = field("有效期至 YYYY-MM-DD（含当日）")
    user: Text = field("对应的系统账号（用户名），评查时据此回避本人承办的案卷")


class OfficerUpdateIn(OfficerIn):
    required = ("version",)
    version: IntOrNull = field("当前版本号（乐观锁）")
    revoked: Flag = field("执法证已注销或暂扣")


class CaseIn(In):
    required = ("department", "received_on", "subject", "party_kind")
    department: Text = field("承办部门代码")
    source: Text = field(
        "线索来源：complaint 投诉举报转立案、inspection 监督检查、referral 移送、other 其他"
    )
    complaint: Text = field("投诉举报的受理编号（转立案时填写，来源即为 complaint）")
    received_on: Day = field("线索登记日期 YYYY-MM-DD，不晚于今天")
    subject: Text = field("案由，最长 200 字")
    facts: Text = field("违法事实")
    party_kind: Text = field("当事人类型：org 单位、person 自然人")
    party_org: Text = field("当事人单位名称（单位时必填）")
    credit_code: Text = field("统一社会信用代码")
    name: Text = field("当事人姓名（自然人时必填；加密保存，公示时脱敏）")
    id_number: Text = field("身份证件号码（加密保存）")
    phone: Text = field("联系电话（加密保存）")
    address: Text = field("住址（加密保存）")


class StepIn(In):
    required = ("kind", "on")
    kind: Text = field("环节代码（见案件的 allowed_steps）")
    on: Day = field("日期 YYYY-MM-DD，不晚于今天")
    note: Text = field("说明：不予立案、撤销的理由，调查终结报告，法制审核意见等")
    media_ref: Text = field("音像记录编号或存放位置（全过程记录）")
    officers: Ints = field("执法人员编号列表（立案时至少 2 名持有效执法证的人员）")
    lead: IntOrNull = field("主办执法人员编号（立案时，默认第一名）")
    major: Flag = field("属于重大执法决定（立案时；须经法制审核才能决定）")
    penalty_kind: Text = field("处罚种类代码（告知、决定）")
    amount: Number = field("罚款或没收金额（元）")
    hearing_told: Flag = field("已告知听证权利（告知；处罚适用听证时必须）")
    hearing_on: Day = field(
        "举行听证的日期 YYYY-MM-DD（听证通知；不早于通知后七个工作日，行政处罚法第六十四条）"
    )
    statement: Text = field(
        "陈述、申辩情况（陈述申辩）：made 已陈述申辩、waived 明确放弃、none 期限内未陈述申辩"
    )
    reviewer: IntOrNull = field("法制审核人员编号（法制审核，须持有效执法证）")
    decision_kind: Text = field("决定类型：penalty 给予行政处罚、no_penalty 不予行政处罚")
    decision_no: Text = field("决定书文号")
    decision_text: Text = field("处罚内容")
    legal_basis: Text = field("法律依据")
    period: Text = field("延长的期限代码：file 立案期限、decide 作出决定期限")
    days: Int = field("延长天数")
    approved_by: Text = field("批准延长的负责人")
    version: IntOrNull = field("案件当前版本号（乐观锁，可不填）")


class RoundIn(In):
    required = ("title", "year", "reviewers")
    title: Text = field("评查名称")
    year: Int = field("评查该年度结案的案卷")
    sample_size: IntOrNull = field("随机抽查数量；不填为全部")
    seed: IntOrNull = field("随机种子（0 至 2147483647）；不填由系统生成并记录")
    reviewers: Codes = field("评查人员的用户名列表（不得评查本人承办的案卷）")


class SheetIn(In):
    required = ("scores",)
    scores: Scores = field(
        '评查表各项：s_<编号> 得分，v_<编号> 否决项（"1" 为存在），d_<编号> 扣分起数'
    )
    comment: Text = field("评查意见")
    version: IntOrNull = field("当前版本号（乐观锁，可不填）")


class ReconsiderationIn(In):
    required = ("received_on", "name", "respondent", "act", "request")
    received_on: Day = field("收到申请日期 YYYY-MM-DD")
    name: Text = field("申请人姓名或名称（加密保存）")
    id_number: Text = field("证件号码（加密保存）")
    phone: Text = field("联系电话（加密保存）")
    address: Text = field("住址（加密保存）")
    respondent: Text = field("被申请人")
    act: Text = field("被申请复议的行政行为")
    request: Text = field("复议请求")
    enforcement_case: Text = field("相关执法案件案号")
    simplified: Flag = field("适用简易程序（第五十三条）")
    simple_ground: Text = field(
        "适用简易程序的理由：on_the_spot、warning、small_amount、disclosure、agreed"
    )
    amount: Number = field("涉及款额（元），理由为 small_amount 时必填")


class ReconsiderationStepIn(In):
    required = ("kind", "on")
    kind: Text = field("环节代码（见案件的 allowed_steps）")
    on: Day = field("日期 YYYY-MM-DD")
    note: Text = field("说明；不予受理、中止、终止须写明理由")
    decision_kind: Text = field("复议决定种类（作出复议决定时）")
    days: Int = field("延长天数（最多 30 日，一次）")
    approved_by: Text = field("批准人：延长审理期限、转为普通程序（第五十五条）时必填")
    perform_due: Day = field(
        "履行期限 YYYY-MM-DD：作出须履行的复议决定时可填，责令限期履行（第七十七条）时必填"
    )
    version: IntOrNull = field("案件当前版本号（乐观锁，可不填）")


# ---------------------------------------------------------------- answers


class OfficerOut(Out):
    id: int = Field(description="执法人员编号")
    name: str = Field(description="姓名")
    department: str = Field(description="所在部门")
    department_code: str = Field(description="所在部门代码")
    cert_no: str = Field(description="执法证号")
    issuer: str = Field(description="发证机关")
    valid_from: date = Field(description="有效期自")
    valid_to: date = Field(description="有效期至")
    revoked: bool = Field(description="已注销或暂扣")
    status: str = Field(
        description="执法证状态：valid、expiring（60 日内到期）、expired、not_yet、revoked"
    )
    status_label: str = Field(description="执法证状态（中文）")
    attention: bool = Field(description="需要关注（不是有效状态）")
    version: int = Field(description="版本号")


class CaseRowOut(Out):
    id: int = Field(description="案件编号（系统内部）")
    number: str = Field(description="案号")
    subject: str = Field(description="案由")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态")
    source: str = Field(description="线索来源代码")
    source_label: str = Field(description="线索来源")
    department: str = Field(description="承办部门")
    complaint: str = Field(description="来源投诉举报的受理编号；无则为空")
    received_on: date = Field(description="线索登记日期")
    filed_on: date | None = Field(description="立案日期")
    decided_on: date | None = Field(description="决定日期")
    next_due: date | None = Field(description="最近到期日")
    overdue: bool = Field(description="是否逾期")
    deadline_note: str = Field(description="期限暂定的原因；为空表示确定")
    version: int = Field(description="版本号")


class CasePageOut(Out):
    count: int = Field(description="符合条件的案件数")
    page: int = Field(description="页码")
    pages: int = Field(description="总页数")
    rows: list[CaseRowOut] = Field(description="本页案件")


class StepOut(Out):
    kind: str = Field(description="环节代码")
    label: str = Field(description="环节")
    on: date = Field(description="日期")
    note: str = Field(description="说明")
    media_ref: str = Field(description="音像记录编号或位置")
    files: list[str] = Field(description="所附文件名")


class PeriodOut(Out):
    name: str = Field(description="期限名称")
    length: str = Field(description="期限长度，如“90 日”“7 个工作日”")
    due_on: date | None = Field(description="到期日")
    state: str = Field(description="情况：进行中、已完成、已逾期等")
    overdue: bool = Field(description="是否逾期")


class PartyOut(Out):
    kind: str = Field(description="当事人类型：单位、自然人")
    name: str = Field(description="名称或姓名（无办理权限者看到脱敏值）")
    id_number: str = Field(description="证件号码或统一社会信用代码（脱敏规则同上）")
    address: str = Field(description="住址（脱敏规则同上）")


class CaseOut(CaseRowOut):
    major: bool = Field(description="重大执法决定")
    officers: list[str] = Field(description="承办执法人员（姓名与执法证号）")
    party: PartyOut = Field(description="当事人")
    decision_no: str = Field(description="决定书文号")
    decision_kind: str = Field(description="决定类型代码")
    penalty_kind: str = Field(description="处罚种类代码")
    amount: str = Field(description="金额（元），无则为空")
    published_on: date | None = Field(description="公示日期")
    withdrawn_on: date | None = Field(description="撤回公示日期")
    steps: list[StepOut] = Field(description="办理过程（全过程记录）")
    periods: list[PeriodOut] = Field(description="各期限的计算结果")
    allowed_steps: list[str] = Field(description="当前可以登记的环节代码（本人有办理权限时）")


class RoundOut(Out):
    id: int = Field(description="评查编号")
    title: str = Field(description="评查名称")
    year: int = Field(description="年度")
    sample_size: int | None = Field(description="抽查数量；null 为全部")
    seed: int = Field(description="随机种子")
    table: str = Field(description="评查表代码")


class FileReviewOut(Out):
    id: int = Field(description="评查案卷编号")
    case: str = Field(description="案号")
    reviewer: str = Field(description="评查人员用户名")
    total: str = Field(description="得分；未评为空")
    grade: str = Field(description="等次；未评为空")
    vetoed: bool = Field(description="存在否决项")
    faults: list[str] = Field(description="发现的问题（否决项与扣分项编号）")
    version: int = Field(description="版本号")


class FaultOut(Out):
    code: str = Field(description="评查表项目编号")
    title: str = Field(description="问题")
    count: int = Field(description="出现该问题的案卷数")


class RoundDetailOut(RoundOut):
    scored: int = Field(description="已评案卷数")
    distribution: dict[str, int] = Field(description="各等次的案卷数")
    faults: list[FaultOut] = Field(description="常见问题，按出现次数排序")
    files: list[FileReviewOut] = Field(description="评查案卷")


class ReconsiderationOut(Out):
    id: int = Field(description="案件编号（系统内部）")
    number: str = Field(description="复议案号")
    state: str = Field(description="状态代码")
    state_label: str = Field(description="状态")
    received_on: date = Field(description="收到申请日期")
    respondent: str = Field(description="被申请人")
    act: str = Field(description="被申请复议的行政行为")
    simplified: bool = Field(description="简易程序")
    deemed_accepted: bool = Field(description="审查期限届满未作出不予受理决定，视为受理")
    decision_kind: str = Field(description="复议决定种类代码")
    decided_on: date | None = Field(description="决定日期")
    decided_late: bool = Field(description="逾期作出决定")
    converted_on: date | None = Field(
        description="经批准由简易程序转为普通程序的日期（第五十五条）"
    )
    opinion_issued_on: date | None = Field(description="制发行政复议意见书的日期（第七十六条）")
    opinion_due: date | None = Field(description="被申请人报送纠正情况的期限（制发后 60 日）")
    opinion_reported_on: date | None = Field(description="被申请人报送纠正情况的日期")
    perform_due: date | None = Field(description="复议决定确定的履行期限（履行监督）")
    performed_on: date | None = Field(description="登记履行的日期")
    next_due: date | None = Field(description="最近到期日")
    overdue: bool = Field(description="是否逾期")
    version: int = Field(description="版本号")
    allowed_steps: list[str] = Field(description="当前可以登记的环节代码（本人有办理权限时）")
