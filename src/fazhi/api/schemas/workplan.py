"""Schemas of the work-plan operations: plans, tasks, progress, extensions, notices."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from .common import Codes, Day, DayOrNull, In, Int, IntOrNull, Out, Text, TextOrNull, field

# ---------------------------------------------------------------- requests


class PlanIn(In):
    required = ("zone", "template", "year")
    zone: Text = field("园区代码")
    template: Text = field("工作方案模板代码")
    year: Int = field("年度（2000–2100）")
    report_day: IntOrNull = field("每月填报截止日（1–28）；不填则不要求每月填报")
    title: TextOrNull = field("方案名称；不填则由园区名称、模板名称和年度组成")


class PlanSettingsIn(In):
    required = ("version",)
    version: Int = field("方案当前版本号（乐观锁）")
    yellow_days: Int = field("到期前多少个工作日亮黄灯（0–60）")
    lag_points: Int = field("落后序时进度多少个百分点亮黄灯（0–100）")
    report_day: IntOrNull = field("每月填报截止日（1–28）；null 为不要求")


class TaskFieldsIn(In):
    """创建办对任务可设置的字段，均可不填；只修改所带的字段。"""

    title: Text = field("任务名称（不超过 200 字）")
    text: Text = field("任务内容")
    lead_org: TextOrNull = field("牵头单位代码（本园区的单位）；null 为清除")
    support_orgs: Codes = field("配合单位代码列表")
    responsible: Text = field("责任人（不超过 50 字）")
    start_date: DayOrNull = field("开始时间 YYYY-MM-DD")
    due_date: DayOrNull = field("完成时限 YYYY-MM-DD，不早于开始时间")
    indicators: Codes = field("对应评分项的指标编号列表")


class TaskIn(TaskFieldsIn):
    required = ("version",)
    version: Int = field("任务当前版本号（乐观锁）")


class SubtaskIn(TaskFieldsIn):
    required = ("title",)


class ReportIn(In):
    required = ("percent", "text")
    percent: Int = field("完成进度（百分比，0–100）")
    text: Text = field("进展情况")
    reason: Text = field("进度回退原因（进度低于上次填报时必填）")


class ExtensionIn(In):
    required = ("new_due", "reason")
    new_due: Day = field("申请延期至 YYYY-MM-DD，须晚于现完成时限")
    reason: Text = field("延期理由")


class DecisionIn(In):
    note: Text = field("审批意见")


class MilestoneIn(In):
    required = ("title", "due_date")
    title: Text = field("节点名称")
    due_date: Day = field("节点时间 YYYY-MM-DD，在任务的开始时间与完成时限之间")


class NoticeIn(In):
    required = ("to_org", "text", "reply_due")
    to_org: Text = field("督办对象（本园区单位代码）")
    task: TextOrNull = field("所督办任务的编号（如 一.1）；可不填")
    text: Text = field("督办事项")
    reply_due: Day = field("要求回复日期 YYYY-MM-DD")


class NoticeReplyIn(In):
    required = ("reply",)
    reply: Text = field("回复内容")


# ---------------------------------------------------------------- answers


class LightOut(Out):
    color: str = Field(description="灯色：green 绿灯，yellow 黄灯，red 红灯，done 已办结")
    label: str = Field(description="灯色名称")
    reason: str = Field(description="亮灯原因")
    expected: int | None = Field(description="序时进度（已过工作日占比，百分比）")
    tentative: str = Field(
        description="灯色的暂定说明：期限计入尚未公布节假日安排的年度时，按仅周末休息推算的最早日期并注明原因；精确时为空字符串"
    )


class TaskOut(Out):
    id: int = Field(description="任务编号（系统内部）")
    number: str = Field(description="任务序号（如 一.1）")
    kind: str = Field(description="类型：area 任务领域，task 任务，safeguard 保障措施")
    title: str = Field(description="任务名称")
    text: str = Field(description="任务内容")
    parent: int | None = Field(description="上级任务的内部编号")
    lead_org: str | None = Field(description="牵头单位代码")
    support_orgs: list[str] = Field(description="配合单位代码")
    responsible: str = Field(description="责任人")
    start_date: date | None = Field(description="开始时间")
    due_date: date | None = Field(description="完成时限")
    due_in_force: date | None = Field(description="现行完成时限（含已批准的延期）")
    progress: int = Field(description="完成进度（百分比）")
    done_at: datetime | None = Field(description="办结销号时间")
    version: int = Field(description="任务版本号（修改时原样带回）")
    light: LightOut | None = Field(description="红黄绿灯；无法计算时为 null")


class ReportRow(Out):
    reported_on: date = Field(description="填报日期")
    percent: int = Field(description="完成进度（百分比）")
    text: str = Field(description="进展情况")
    reason: str = Field(description="进度回退原因")


class ExtensionRow(Out):
    id: int = Field(description="延期申请编号")
    requested_on: date = Field(description="申请日期")
    old_due: date = Field(description="原完成时限")
    new_due: date = Field(description="申请延期至")
    reason: str = Field(description="延期理由")
    state: str = Field(description="状态：pending 待审批，approved 已批准，rejected 未批准")


class MilestoneOut(Out):
    id: int = Field(description="节点编号")
    title: str = Field(description="节点名称")
    due_date: date = Field(description="节点时间")
    done_on: date | None = Field(description="完成日期；未完成为 null")


class TaskDetailOut(TaskOut):
    reports: list[ReportRow] = Field(description="进展填报，新的在前")
    extensions: list[ExtensionRow] = Field(description="延期申请")
    indicators: list[str] = Field(description="对应评分项的指标编号")
    milestones: list[MilestoneOut] = Field(description="时间节点")


class PlanOut(Out):
    id: int = Field(description="工作方案编号")
    zone: str = Field(description="园区代码")
    title: str = Field(description="方案名称")
    year: int = Field(description="年度")
    template: str | None = Field(description="所用模板代码")
    yellow_days: int = Field(description="到期前多少个工作日亮黄灯")
    lag_points: int = Field(description="落后序时进度多少个百分点亮黄灯")
    report_day: int | None = Field(description="每月填报截止日")
    version: int = Field(description="方案版本号（修改设置时原样带回）")


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut] = Field(description="本人可见的任务，按任务树顺序")


class ReportOut(Out):
    id: int = Field(description="填报编号")
    reported_on: date = Field(description="填报日期")
    percent: int = Field(description="完成进度（百分比）")
    task: TaskOut = Field(description="填报后的任务")


class ExtensionOut(Out):
    id: int = Field(description="延期申请编号")
    state: str = Field(description="状态：pending 待审批")
    old_due: date = Field(description="原完成时限")
    new_due: date = Field(description="申请延期至")


class ApprovedOut(Out):
    id: int = Field(description="延期申请编号")
    state: str = Field(description="状态：approved 已批准")
    new_due: date = Field(description="新的完成时限")


class RejectedOut(Out):
    id: int = Field(description="延期申请编号")
    state: str = Field(description="状态：rejected 未批准")


class NoticeOut(Out):
    id: int = Field(description="督办单编号（系统内部）")
    number: str = Field(description="督办单文号，如 资高新督〔2025〕1号")
    to_org: str = Field(description="督办对象单位代码")
    task: str | None = Field(description="所督办任务的序号")
    text: str = Field(description="督办事项")
    issued_on: date = Field(description="督办日期")
    reply_due: date = Field(description="要求回复日期")
    reply_text: str = Field(description="回复内容")
    replied_on: date | None = Field(description="回复日期")
    closed_on: date | None = Field(description="办结日期")
    state: str = Field(description="状态：issued 待回复，replied 已回复，closed 已办结")


class NotificationOut(Out):
    id: int = Field(description="提醒编号")
    text: str = Field(description="提醒内容")
    task: int | None = Field(description="相关任务的内部编号")
    url: str = Field(description="去办理的页面地址（站内路径）；无时为空字符串")
    created_at: datetime = Field(description="提醒时间")
    read: bool = Field(description="是否已读")
