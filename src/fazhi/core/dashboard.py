"""Figures of the leader's dashboard (领导驾驶舱) from plain rows: no Django, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import lights

# Columns of the lights-by-department table, in the order a leader reads them.
LIGHT_COLUMNS = (lights.RED, lights.YELLOW, lights.GREEN, lights.DONE, "unknown", "none")
LIGHT_LABELS = {**lights.LABELS, "unknown": "无法计算", "none": "未定时限"}
SEVERITY = {
    lights.RED: 0,
    lights.YELLOW: 1,
    "unknown": 2,
    lights.GREEN: 3,
    "none": 4,
    lights.DONE: 5,
}


@dataclass
class DepartmentLights:
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIGHT_COLUMNS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def color_of(light) -> str:
    """The column a task's light falls in ("none": no due date set)."""
    if light is None:
        return "none"
    return light.color if light.color in LIGHT_COLUMNS else "unknown"


def lights_by_department(rows: Iterable[tuple[str | None, object]]) -> list[DepartmentLights]:
    """(lead org name or None, light) per leaf task → one row per department, the most red
    first; tasks without a lead org are counted under 未分配."""
    by_name: dict[str, DepartmentLights] = {}
    for name, light in rows:
        key = name or "未分配"
        row = by_name.setdefault(key, DepartmentLights(key))
        row.counts[color_of(light)] += 1
    return sorted(
        by_name.values(),
        key=lambda d: (-d.counts[lights.RED], -d.counts[lights.YELLOW], d.name),
    )


@dataclass(frozen=True)
class YearFigures:
    received: int = 0
    open: int = 0
    overdue: int = 0
    replied_late: int = 0


def register_figures(
    rows: Iterable[tuple[str, str, int, int, int]], open_states: frozenset[str]
) -> dict[str, YearFigures]:
    """(kind, state, count, overdue, replied late) grouped rows → figures per kind."""
    acc: dict[str, list[int]] = {}
    for kind, state, n, overdue, late in rows:
        a = acc.setdefault(kind, [0, 0, 0, 0])
        a[0] += n
        a[1] += n if state in open_states else 0
        a[2] += overdue
        a[3] += late
    return {k: YearFigures(*v) for k, v in acc.items()}
