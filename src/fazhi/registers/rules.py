"""Deadline rule sets as data: rules/*.yaml checked by core.deadlines.load_rules_file and kept,
one row per (kind, version), in RuleSetVersion. A case keeps the version it was received
under, so a new version of the rules never moves the deadlines of cases already running."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from django.db import transaction

from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core import steps
from fazhi.core.errors import FileRefused, RuleError
from fazhi.core.yamldoc import sm3_json

from .models import RuleSetVersion
from .states import HANDLER_NAMES, flow_of, rules_dir

__all__ = ["RulesRefused", "describe", "load_rules", "load_shipped", "parse", "rules_dir"]

_lock = threading.Lock()
_cache: dict[int, tuple[str, dl.RuleSet]] = {}


class RulesRefused(FileRefused):
    """A deadline-rules file that cannot be loaded."""


def to_content(ruleset: dl.RuleSet) -> dict:
    content = dataclasses.asdict(ruleset)
    if content["hearing"] is None:  # the content (and digest) of files without the section
        del content["hearing"]
    return content


def _step(d: dict) -> steps.Step:
    d = dict(d)
    d["sources"] = tuple(d.get("sources") or ())
    for key in ("requires", "barred_after", "refusals"):
        d[key] = tuple(tuple(pair) for pair in d.get(key) or ())
    known = {f.name for f in dataclasses.fields(steps.Step)}
    return steps.Step(**{k: v for k, v in d.items() if k in known})


def from_content(content: dict) -> dl.RuleSet:
    """The RuleSet of stored content (to_content); a version loaded before steps were declared
    has none (states.flow_of then uses the catalogue's)."""
    periods = []
    for p in content.get("periods", []):
        p = dict(p)
        for key in ("restarts_on", "pauses_on", "resumes_on", "ends_on"):
            p[key] = tuple(p.get(key) or ())
        known = {f.name for f in dataclasses.fields(dl.Period)}
        periods.append(dl.Period(**{k: v for k, v in p.items() if k in known}))
    return dl.RuleSet(
        kind=content["kind"],
        title=content.get("title", ""),
        version=int(content["version"]),
        periods=tuple(periods),
        roll_over_basis=content.get("roll_over_basis", ""),
        states=tuple(steps.State(**st) for st in content.get("states") or ()),
        steps=tuple(_step(st) for st in content.get("steps") or ()),
        hearing=content.get("hearing"),
    )


def ruleset_of(row: RuleSetVersion | int) -> dl.RuleSet:
    """The RuleSet of a stored version (cached per process; a row never changes once loaded)."""
    pk = row if isinstance(row, int) else row.pk
    hit = _cache.get(pk)
    if hit is None:
        if isinstance(row, int):
            row = RuleSetVersion.objects.get(pk=pk)
        ruleset = from_content(row.content)
        with _lock:
            _cache[pk] = (row.digest, ruleset)
        return ruleset
    return hit[1]


def forget(sender=None, instance=None, **kwargs) -> None:
    """Drop a version from the cache when its row is saved (post_save): a row's id can be
    taken again after a rollback (a test database), and must not meet an old entry."""
    if instance is not None:
        with _lock:
            _cache.pop(instance.pk, None)


def current(kind: str) -> RuleSetVersion:
    """The newest loaded version for a kind; RuleError when none is loaded."""
    row = RuleSetVersion.objects.filter(kind=kind).order_by("-version").first()
    if row is None:
        raise RuleError(
            "rules",
            f"尚未载入{dl.RULE_KINDS.get(kind, kind)}的期限规则（请执行 fazhi rules load）",
        )
    return row


def parse(path: str | Path) -> tuple[dl.RuleSet | None, list[str]]:
    """A rule file checked as the register takes it: a step's handler must be one it has."""
    return dl.load_rules_file(path, HANDLER_NAMES)


def load_rules(path: str | Path, actor=None) -> tuple[RuleSetVersion, bool]:
    """Load one rule file. Same version and content again: no change (created False).
    Same version, other content: refused (a loaded version is never changed)."""
    ruleset, errors = parse(path)
    if errors or ruleset is None:
        raise RulesRefused(list(errors) or [f"{path}: 无法读取期限规则"])
    content = to_content(ruleset)
    digest = sm3_json(content)
    text = Path(path).read_text(encoding="utf-8")
    with transaction.atomic():
        existing = RuleSetVersion.objects.filter(kind=ruleset.kind, version=ruleset.version).first()
        if existing:
            if existing.digest == digest:
                return existing, False
            raise RulesRefused(
                [
                    f"{path}: 期限规则 {ruleset.kind} 第 {ruleset.version} 版已载入且内容不同：已载入的版本不能修改，请把 version 改为新的版本号"
                ]
            )
        row = RuleSetVersion.objects.create(
            kind=ruleset.kind,
            version=ruleset.version,
            title=ruleset.title,
            content=content,
            digest=digest,
            source_text=text,
            source_path=str(path)[:500],
        )
        record(
            actor,
            "rules.load",
            row,
            after={"kind": row.kind, "version": row.version, "digest": digest},
        )
    return row, True


def load_shipped(
    directory: str | Path | None = None, actor=None
) -> list[tuple[RuleSetVersion, bool]]:
    """Every rules/*.yaml, in name order. Stops at the first file refused."""
    folder = Path(directory) if directory else rules_dir()
    return [load_rules(p, actor) for p in sorted(folder.glob("*.yaml"))]


def describe(row: RuleSetVersion) -> list[str]:
    """The periods of a version in words, one a line (for `fazhi rules show`)."""
    ruleset = ruleset_of(row)
    unit = {dl.WORKDAYS: "个工作日", dl.DAYS: "日"}
    lines = [
        f"{row.title}（{row.kind}，第 {row.version} 版，SM3 {row.digest[:16]}…，载入于 {row.loaded_at:%Y-%m-%d %H:%M}）"
    ]
    for p in ruleset.periods:
        parts = [f"{p.code}\t{p.name}：{p.length}{unit.get(p.unit, p.unit)}，自“{p.starts_on}”起算"]
        if p.restarts_on:
            parts.append(f"“{'、'.join(p.restarts_on)}”时重新起算")
        if p.pauses_on:
            parts.append(f"“{'、'.join(p.pauses_on)}”时中止，“{'、'.join(p.resumes_on)}”时恢复")
        if p.ends_on:
            parts.append(f"遇“{'、'.join(p.ends_on)}”即告完成")
        if p.extension_max:
            parts.append(extension_text(p))
        if p.pause_cap:
            parts.append(f"中止至多到“{p.pause_cap}”期限届满")
        if not getattr(p, "duty", True):
            parts.append("可选行为的时限：届满未作出不算逾期")
        if p.basis:
            parts.append(f"依据 {p.basis}")
        lines.append("；".join(parts))
    if ruleset.roll_over_basis:
        lines.append(
            f"期限最后一日不是工作日的顺延至其后第一个工作日，依据 {ruleset.roll_over_basis}"
        )
    flow = flow_of(ruleset.kind, ruleset)
    names = steps.state_labels(flow.states)
    if not ruleset.steps:
        lines.append("（本版本未声明办理流程，按规则目录中的文件办理）")
    for st in flow.steps:
        target = names.get(st.target, st.target) if st.target else "状态不变"
        who = "仅创建办" if st.office_only else "创建办或承办部门"
        lines.append(
            f"{st.code}\t{st.name}：{'、'.join(names.get(c, c) for c in st.sources)} → {target}；{who}"
            + (f"；处理程序 {st.handler}" if st.handler else "")
        )
    return lines


def page(kind: str) -> dict | None:
    """The current rule set of a kind for the rules page: periods in words with their basis."""
    row = RuleSetVersion.objects.filter(kind=kind).order_by("-version").first()
    if row is None:
        return None
    ruleset = ruleset_of(row)
    label = steps.event_labels(ruleset.steps) if ruleset.steps else dl.EVENT_KINDS
    names = {p.code: p.name for p in ruleset.periods}
    flow = flow_of(kind, ruleset)
    state_name = steps.state_labels(flow.states)
    return {
        "row": row,
        "steps": [
            {
                "name": st.name,
                "from": "、".join(state_name.get(c, c) for c in st.sources),
                "to": state_name.get(st.target, st.target) if st.target else "不变",
                "who": "创建办" if st.office_only else "创建办或承办部门",
            }
            for st in flow.steps
        ],
        "roll_over_basis": ruleset.roll_over_basis,
        "has_days": any(p.unit == dl.DAYS for p in ruleset.periods),
        "periods": [
            {
                "name": p.name,
                "length": f"{p.length} {dl.UNITS.get(p.unit, p.unit)}",
                "starts_on": label.get(p.starts_on, p.starts_on),
                "restarts_on": "、".join(label.get(k, k) for k in p.restarts_on),
                "pauses_on": "、".join(label.get(k, k) for k in p.pauses_on),
                "resumes_on": "、".join(label.get(k, k) for k in p.resumes_on),
                "pause_cap": names.get(p.pause_cap, ""),
                "ends_on": "、".join(label.get(k, k) for k in p.ends_on),
                "extension": extension_text(p) if p.extension_max else "不得延长",
                "duty": p.duty,
                "basis": p.basis,
            }
            for p in ruleset.periods
        ],
    }


def extension_text(p: dl.Period) -> str:
    """How a period may be extended, in words (the total is the legal limit, 第三十三条)."""
    amount = f"{p.extension_max} {dl.UNITS.get(p.unit, p.unit)}"
    if p.extensions_allowed:
        return f"可延长 {p.extensions_allowed} 次，合计不超过 {amount}"
    return f"可延长，合计不超过 {amount}"
