"""Schemas of 层级监督 in the enforcement API: inspection plans with their findings, and the
filing review (备案审查) of reported decisions (major penalty decisions, reconsideration
decisions)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .common import Day, In, Int, Out, Text, field


class InspectionIn(In):
    required = ("title", "kind", "year")
    title: Text = field("检查名称，最长 200 字")
    kind: Text = field("检查类型：periodic 定期检查、special 专项检查")
    year: Int = field("年度（2000 至 2100）")
    scope: Text = field("检查范围与内容，最长 2000 字")


class FindingIn(In):
    required = ("department", "text", "due_on", "task")
    department: Text = field("整改部门代码（本园区的部门）")
    text: Text = field("发现的问题，最长 2000 字")
    due_on: Day = field("整改期限 YYYY-MM-DD，晚于今天")
    task: Text = field("工作方案中未办结任务的编号（如 三.2），整改任务列为其子任务督办")


class FilingReviewIn(In):
    required = ("result",)
    result: Text = field("审查结论：approved 审查通过、corrected 责令纠正")
    opinion: Text = field("审查意见（责令纠正时必填），最长 2000 字")


class FindingOut(Out):
    id: int = Field(description="问题编号")
    department: str = Field(description="整改部门")
    department_code: str = Field(description="整改部门代码")
    text: str = Field(description="发现的问题")
    due_on: date = Field(description="整改期限")
    task: str = Field(description="工作方案中的整改任务编号")
    task_done: bool = Field(description="整改任务已办结")


class InspectionOut(Out):
    id: int = Field(description="检查编号")
    zone: str = Field(description="园区代码")
    title: str = Field(description="检查名称")
    kind: str = Field(description="检查类型代码：periodic、special")
    kind_label: str = Field(description="检查类型")
    year: int = Field(description="年度")
    scope: str = Field(description="检查范围与内容")
    findings: int = Field(description="发现的问题数")


class InspectionDetailOut(InspectionOut):
    items: list[FindingOut] = Field(description="发现的问题及其整改任务")
    can_add_finding: bool = Field(description="本人可以登记问题（本园区创建办）")


class FilingOut(Out):
    kind: str = Field(
        description="决定类型：enforcement 重大行政处罚决定、reconsideration 行政复议决定"
    )
    id: int = Field(description="案件编号（系统内部）")
    number: str = Field(description="案号")
    zone: str = Field(description="园区代码")
    decided_on: date | None = Field(description="决定日期")
    reported_on: date | None = Field(description="报送备案日期")
    result: str = Field(description="审查结论代码；未审查为空")
    result_label: str = Field(description="审查结论")
    opinion: str = Field(description="审查意见")
    reviewed_on: date | None = Field(description="审查日期")
    may_review: bool = Field(description="本人可以审查（上级机关，尚未审查）")
