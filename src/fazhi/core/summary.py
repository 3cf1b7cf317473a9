"""What a register shows beside a scoring item: its figures for the year, the records behind
them, what the item asks for and is missing, and a proposed score where the table gives a rule.

One shape for every register, so the scoring page, the evidence file (.xlsx) and the audit entry
are written once (`fazhi.assessments.sources`) and each register only says what it counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    label: str  # 按期报备率
    value: object  # int, Decimal, float (a rate in 0..1 when unit == "%"), str, or None for "—"
    unit: str = ""  # 件 / 次 / 人 / 万元 / %

    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "%":
            return f"{float(self.value) * 100:.1f}%"
        return f"{self.value}{self.unit and ' ' + self.unit}"


@dataclass(frozen=True)
class Proposal:
    """A proposed value for the item's input and the rule behind it, in words a reviewer can
    check by hand. `field` names the input: self_score (a plain item), value (the completion
    percentage or figure of an item scored by rule), count (times fallen short) or cases (a
    bonus or deduction item counted per case)."""

    value: Decimal
    rule: str
    field: str = "self_score"


@dataclass(frozen=True)
class Summary:
    title: str  # 重大行政决策
    figures: tuple[Figure, ...]
    headers: tuple[str, ...] = ()  # columns of the record list in the evidence file
    rows: tuple[tuple, ...] = ()  # the records behind the figures
    missing: tuple[str, ...] = ()  # what the item asks and the register lacks, named
    proposal: Proposal | None = None
    note: str = ""  # how the figures were counted (basis, period rules), printed in the file
    error: str = ""  # the figures cannot be computed (e.g. a calendar year missing)
    extra: dict = field(default_factory=dict)  # for the audit entry only

    def stamp(self) -> dict:
        """The figures as the audit entry keeps them (label → value as shown)."""
        return {f.label: f.shown() for f in self.figures}
