"""Use cases of the self-assessment. One transaction each, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core import validate
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.scoring import Totals, parse_cases, parse_points
from fazhi.core.submission import missing_message
from fazhi.frameworks.services import assessment_table, indicator_ids, tree
from fazhi.orgs.access import can_edit_assessment, can_override, can_review_assessment, in_scope
from fazhi.orgs.models import Org, Role
from fazhi.workplan import handovers

from . import evidence as evidence_store
from .inputs import GROUP_FIELDS, SCORED_FIELDS, group_changes, scored_changes
from .models import Assessment, Evidence, Result
from .selectors import check_of, entries_of, get_assessment, items_by_code, totals_of

MAX_TEXT = 2000
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RuleError("year", "年度必须是四位数字年份") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleError("year", f"年度须在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


def framework_of(framework_code: str, version: int | None):
    return assessment_table(framework_code, version)


def choose_block(indicators, org: Org, block: str | None) -> str:
    """The alternative of the table's `choose: one` group that applies to `org`: the one
    named, else the one whose `org:` is the org's code. "" when the table has none."""
    groups = fw.choose_groups(indicators)
    if not groups:
        if block:
            raise RuleError("block", "该评分表没有择一适用的指标组（choose: one），不能指定 block")
        return ""
    options = {c.code: c for c in groups[0].children}
    listed = "、".join(options)
    if block:
        if str(block) not in options:
            raise RuleError(
                "block", f"block「{block}」不是指标组 {groups[0].code} 的下属组（可选：{listed}）"
            )
        return str(block)
    for code, child in options.items():
        if child.org and child.org == org.code:
            return code
    raise RuleError(
        "block",
        f"请指定 block：{org.name} 适用指标组 {groups[0].code} 中的哪一组（可选：{listed}）",
    )


ASSESSED_KINDS = (Org.Kind.ZONE, Org.Kind.DEPARTMENT)


@transaction.atomic
def create_assessment(
    user, zone_code: str, framework_code: str, version: int | None, year, block: str | None = None
) -> Assessment:
    """An assessment of a zone (自评) or of a department (部门年度考核), by the office."""
    year = parse_year(year)
    org = Org.objects.filter(code=zone_code, kind__in=ASSESSED_KINDS).first()
    if org is None or not in_scope(user, org):
        raise Http404("被考核单位不存在或无权访问")
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以创建自评")
    framework = framework_of(framework_code, version)
    block = choose_block(tree(framework), org, block)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                zone=org, framework=framework, year=year, block=block, created_by=user
            )
    except IntegrityError:
        raise ConflictError(f"{org.name} {year} 年度已有按该评分表的自评，不能重复创建") from None
    add_results([assessment])
    record(
        user,
        "assessment.create",
        assessment,
        after={
            "zone": org.code,
            "framework": framework.code,
            "version": framework.version,
            "year": year,
            "block": block,
        },
    )
    return assessment


def add_results(assessments: list[Assessment]) -> None:
    """One empty result per entry of each assessment.

    Hand-written SQL because the ORM's bulk_create spends most of its time compiling
    expressions (31 departments × 115 items took over a second). Only the two ids vary
    from row to row, so they are the only per-row parameters: INSERT … SELECT over a
    VALUES list (column1, column2 on both SQLite and PostgreSQL), the other columns the
    model's own defaults, prepared by its fields."""
    pairs = []
    for a in assessments:
        ids = indicator_ids(a.framework)
        pairs += [(a.pk, ids[ind.code]) for ind in entries_of(tree(a.framework), a.block)]
    if not pairs:
        return
    template = Result(updated_at=timezone.now())
    fields = [f for f in Result._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    select, constants = [], []
    for f in fields:
        if f.attname in ("assessment_id", "indicator_id"):
            select.append("column1" if f.attname == "assessment_id" else "column2")
            continue
        value = f.get_db_prep_save(getattr(template, f.attname), connection)
        if value is None:
            select.append("NULL")
        else:
            select.append("%s")
            constants.append(value)
    head = (
        f"INSERT INTO {quote(Result._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" SELECT {', '.join(select)} FROM (VALUES "
    )
    batch = ((connection.features.max_query_params or 20000) - len(constants)) // 2
    with connection.cursor() as cur:
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            cur.execute(
                head + ", ".join(["(%s, %s)"] * len(chunk)) + ") AS v",
                [*constants, *(x for pair in chunk for x in pair)],
            )


def _editable(user, assessment_id, *, override: bool = False) -> Assessment:
    """The assessment locked for a change. An override (调整得分) is the office's: also
    while the sheet is submitted for its review, never after it is accepted."""
    assessment = get_assessment(user, assessment_id, for_update=True)
    if override:
        if assessment.status == Assessment.Status.ACCEPTED:
            raise ConflictError("考核已通过，已锁定，不能调整得分")
        if not can_override(user, assessment):
            raise PermissionDenied("只有考核单位的创建办可以调整得分（本园区自评不能调整）")
        return assessment
    if not can_edit_assessment(user, assessment):
        raise PermissionDenied(
            "只有本部门可以填报考核表"
            if assessment.zone.kind == Org.Kind.DEPARTMENT
            else "只有本园区创建办可以填报自评"
        )
    if not assessment.editable:
        raise ConflictError(f"自评{assessment.get_status_display()}，已锁定，不能修改")
    return assessment


def _snapshot(r: Result) -> dict:
    return {
        "self_score": r.self_score,
        "cases": r.cases,
        "raised": r.raised,
        "reason": r.reason,
        "points": r.points,
        "note": r.note,
        "count": r.count,
        "value": r.value,
        "not_applicable": r.not_applicable,
        "na_reason": r.na_reason,
        "override_score": r.override_score,
        "override_reason": r.override_reason,
        "version": r.version,
    }


ALLOWED_FIELDS = {
    fw.GROUP: GROUP_FIELDS,
    fw.SCORED: SCORED_FIELDS,
    fw.BONUS: {"cases", "points", "note", "version"},
    fw.DEDUCTION: {"cases", "points", "note", "version"},
    fw.VETO: {"raised", "reason", "note", "version"},
}


def _apply(ind: fw.Indicator, result: Result, data: dict) -> dict:
    """Validate `data` for this item's kind; return the fields to write."""
    extra = set(data) - ALLOWED_FIELDS[ind.kind]
    if extra:
        name = sorted(extra)[0]
        raise RuleError(name, f"{fw.KIND_LABELS[ind.kind]}不接受字段 {name}")
    changes: dict = {}
    if "note" in data:
        changes["note"] = validate.text(data["note"], "note", "自评说明", limit=MAX_TEXT)
    if ind.is_group:
        changes.update(group_changes(ind, data))
    elif ind.kind == fw.SCORED:
        changes.update(scored_changes(ind, data))
    elif ind.kind in (fw.BONUS, fw.DEDUCTION):
        if "cases" in data:
            changes["cases"] = parse_cases(data["cases"])
        if "points" in data and data["points"] not in ("", None):
            declared = ind.points_per_case if ind.unit_declared == "points_per_case" else ind.points
            if declared is not None:
                raise RuleError("points", "该项分值由评分表规定，不能修改")
            changes["points"] = parse_points(data["points"], "points", "分值")
        if not changes.keys() - {"note"}:
            raise RuleError("cases", "请填写起数")
    else:
        raised = data.get("raised")
        if not isinstance(raised, bool):
            raise RuleError("raised", "请选择是否发生该情形（raised 为 true 或 false）")
        changes["raised"] = raised
        changes["reason"] = validate.text(
            data.get("reason"), "reason", "情形说明", limit=MAX_TEXT, required=raised
        )
    return changes


@transaction.atomic
def update_result(user, assessment_id, code: str, data: dict) -> tuple[Result, Totals]:
    """Change one item's entry. A stale `version` is refused and overwrites nothing."""
    assessment = _editable(user, assessment_id, override="override_score" in data)
    ind = items_by_code(assessment).get(str(code))
    if ind is None:
        raise Http404("评分表中没有该指标")
    version = validate.version(data.get("version"))
    result = Result.objects.get(
        assessment=assessment, indicator_id=indicator_ids(assessment.framework)[ind.code]
    )
    result.assessment = assessment  # callers present it; spare them the query
    changes = _apply(ind, result, data)
    if result.version != version:
        raise ConflictError(
            f"该项已被他人修改（当前版本 {result.version}，你提交的版本 {version}），请刷新后重试"
        )
    if changes.get("points") is not None and not user.has_role(Role.OFFICE):
        raise PermissionDenied("附加项分值只能由创建办设定")
    before = _snapshot(result)
    updated = Result.objects.filter(pk=result.pk, version=version).update(
        **changes, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )
    if not updated:  # someone else wrote between our read and our write
        raise ConflictError("该项已被他人修改，请刷新后重试")
    for k, v in changes.items():
        setattr(result, k, v)
    result.version = version + 1
    record(user, "assessment.result.update", result, before=before, after=_snapshot(result))
    return result, totals_of(assessment)


@transaction.atomic
def submit(user, assessment_id) -> Assessment:
    assessment = _editable(user, assessment_id)
    check = check_of(assessment)
    if not check.ready:
        raise RuleError("status", missing_message(check))
    return _transition(user, assessment, Assessment.Status.SUBMITTED, submitted_at=timezone.now())


def _reviewable(user, assessment_id) -> Assessment:
    assessment = get_assessment(user, assessment_id, for_update=True)
    if not can_review_assessment(user, assessment):
        raise PermissionDenied("只有上级审核单位可以退回或通过自评")
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ConflictError(
            f"自评{assessment.get_status_display()}，只有已提交的自评可以退回或通过"
        )
    return assessment


@transaction.atomic
def return_assessment(user, assessment_id, reason) -> Assessment:
    assessment = _reviewable(user, assessment_id)
    reason = validate.text(reason, "reason", "退回原因", limit=MAX_TEXT, required=True)
    return _transition(
        user,
        assessment,
        Assessment.Status.RETURNED,
        return_reason=reason,
        decided_at=timezone.now(),
    )


@transaction.atomic
def accept(user, assessment_id) -> Assessment:
    assessment = _reviewable(user, assessment_id)
    return _transition(user, assessment, Assessment.Status.ACCEPTED, decided_at=timezone.now())


def _transition(user, assessment: Assessment, status: str, **fields) -> Assessment:
    before = {"status": assessment.status, "version": assessment.version}
    updated = Assessment.objects.filter(pk=assessment.pk, version=assessment.version).update(
        status=status, version=F("version") + 1, **fields
    )
    if not updated:
        raise ConflictError("自评状态已被他人改变，请刷新后重试")
    assessment.refresh_from_db()
    record(
        user,
        f"assessment.{status}",
        assessment,
        before=before,
        after={
            "status": status,
            "version": assessment.version,
            **{k: v for k, v in fields.items() if k == "return_reason"},
        },
    )
    handovers.assessment_changed(assessment)
    return assessment


@transaction.atomic
def add_evidence(user, assessment_id, code: str, uploaded) -> Evidence:
    assessment = _editable(user, assessment_id)
    if str(code) not in items_by_code(assessment):
        raise Http404("评分表中没有该指标")
    if uploaded is None:
        raise RuleError("file", "请选择要上传的文件")
    result = Result.objects.get(assessment=assessment, indicator__code=str(code))
    blob = evidence_store.store(uploaded)
    item = Evidence.objects.create(
        result=result, blob=blob, name=safe_display_name(uploaded.name or ""), uploaded_by=user
    )
    record(
        user,
        "evidence.upload",
        item,
        after={
            "assessment": assessment.pk,
            "indicator": code,
            "name": item.name,
            "sm3": blob.digest,
            "size": blob.size,
        },
    )
    return item


@transaction.atomic
def remove_evidence(user, assessment_id, evidence_id) -> None:
    assessment = _editable(user, assessment_id)
    item = (
        Evidence.objects.filter(pk=evidence_id, result__assessment=assessment)
        .select_related("result__indicator")
        .first()
    )
    if item is None:
        raise Http404("佐证材料不存在")
    record(
        user,
        "evidence.remove",
        item,
        before={"indicator": item.result.indicator.code, "name": item.name, "sm3": item.blob_id},
    )
    item.delete()  # the content stays under its digest: other results may share it
