"""Schemas of the scoring-table and self-assessment operations."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from .common import Flag, In, Int, IntOrNull, Out, Text, TextOrNull, field

Points = str | None  # decimals as text ("4.5"), so that no client rounds them through a float


# ---------------------------------------------------------------- scoring tables


class FrameworkSummary(Out):
    code: str = Field(description="评分表代码")
    version: int = Field(description="评分表版本号")
    title: str = Field(description="评分表名称")
    issuer: str = Field(description="发布机关")
    declared_total: Points = Field(description="表上标注的总分；未标注时为 null")
    computed_total: str = Field(description="按评分项计算的总分")
    warnings: list[str] = Field(description="载入时发现的提示（如分组小计与标注不符）")
    purpose: str = Field(
        description="用途：assessment 自查评分表（可用于自评）；file_review 行政执法案卷评查表（不能用于自评）"
    )


class RuleOut(Out):
    """Exactly one of per_shortfall, tiers, proportional is set."""

    per_shortfall: Points = Field(
        None, description="每少一次（每次违反）扣的分（输入为 count 次数）"
    )
    max_count: int | None = Field(None, description="最多计几次（per_shortfall）")
    tiers: list[list[str]] | None = Field(
        None,
        description="档次 [[门槛, 得分], …]，门槛递减，取第一个不高于输入值的档（输入为 value）",
    )
    unit: str | None = Field(None, description="档次门槛的单位（如 %）")
    proportional: bool | None = Field(
        None, description="按完成比例得分：分值 × value / 100（value 为 0–100）"
    )


class IndicatorOut(Out):
    code: str = Field(description="指标编号")
    title: str = Field(description="指标内容")
    kind: str = Field(
        description="类别：group 分组，scored 评分项，bonus 加分项，deduction 扣分项，veto 一票否决项"
    )
    max_points: Points = Field(description="分值（评分项）")
    points: Points = Field(description="固定分值（加分项、扣分项）；表上为“——”时为 null")
    points_per_case: Points = Field(description="每起分值（按起数计的加分项、扣分项）")
    cap: Points = Field(description="封顶分值")
    declared_max: Points = Field(description="分组标注的小计分值")
    evidence: str | None = Field(description="佐证材料要求")
    label: str = Field("", description="印制序号（如“（24）”）；未标注时不带")
    min_points: Points = Field(None, description="最低分（负数表示倒扣）；为 0 时不带")
    rule: RuleOut | None = Field(None, description="计分规则；无规则时不带")
    optional: bool = Field(False, description="可否标为不适用；否时不带")
    choose: str = Field("", description="one：下级为择一适用的组；否则不带")
    org: str = Field("", description="择一组的适用单位代码；未指定时不带")
    children: list[IndicatorOut] = Field(description="下级指标")


class FrameworkOut(FrameworkSummary):
    indicators: list[IndicatorOut] = Field(description="指标树")


# ---------------------------------------------------------------- self-assessment


class AssessmentIn(Schema):
    zone: str = Field(description="被考核单位代码（园区或部门）")
    framework: str = Field(description="评分表代码")
    version: int | None = Field(None, description="评分表版本号；不填则用最新版本")
    year: int = Field(description="年度")
    block: str | None = Field(
        None, description="择一适用组（choose: one）中适用的下属组编号；省略时按该组的 org 自动选择"
    )


class DepartmentsIn(Schema):
    framework: str = Field(description="部门考核评分表代码")
    version: int | None = Field(None, description="评分表版本号；不填则用最新版本")
    year: int = Field(description="年度")
    orgs: list[str] | None = Field(None, description="部门代码；省略为本园区全部部门")


class ResultIn(In):
    """按指标类别填写：评分项填 self_score，有计分规则的填 count（次数）或 value（数值）；
    加分项、扣分项填 cases（表上分值为“——”的由创建办填 points）；一票否决项填 raised（触发时并填 reason）；
    可不适用的项填 not_applicable 并附 reason；创建办调整得分填 override_score 并附 reason。其他字段会被拒绝。"""

    required = ("version",)
    version: Int = field("该项当前版本号（乐观锁：读取时的 version，已被他人修改则 409）")
    note: Text = field("自评说明")
    self_score: TextOrNull = field(
        '自评分（无计分规则的评分项），数字文本如 "4.5"，最低分至分值之间；null 为清除'
    )
    count: IntOrNull = field("次数（per_shortfall 规则的输入，非负整数）；null 为清除")
    value: TextOrNull = field(
        "数值（tiers 规则的输入；proportional 为 0–100 的完成比例），数字文本"
    )
    not_applicable: Flag = field("是否不适用（仅 optional 项），true 时须附 reason")
    override_score: TextOrNull = field("创建办调整后的得分，须附 reason；null 撤销调整")
    cases: Int = field("起数（加分项、扣分项）")
    points: TextOrNull = field("创建办设定的分值（表上为“——”的加分项、扣分项），数字文本")
    raised: Flag = field("是否触发（一票否决项）")
    reason: Text = field("情形说明（一票否决项触发时必填）、不适用理由或调整理由")


class ReasonIn(Schema):
    reason: str = Field("", description="退回原因")


class AssessmentRow(Out):
    id: int = Field(description="自评编号")
    zone: str = Field(description="园区代码")
    framework: str = Field(description="评分表代码")
    version: int = Field(description="评分表版本号")
    year: int = Field(description="年度")
    status: str = Field(
        description="状态：draft 草稿，submitted 已提交，returned 已退回，accepted 已通过"
    )


class GroupTotalOut(Out):
    code: str = Field(description="一级指标编号")
    title: str = Field(description="一级指标名称")
    max_points: Points = Field(description="其下评分项分值合计")
    declared_max: Points = Field(description="表上标注的小计分值")
    scored: Points = Field(description="自评得分合计")
    items_total: int = Field(description="其下评分项数")
    items_done: int = Field(description="已填写自评分的评分项数")
    bonus: Points = Field(description="加分合计")
    deduction: Points = Field(description="扣分合计")
    applicable_max: Points = Field(description="适用项分值合计（不含不适用项）")


class TotalsOut(Out):
    scored: Points = Field(description="评分项得分合计")
    scored_max: Points = Field(description="评分项分值合计")
    bonus: Points = Field(description="加分合计")
    deduction: Points = Field(description="扣分合计")
    final: Points = Field(description="总分（得分 + 加分 − 扣分）")
    disqualified: bool = Field(description="是否触发一票否决")
    vetoes: list[str] = Field(description="已触发的一票否决项编号")
    unset: list[str] = Field(description="尚待创建办设定分值的加分项、扣分项编号")
    items_total: int = Field(description="评分项数")
    items_done: int = Field(description="已填写的评分项数（含不适用）")
    applicable_max: Points = Field(description="适用项分值合计（不含不适用项）")
    scaled: Points = Field(
        description="按比例折算得分 = 总分 × 评分项分值合计 / 适用项分值合计（2 位小数）"
    )
    not_applicable: list[str] = Field(description="标为不适用的指标编号")
    groups: list[GroupTotalOut] = Field(description="按一级指标的小计")


class EvidenceOut(Out):
    id: int = Field(description="佐证材料编号")
    name: str = Field(description="文件名")
    sm3: str = Field(description="文件内容的 SM3 摘要（十六进制）")
    size: int = Field(description="文件大小（字节）")
    url: str = Field(description="下载地址（网页登录后可用）")


class InputOut(Out):
    self_score: Points = Field(None, description="自评分（无计分规则的评分项）")
    count: int | None = Field(None, description="次数（per_shortfall 规则）")
    value: Points = Field(None, description="数值（tiers、proportional 规则）")


class OverrideOut(Out):
    score: Points = Field(description="调整后得分")
    reason: str = Field(description="调整理由")


class ResultOut(Out):
    indicator_code: str = Field(description="指标编号（唯一）")
    label: str = Field(description="印制序号（未标注时同编号）")
    kind: str = Field(
        description="类别：scored、bonus、deduction、veto，或 group（可整组不适用的指标组）"
    )
    title: str = Field(description="指标内容")
    max_points: Points = Field(description="分值")
    min_points: Points = Field(description="最低分（负数表示倒扣）；非评分项为 null")
    rule: RuleOut | None = Field(description="计分规则；无规则为 null")
    rule_text: str = Field(description="计分规则的文字说明")
    optional: bool = Field(description="可否标为不适用")
    input: InputOut = Field(description="填报的输入：count、value 或 self_score")
    computed_score: Points = Field(description="按规则或自评分计算的得分（调整前）")
    override: OverrideOut | None = Field(description="创建办的调整；无调整为 null")
    not_applicable: bool = Field(description="是否不适用")
    not_applicable_reason: str = Field(description="不适用理由")
    self_score: Points = Field(description="自评分；未填为 null")
    cases: int = Field(description="起数")
    raised: bool = Field(description="是否触发（一票否决项）")
    reason: str = Field(description="情形说明")
    points: Points = Field(description="创建办设定的分值")
    note: str = Field(description="自评说明")
    version: int = Field(description="该项版本号（修改时原样带回）")
    evidence: list[EvidenceOut] = Field(description="佐证材料")


class CodeName(Out):
    code: str = Field(description="代码")
    name: str = Field(description="名称")


class FrameworkRef(Out):
    code: str = Field(description="评分表代码")
    version: int = Field(description="评分表版本号")
    title: str = Field(description="评分表名称")


class AssessmentOut(Out):
    id: int = Field(description="自评编号")
    zone: CodeName = Field(description="被考核单位（园区或部门）")
    framework: FrameworkRef = Field(description="评分表")
    org_kind: str = Field(
        description="被考核单位类型：zone（园区自评）或 department（部门年度考核）"
    )
    block: str = Field(description="适用的择一组编号；无则为空字符串")
    year: int = Field(description="年度")
    status: str = Field(description="状态：draft、submitted、returned、accepted")
    status_label: str = Field(description="状态名称")
    version: int = Field(description="自评版本号")
    return_reason: str = Field(description="退回原因")
    totals: TotalsOut = Field(description="总分与小计")
    results: list[ResultOut] = Field(description="各项自评结果")


class ResultUpdateOut(Out):
    result: ResultOut = Field(description="修改后的该项结果")
    version: int = Field(description="该项新的版本号")
    totals: TotalsOut = Field(description="重新计算后的总分")


class AssessmentSummaryOut(AssessmentRow):
    block: str = Field(description="适用的择一组编号；无则为空字符串")


class DepartmentsOut(Out):
    created: list[AssessmentSummaryOut] = Field(description="本次创建的考核")
    existing: list[str] = Field(description="已有该年度考核、未重复创建的部门代码")


class PlanFiguresOut(Out):
    total: int = Field(description="牵头的重点任务数")
    done_on_time: int = Field(description="按时办结")
    done_late: int = Field(description="逾期办结")
    overdue: int = Field(description="逾期未办结")
    missed_reports: int = Field(description="未按时填报的月度进展（次）")


class RankingRowOut(Out):
    rank: int | None = Field(description="名次（一票否决为 null）")
    grade: str = Field(description="等次（按评分表 grades 的门槛）")
    org: CodeName = Field(description="部门")
    assessment_id: int = Field(description="考核编号")
    status: str = Field(description="状态")
    final: Points = Field(description="总分（原始）")
    applicable_max: Points = Field(description="适用项分值合计")
    scaled: Points = Field(description="折算得分（排名依据）")
    disqualified: bool = Field(description="是否一票否决")
    figures: PlanFiguresOut = Field(description="工作方案完成情况")


class FigureOut(Out):
    label: str = Field(description="统计项")
    value: str = Field(description="数值（按页面显示，如 12 件、95.0%、—）")


class ProposalOut(Out):
    value: str = Field(description="建议值")
    field: str = Field(
        description="建议值对应的填报字段：self_score 自评分、value 完成比例或数值、count 次数、cases 起数"
    )
    rule: str = Field(description="建议值的计算规则")


class SourceSummaryOut(Out):
    key: str = Field(description="台账代码（生成佐证材料时使用）")
    title: str = Field(description="台账名称")
    figures: list[FigureOut] = Field(description="本年度统计")
    records: int = Field(description="统计所依据的记录数（佐证材料中逐条列出）")
    missing: list[str] = Field(description="评分项要求而台账中尚缺的内容")
    proposal: ProposalOut | None = Field(description="按台账建议的填报值；评分表无规则时为 null")
    note: str = Field(description="统计口径说明")
    error: str = Field(description="统计无法计算时的原因；可计算时为空字符串")


class SummaryEvidenceOut(Out):
    id: int = Field(description="佐证材料编号")
    name: str = Field(description="文件名（含台账名称与统计截止日期）")
    sm3: str = Field(description="文件内容的 SM3 摘要")
    indicator: str = Field(description="所附评分项的指标编号")
    source: str = Field(description="台账代码")
