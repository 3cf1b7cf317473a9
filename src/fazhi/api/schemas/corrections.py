"""Schemas of the ledgers' corrections: who set the target list, an indicator's fields, a
reported figure, an activity. Each correction carries the version it was read at."""

from __future__ import annotations

from .common import Day, Int, Number, Text, field
from .ledgers import ActivityIn, In


class TargetListIn(In):
    required = ("year", "issuer", "doc_no", "issued_on")
    year: Int = field("年度")
    issuer: Text = field("下达单位代码：本园区所在的市或省")
    doc_no: Text = field("下达文号，如 资科〔2026〕3号")
    issued_on: Day = field("下达日期 YYYY-MM-DD，不晚于今天")
    version: Int = field("版本号（更正已登记的下达信息时必填）")


class TargetEditIn(In):
    required = ("indicator", "unit", "target", "weight", "frequency", "version")
    indicator: Text = field("指标（最长 100 字）")
    unit: Text = field("单位（必填）")
    target: Number = field("目标值，大于 0")
    weight: Number = field("权重，大于 0，不超过 100")
    source: Text = field("数据来源")
    department: Text = field("责任部门代码或名称（本园区的部门；不填为不指定）")
    frequency: Text = field("填报频次：monthly 按月，quarterly 按季度（已有填报时不能修改）")
    version: Int = field("读取时的版本号（乐观锁）")


class ReportCorrectionIn(In):
    required = ("value", "reason", "version")
    value: Number = field("更正后的年初至期末累计完成数，不小于 0")
    note: Text = field("说明")
    reason: Text = field("更正原因")
    version: Int = field("读取时的版本号（乐观锁）")


class ActivityEditIn(ActivityIn):
    required = ("kind", "held_on", "subject", "version")
    version: Int = field("读取时的版本号（乐观锁）")
