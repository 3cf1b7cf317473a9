"""Schemas of the scoring-table and self-assessment operations."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from .common import Flag, In, Int, Out, Text, TextOrNull, field

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
    children: list[IndicatorOut] = Field(description="下级指标")


class FrameworkOut(FrameworkSummary):
    indicators: list[IndicatorOut] = Field(description="指标树")


# ---------------------------------------------------------------- self-assessment


class AssessmentIn(Schema):
    zone: str = Field(description="园区代码")
    framework: str = Field(description="评分表代码")
    version: int | None = Field(None, description="评分表版本号；不填则用最新版本")
    year: int = Field(description="年度")


class ResultIn(In):
    """按指标类别填写：评分项填 self_score；加分项、扣分项填 cases（表上分值为“——”的由创建办填 points）；
    一票否决项填 raised（触发时并填 reason）。其他字段会被拒绝。"""

    required = ("version",)
    version: Int = field("该项当前版本号（乐观锁：读取时的 version，已被他人修改则 409）")
    note: Text = field("自评说明")
    self_score: TextOrNull = field('自评分（评分项），数字文本如 "4.5"，0 至分值之间；null 为清除')
    cases: Int = field("起数（加分项、扣分项）")
    points: TextOrNull = field("创建办设定的分值（表上为“——”的加分项、扣分项），数字文本")
    raised: Flag = field("是否触发（一票否决项）")
    reason: Text = field("情形说明（一票否决项触发时必填）")


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
    items_done: int = Field(description="已填写自评分的评分项数")
    groups: list[GroupTotalOut] = Field(description="按一级指标的小计")


class EvidenceOut(Out):
    id: int = Field(description="佐证材料编号")
    name: str = Field(description="文件名")
    sm3: str = Field(description="文件内容的 SM3 摘要（十六进制）")
    size: int = Field(description="文件大小（字节）")
    url: str = Field(description="下载地址（网页登录后可用）")


class ResultOut(Out):
    indicator_code: str = Field(description="指标编号")
    kind: str = Field(description="类别：scored、bonus、deduction、veto")
    title: str = Field(description="指标内容")
    max_points: Points = Field(description="分值")
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
    zone: CodeName = Field(description="园区")
    framework: FrameworkRef = Field(description="评分表")
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
