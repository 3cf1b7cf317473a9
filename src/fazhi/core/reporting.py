"""Periodic progress reports (进度填报): which month's report is missing."""

from __future__ import annotations

from datetime import date


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_deadline(today: date, report_day: int) -> date:
    """The most recent report deadline strictly before `today` (day `report_day` of a month)."""
    if today.day > report_day:
        return date(today.year, today.month, report_day)
    y, m = _month_before(today.year, today.month)
    return date(y, m, report_day)


def missing_period(
    today: date, report_day: int | None, start: date | None, reports: list[date]
) -> date | None:
    """The deadline of a monthly report that is missing as of `today`, or None.

    Each month's report is due by day `report_day`; it covers the days after the
    previous month's deadline. A task that started inside that window owes its first
    report at the next deadline.
    """
    if not report_day:
        return None
    deadline = last_deadline(today, report_day)
    y, m = _month_before(deadline.year, deadline.month)
    window_start = date(y, m, report_day)
    if start is not None and start > window_start:
        return None
    if any(window_start < d <= deadline for d in reports):
        return None
    return deadline
