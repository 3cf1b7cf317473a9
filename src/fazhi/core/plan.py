"""A work-plan template (工作方案) as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TemplateTask:
    """One numbered unit of the plan: an area (一、…), a task (1. …) or a safeguard.

    `lead` and `support` are org codes (optional in a template: the office assigns them
    when it splits the plan); `indicators` are scoring-table item codes the task gives
    evidence for.
    """

    number: str
    title: str
    text: str = ""
    kind: str = "task"  # "area" | "task" | "safeguard"
    lead: str | None = None
    support: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    children: tuple[TemplateTask, ...] = field(default_factory=tuple)
    line: int = 0
