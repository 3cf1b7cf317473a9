"""The complaint and disclosure registers as evidence sources of the self-assessment:
item 8 (依申请公开) and items 11, 12 (投诉举报)."""

from __future__ import annotations

from datetime import date
from functools import partial

from fazhi.assessments.sources import Source
from fazhi.core.summary import Figure, Summary
from fazhi.workdays.selectors import get_calendar

from . import states
from .selectors import register_figures

FIGURES = (
    ("received", "收到件数", ""),
    ("replied", "已答复件数", ""),
    ("replied_on_time", "按期答复件数", ""),
    ("on_time_rate", "按期答复率", "%"),
    ("overdue", "逾期件数（逾期答复及逾期未答复）", ""),
    ("open", "尚在办理件数", ""),
    ("average_days_to_reply", "平均答复用时（自然日）", ""),
    ("average_workdays_to_reply", "平均答复用时（工作日）", ""),
)
HEADERS = ("受理编号", "收到日期", "收到渠道", "状态", "答复期限", "答复日期", "按期答复")
NOTE = "期限按《政府信息公开条例》及投诉举报办理规则由系统依办理记录计算"


def _summary(kind: str, zone, year: int, as_of: date, records: bool = True) -> Summary:
    f = register_figures(zone, year, get_calendar(), as_of, kinds=(kind,), records=records)[kind]
    return Summary(
        title=states.KINDS[kind],
        figures=tuple(Figure(label, f[key], unit) for key, label, unit in FIGURES),
        headers=HEADERS,
        rows=tuple(f["rows"]),
        note=NOTE,
    )


def summarise_disclosure(zone, year: int, as_of: date) -> Summary:
    return _summary(states.DISCLOSURE, zone, year, as_of)


def summarise_complaints(zone, year: int, as_of: date) -> Summary:
    return _summary(states.COMPLAINT, zone, year, as_of)


SOURCES = (
    Source(
        "disclosure",
        "依申请公开",
        frozenset({"8"}),
        summarise_disclosure,
        figures=partial(_summary, states.DISCLOSURE, records=False),
    ),
    Source(
        "complaints",
        "投诉举报",
        frozenset({"11", "12"}),
        summarise_complaints,
        figures=partial(_summary, states.COMPLAINT, records=False),
    ),
)
