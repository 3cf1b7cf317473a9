"""What an entry for a scored item or an optional group may change, checked.

Kept apart from services so the use cases stay short: these are the rules of the
input (which field, which limit), not of the workflow.
"""

from __future__ import annotations

from fazhi.core import framework as fw
from fazhi.core import validate
from fazhi.core.errors import RuleError
from fazhi.core.rules import parse_count, parse_value
from fazhi.core.scoring import parse_points, parse_self_score

MAX_TEXT = 2000
SCORED_FIELDS = {
    "self_score",
    "count",
    "value",
    "not_applicable",
    "reason",
    "override_score",
    "note",
    "version",
}
GROUP_FIELDS = {"not_applicable", "reason", "version"}


def _flag(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    raise RuleError(name, f"{name} 必须是 true 或 false")


def not_applicable_changes(ind: fw.Indicator, data: dict) -> dict:
    """不适用 with its reason; only on an item or group the table marks optional."""
    na = _flag(data["not_applicable"], "not_applicable")
    if not ind.optional:
        raise RuleError(
            "not_applicable", "该项不是可不适用项（评分表未标 optional），不能标为不适用"
        )
    reason = validate.text(data.get("reason"), "reason", "不适用理由", limit=MAX_TEXT, required=na)
    return {"not_applicable": na, "na_reason": reason if na else ""}


def override_changes(ind: fw.Indicator, data: dict) -> dict:
    """The office's adjusted score, within the item's limits, with its reason; empty clears."""
    value = data["override_score"]
    if value in ("", None):
        return {"override_score": None, "override_reason": ""}
    score = parse_points(value, "override_score", "调整后得分", ind.max_points, ind.min_points)
    reason = validate.text(data.get("reason"), "reason", "调整理由", limit=MAX_TEXT, required=True)
    return {"override_score": score, "override_reason": reason}


def scored_changes(ind: fw.Indicator, data: dict) -> dict:
    """An entry of a scored item: the rule's input (count or value) or the self score,
    不适用, or (office) an override. Fields that do not fit the item are refused."""
    if "not_applicable" in data and "override_score" in data:
        raise RuleError("override_score", "不能在同一次提交中既标不适用又调整得分")
    changes: dict = {}
    if "not_applicable" in data:
        changes.update(not_applicable_changes(ind, data))
    if "override_score" in data:
        changes.update(override_changes(ind, data))
    rule = ind.rule
    wanted = rule.input_field if rule else "self_score"
    for name in ("self_score", "count", "value"):
        if name in data and name != wanted:
            if rule:
                raise RuleError(name, f"该项按规则计分，请填写 {wanted}（{_input_label(rule)}）")
            raise RuleError(name, "该项没有计分规则，请填写自评分 self_score")
    if wanted in data:
        raw = data[wanted]
        if raw in ("", None):
            changes[wanted] = None
        elif wanted == "count":
            changes["count"] = parse_count(raw, rule)
        elif wanted == "value":
            changes["value"] = parse_value(raw, rule)
        else:
            changes["self_score"] = parse_self_score(raw, ind.max_points, ind.min_points)
    elif not changes:
        label = _input_label(rule) if rule else "自评分"
        raise RuleError(wanted, f"请填写{label}")
    if "reason" in data and not ({"not_applicable", "override_score"} & data.keys()):
        raise RuleError("reason", "reason 只能与 not_applicable 或 override_score 同时提交")
    return changes


def group_changes(ind: fw.Indicator, data: dict) -> dict:
    """An optional group's entry: 不适用 and its reason, nothing else (GROUP_FIELDS)."""
    if "not_applicable" not in data:
        raise RuleError("not_applicable", "请选择是否不适用（not_applicable 为 true 或 false）")
    return not_applicable_changes(ind, data)


def _input_label(rule) -> str:
    return "次数 count" if rule.input_field == "count" else "数值 value"
