"""Load scoring tables into the database and read them back as core trees."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.db import transaction

from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core.errors import FileRefused, RuleError
from fazhi.core.rules import Rule

from .models import Framework, Indicator
from .schema import ParsedFramework, parse_file, parse_framework


class FrameworkRefused(FileRefused):
    """A scoring-table file that cannot be loaded."""


def load_file(path: str | Path, actor=None, name: str | None = None) -> tuple[Framework, bool]:
    """Load a framework file. Returns (framework, created). Same content again: no change.
    `name` is how messages (and the stored warnings) call the file; the path by default."""
    parsed = parse_file(path)
    if parsed.errors:
        raise FrameworkRefused(parsed.errors)
    text = Path(path).read_text(encoding="utf-8")
    if name:
        parsed = parse_framework(text, name)
    return load_parsed(parsed, text, actor)


@transaction.atomic
def load_parsed(parsed: ParsedFramework, source_text: str, actor=None) -> tuple[Framework, bool]:
    existing = Framework.objects.filter(code=parsed.code, version=parsed.version).first()
    if existing:
        if existing.digest == parsed.digest and existing.purpose == parsed.purpose:
            return existing, False
        raise FrameworkRefused(
            [
                f"评分表 {parsed.code} 第 {parsed.version} 版已存在且内容不同：已载入的版本不能修改，请把 version 改为新的版本号"
            ]
        )
    framework = Framework.objects.create(
        code=parsed.code,
        version=parsed.version,
        title=parsed.title,
        issuer=parsed.issuer or "",
        source=parsed.source or "",
        declared_total=parsed.declared_total,
        computed_total=fw.scored_max(parsed.indicators),
        grades=[{"name": n, "min": str(m)} for n, m in parsed.grades],
        purpose=parsed.purpose,
        warnings=list(parsed.warnings),
        digest=parsed.digest,
        source_text=source_text,
    )
    position = 0

    def add(ind: fw.Indicator, parent_row: Indicator | None, level: int):
        nonlocal position
        position += 1
        row = Indicator(
            framework=framework,
            parent=parent_row,
            code=ind.code,
            title=ind.title,
            kind=ind.kind,
            level=level,
            position=position,
            max_points=ind.max_points,
            points=ind.points,
            points_per_case=ind.points_per_case,
            unit_declared=ind.unit_declared or "",
            cap=ind.cap,
            declared_max=ind.declared_max,
            evidence=ind.evidence or "",
            label=ind.label,
            min_points=ind.min_points,
            rule=ind.rule.to_dict() if ind.rule else None,
            optional=ind.optional,
            choose=ind.choose,
            org=ind.org,
        )
        row.save()  # parents first: children need the parent's id
        for child in ind.children:
            add(child, row, level + 1)

    for ind in parsed.indicators:
        add(ind, None, 1)
    record(
        actor,
        "framework.load",
        framework,
        after={
            "code": parsed.code,
            "version": parsed.version,
            "digest": parsed.digest,
            "purpose": parsed.purpose,
        },
    )
    return framework, True


def assessment_tables():
    """The tables a self-assessment (a zone's, a department's annual sheet, a review
    campaign's) may use: not the file-review tables."""
    return Framework.objects.filter(purpose=fw.ASSESSMENT)


def assessment_table(code: str, version: int | None = None) -> Framework:
    """The self-assessment table `code` (the given version, or the newest); RuleError on
    "framework" when there is none or when it is a table of another purpose (案卷评查表)."""
    found = find(code, version)
    if found is None:
        raise RuleError(
            "framework", f"评分表 {code}{'' if not version else f' 第 {version} 版'}不存在"
        )
    if found.purpose != fw.ASSESSMENT:
        raise RuleError(
            "framework",
            f"评分表 {code}（{found.title}）是{fw.PURPOSES[found.purpose]}，不能用于自查评分",
        )
    return found


def find(code: str, version: int | None = None) -> Framework | None:
    """A framework by code: the given version, or the newest."""
    qs = Framework.objects.filter(code=code)
    return (qs.filter(version=version) if version else qs.order_by("-version")).first()


def load_shipped(directory: Path, actor=None) -> list[tuple[Framework, bool]]:
    """The frameworks shipped in frameworks/; warnings name them as frameworks/FILE."""
    return [
        load_file(p, actor, f"frameworks/{p.name}") for p in sorted(Path(directory).glob("*.yaml"))
    ]


def tree(framework: Framework) -> tuple[fw.Indicator, ...]:
    """The framework as a core tree. Cached per process: a loaded version never changes
    (the key carries the content digest, so a reused id can never serve stale rows)."""
    return _tree(framework.pk, framework.digest)


@lru_cache(maxsize=64)
def _tree(framework_id: int, digest: str) -> tuple[fw.Indicator, ...]:
    rows = list(Indicator.objects.filter(framework_id=framework_id).order_by("position"))
    children: dict[int | None, list[Indicator]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)

    def build(r: Indicator) -> fw.Indicator:
        return fw.Indicator(
            code=r.code,
            title=r.title,
            kind=r.kind,
            max_points=r.max_points,
            points=r.points,
            points_per_case=r.points_per_case,
            unit_declared=r.unit_declared or None,
            cap=r.cap,
            declared_max=r.declared_max,
            evidence=r.evidence,
            label=r.label,
            min_points=r.min_points + 0,
            rule=Rule.from_dict(r.rule),
            optional=r.optional,
            choose=r.choose,
            org=r.org,
            children=tuple(build(c) for c in children.get(r.pk, [])),
        )

    return tuple(build(r) for r in children.get(None, []))


def indicator_ids(framework: Framework) -> dict[str, int]:
    return _indicator_ids(framework.pk, framework.digest)


@lru_cache(maxsize=64)
def _indicator_ids(framework_id: int, digest: str) -> dict[str, int]:
    return dict(Indicator.objects.filter(framework_id=framework_id).values_list("code", "id"))
