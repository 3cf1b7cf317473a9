"""Typed request and response schemas of the assessment API (the contract)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

Points = str | None  # points as a person writes them: "5", "4.5", "-1"


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")
    field: str | None = Field(None, description="出错的字段名")


ERRORS = dict.fromkeys((401, 403, 404, 409, 422), ErrorOut)


class AssessmentIn(Schema):
    zone: str = Field(description="被考核单位代码（园区或部门）")
    framework: str = Field(description="评分表代码")
    version: int | None = Field(None, description="评分表版本，省略为最新版")
    year: int = Field(description="年度")
    block: str | None = Field(
        None, description="择一适用组（choose: one）中适用的下属组编号；省略时按该组的 org 自动选择"
    )


class ResultIn(Schema):
    """Loosely typed on purpose: the rules give the Chinese message naming the field and limit."""

    model_config = ConfigDict(extra="allow")
    version: Any = Field(None, description="结果的当前版本号（乐观锁）")
    note: Any = Field(None, description="自评说明")
    self_score: Any = Field(None, description="自评分（无计分规则的评分项）")
    count: Any = Field(None, description="次数（per_shortfall 规则的输入，非负整数）")
    value: Any = Field(
        None, description="数值（tiers 规则的输入；proportional 为 0–100 的完成比例）"
    )
    not_applicable: Any = Field(
        None, description="是否不适用（仅 optional 项），true 时须附 reason"
    )
    override_score: Any = Field(None, description="创建办调整后的得分，须附 reason；空值撤销调整")
    cases: Any = Field(None, description="起数（加分项、扣分项）")
    points: Any = Field(None, description="创建办设定的分值（评分表未规定时）")
    raised: Any = Field(None, description="是否发生该情形（一票否决项）")
    reason: Any = Field(None, description="情形说明、不适用理由或调整理由")


class GroupTotalOut(Schema):
    code: str = Field(description="一级指标组编号")
    title: str = Field(description="名称")
    max_points: Points = Field(description="下属评分项分值合计")
    declared_max: Points = Field(description="标注分值")
    scored: Points = Field(description="得分")
    items_total: int = Field(description="评分项数")
    items_done: int = Field(description="已填项数（含不适用）")
    bonus: Points = Field(description="加分")
    deduction: Points = Field(description="扣分")
    applicable_max: Points = Field(description="适用项分值合计（不含不适用项）")


class TotalsOut(Schema):
    scored: Points = Field(description="评分项得分合计")
    scored_max: Points = Field(description="评分项分值合计")
    bonus: Points = Field(description="加分")
    deduction: Points = Field(description="扣分")
    final: Points = Field(description="最终得分（原始）")
    disqualified: bool = Field(description="是否存在一票否决情形")
    vetoes: list[str] = Field(description="触发的一票否决项编号")
    unset: list[str] = Field(description="分值未设定、暂不计分的附加项编号")
    items_total: int = Field(description="评分项数")
    items_done: int = Field(description="已填项数（含不适用）")
    applicable_max: Points = Field(description="适用项分值合计（不含不适用项）")
    scaled: Points = Field(description="按比例折算得分 = 最终得分 × 分值合计 / 适用项分值合计")
    not_applicable: list[str] = Field(description="标为不适用的指标编号")
    groups: list[GroupTotalOut] = Field(description="各一级指标组合计")


class EvidenceOut(Schema):
    id: int
    name: str = Field(description="文件名")
    sm3: str = Field(description="SM3 摘要")
    size: int = Field(description="字节数")
    url: str = Field(description="下载地址")


class InputOut(Schema):
    self_score: Points = Field(None, description="自评分")
    count: int | None = Field(None, description="次数")
    value: Points = Field(None, description="数值")


class OverrideOut(Schema):
    score: Points = Field(description="调整后得分")
    reason: str = Field(description="调整理由")


class ResultOut(Schema):
    indicator_code: str = Field(description="指标编号（唯一）")
    label: str = Field(description="印制序号（未标注时同编号）")
    kind: str = Field(description="scored、bonus、deduction、veto 或 group（可不适用的指标组）")
    title: str = Field(description="指标内容")
    max_points: Points = Field(description="分值")
    min_points: Points = Field(description="最低分（负数表示倒扣）")
    rule: dict | None = Field(description="计分规则（per_shortfall、tiers 或 proportional）")
    rule_text: str = Field(description="计分规则的文字说明")
    optional: bool = Field(description="可否标为不适用")
    input: InputOut = Field(description="填报的输入：count、value 或 self_score")
    computed_score: Points = Field(description="按规则或自评分计算的得分（调整前）")
    override: OverrideOut | None = Field(description="创建办的调整（无调整为 null）")
    not_applicable: bool = Field(description="是否不适用")
    not_applicable_reason: str = Field(description="不适用理由")
    self_score: Points = Field(description="自评分")
    cases: int = Field(description="起数")
    raised: bool = Field(description="一票否决情形是否发生")
    reason: str = Field(description="情形说明")
    points: Points = Field(description="创建办设定的分值")
    note: str = Field(description="自评说明")
    version: int = Field(description="版本号")
    evidence: list[EvidenceOut] = Field(description="佐证材料")


class OrgRef(Schema):
    code: str
    name: str


class FrameworkRef(Schema):
    code: str
    version: int
    title: str


class AssessmentOut(Schema):
    id: int
    zone: OrgRef = Field(description="被考核单位")
    framework: FrameworkRef = Field(description="评分表")
    org_kind: str = Field(
        description="被考核单位类型：zone（园区自评）或 department（部门年度考核）"
    )
    block: str = Field(description="适用的择一组编号（无则为空）")
    year: int = Field(description="年度")
    status: str = Field(description="状态")
    status_label: str = Field(description="状态（中文）")
    version: int = Field(description="版本号")
    return_reason: str = Field(description="退回原因")
    totals: TotalsOut = Field(description="合计")
    results: list[ResultOut] = Field(description="各项结果")


class ResultUpdateOut(Schema):
    result: ResultOut
    version: int = Field(description="结果的新版本号")
    totals: TotalsOut


class DepartmentsIn(Schema):
    framework: str = Field(description="部门考核评分表代码")
    version: int | None = Field(None, description="评分表版本，省略为最新版")
    year: int = Field(description="年度")
    orgs: list[str] | None = Field(None, description="部门代码；省略为本园区全部部门")


class AssessmentSummaryOut(Schema):
    id: int
    zone: str = Field(description="被考核单位代码")
    framework: str = Field(description="评分表代码")
    version: int = Field(description="评分表版本")
    year: int = Field(description="年度")
    block: str = Field(description="适用的择一组编号")
    status: str = Field(description="状态")


class DepartmentsOut(Schema):
    created: list[AssessmentSummaryOut] = Field(description="本次创建的考核")
    existing: list[str] = Field(description="已有该年度考核、未重复创建的部门")


class FiguresOut(Schema):
    total: int = Field(description="牵头的重点任务数")
    done_on_time: int = Field(description="按时办结")
    done_late: int = Field(description="逾期办结")
    overdue: int = Field(description="逾期未办结")
    missed_reports: int = Field(description="未按时填报的月度进展（次）")


class RankingRowOut(Schema):
    rank: int | None = Field(description="名次（一票否决为 null）")
    grade: str = Field(description="等次（按评分表 grades 的门槛）")
    org: OrgRef = Field(description="部门")
    assessment_id: int
    status: str = Field(description="状态")
    final: Points = Field(description="最终得分（原始）")
    applicable_max: Points = Field(description="适用项分值合计")
    scaled: Points = Field(description="折算得分（排名依据）")
    disqualified: bool = Field(description="是否一票否决")
    figures: FiguresOut = Field(description="工作方案完成情况")
