"""Small validators for user input (form fields, API bodies): each returns the clean
value or raises RuleError naming the field, with a message for the user (Chinese).

`field` is the input's name, `label` its Chinese name in messages.
"""

from __future__ import annotations

import re
from datetime import date

from fazhi.core.errors import RuleError


def text(value, field: str, label: str, *, limit: int, required: bool = False) -> str:
    """A string, NULs removed and stripped; None counts as empty. At most `limit` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RuleError(field, f"{label}必须是文字")
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise RuleError(field, f"请填写{label}")
    if len(value) > limit:
        raise RuleError(field, f"{label}不能超过 {limit} 字（当前 {len(value)} 字）")
    return value


def parse_date(value, field: str, label: str, required: bool = True) -> date | None:
    """A date, or an ISO date string (YYYY-MM-DD); None and "" are missing."""
    if value in (None, ""):
        if required:
            raise RuleError(field, f"请填写{label}")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RuleError(field, f"{label}格式应为 YYYY-MM-DD") from None


def int_in(value, field: str, label: str, lo: int, hi: int) -> int:
    """An integer from `lo` to `hi`: an int, a whole float or a string of digits; not a bool."""
    if isinstance(value, bool):
        raise RuleError(field, f"{label}必须是整数")
    try:
        n = int(str(value).strip()) if isinstance(value, str) else int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        raise RuleError(field, f"{label}必须是 {lo} 至 {hi} 之间的整数") from None
    if not lo <= n <= hi:
        raise RuleError(field, f"{label}必须在 {lo} 至 {hi} 之间")
    return n


_DIGITS_RE = re.compile(r"^-?[0-9]+$")


def count(value, field: str, label: str, limit: int) -> int:
    """A number of cases or shortfalls: a whole number from 0 to `limit` (an int, a whole
    float or a string of ASCII digits; not a bool)."""
    if isinstance(value, bool) or value is None:
        raise RuleError(field, f"{label}必须是整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise RuleError(field, f"{label}必须是整数")
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not _DIGITS_RE.match(value):  # str.isdigit() also accepts "①" and "²"
            raise RuleError(field, f"{label}必须是整数")
        if len(value.lstrip("-0")) > 6:  # int() refuses very long strings; no need to try
            raise RuleError(
                field, f"{label}不能小于 0" if value.startswith("-") else f"{label}不能超过 {limit}"
            )
        value = int(value)
    if not isinstance(value, int):
        raise RuleError(field, f"{label}必须是整数")
    if value < 0:
        raise RuleError(field, f"{label}不能小于 0")
    if value > limit:
        raise RuleError(field, f"{label}不能超过 {limit}")
    return value


def version(value) -> int:
    """The `version` a client read and now sends back (optimistic locking)."""
    if isinstance(value, bool) or value is None:
        raise RuleError("version", "缺少版本号 version（请刷新页面后重试）")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleError("version", "版本号 version 必须是整数") from None
