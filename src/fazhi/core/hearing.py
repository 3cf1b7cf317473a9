"""听证 (行政处罚法 2021 第六十三条至第六十五条): when the party must be told of the right to a
hearing, and the order of 告知 → 申请听证 → 听证通知 → 举行听证 → 陈述、申辩 → 决定.

Pure, no Django. The thresholds are data: the `hearing:` section of rules/enforcement.yaml
(read by `read_hearing`, kept with the rule set's version, so a case keeps the thresholds it
was received under). A rule set without the section uses `DEFAULT`.

    hearing:
      basis: 《中华人民共和国行政处罚法》第六十三条 …
      always: [qualification, restriction]      # penalty kinds that always qualify
      large_amount:                              # 较大数额 (元), per party kind
        fine: {person: 10000, org: 100000}
        confiscation: {person: 10000, org: 100000}
      notice_days: 7                             # 第六十四条第二项: notice 7 days before
      notice_unit: workdays                      # 第八十五条: 七日 = working days
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from yaml.nodes import Node, ScalarNode, SequenceNode

from .errors import RuleError
from .yamldoc import Doc, line, optional_string, string

PARTY_KINDS = {"person": "个人", "org": "单位"}
AMOUNT_KINDS = {"fine": "罚款", "confiscation": "没收违法所得、非法财物"}
# The deadline engine's units, repeated here: core.deadlines imports this module.
WORKDAYS, DAYS = "workdays", "days"
UNIT_WORDS = {WORKDAYS: "个工作日", DAYS: "日"}
HEARING_KEYS = ("basis", "always", "large_amount", "notice_days", "notice_unit")

# What a party may say after 告知 (第四十四条、第四十五条), recorded before the decision.
STATEMENTS = {
    "made": "当事人已陈述、申辩",
    "waived": "当事人明确放弃陈述、申辩",
    "none": "当事人在期限内未陈述、申辩",
}


@dataclass(frozen=True)
class HearingRules:
    always: tuple[str, ...] = ("qualification", "restriction")
    # penalty kind -> party kind -> the 较大数额 from which a hearing is due (元, as text)
    large_amount: dict = field(
        default_factory=lambda: {
            "fine": {"person": "10000", "org": "100000"},
            "confiscation": {"person": "10000", "org": "100000"},
        }
    )
    notice_days: int = 7
    notice_unit: str = WORKDAYS
    basis: str = "《中华人民共和国行政处罚法》第六十三条、第六十四条、第八十五条"


DEFAULT = HearingRules()


def from_content(content: dict | None) -> HearingRules | None:
    if not content:
        return None
    return HearingRules(
        always=tuple(content.get("always") or ()),
        large_amount={k: dict(v) for k, v in (content.get("large_amount") or {}).items()},
        notice_days=int(content.get("notice_days") or DEFAULT.notice_days),
        notice_unit=content.get("notice_unit") or WORKDAYS,
        basis=content.get("basis") or "",
    )


def hearing_required(
    rules: HearingRules | None, penalty_kind: str, amount: Decimal | None, party_kind: str
) -> bool:
    """Whether the proposed penalty qualifies for a hearing (第六十三条): a kind that always
    does, or a fine / confiscation of at least the 较大数额 for the party's kind."""
    rules = rules or DEFAULT
    if penalty_kind in rules.always:
        return True
    limits = rules.large_amount.get(penalty_kind)
    if not limits or amount is None:
        return False
    limit = limits.get(party_kind) or limits.get("person")
    return limit is not None and amount >= Decimal(limit)


def check_request(requested_on: date, told: bool, due: date | None) -> None:
    """A hearing request (第六十四条第一项): only when the party was told of the right, and
    within the period after 告知 (`due`, from the deadline engine)."""
    if not told:
        raise RuleError(
            "kind", "告知时未告知当事人听证权利（拟作出的处罚不适用听证），不能登记申请听证"
        )
    if due is not None and requested_on > due:
        raise RuleError(
            "on",
            f"当事人应当在告知后五日内要求听证（行政处罚法第六十四条第一项），期限至 "
            f"{due.isoformat()}，{requested_on.isoformat()} 已逾期，视为放弃听证",
        )


def check_notice(noticed_on: date, hearing_on: date | None, earliest: date, rules) -> None:
    """The hearing notice (第六十四条第二项): the hearing no sooner than `earliest`, the end
    of the notice period counted from the notice (the deadline engine's count)."""
    rules = rules or DEFAULT
    if hearing_on is None:
        raise RuleError("hearing_on", "请填写举行听证的日期")
    if hearing_on < earliest:
        raise RuleError(
            "hearing_on",
            f"行政机关应当在举行听证的{_days(rules)}前通知当事人（行政处罚法第六十四条第二项），"
            f"{noticed_on.isoformat()} 通知的听证最早于 {earliest.isoformat()} 举行，"
            f"不能定于 {hearing_on.isoformat()}",
        )


def check_heard(heard_on: date, hearing_on: date | None) -> None:
    """A hearing is held after its notice, not before the date the party was told."""
    if hearing_on is None:
        raise RuleError("kind", "尚未通知当事人听证的时间、地点（听证通知），不能登记举行听证")
    if heard_on < hearing_on:
        raise RuleError(
            "on",
            f"听证通知的听证日期为 {hearing_on.isoformat()}，不能早于该日举行听证"
            f"（{heard_on.isoformat()}）",
        )


def check_before_decision(
    decided_on: date,
    notified_on: date | None,
    statement_on: date | None,
    told: bool,
    requested: bool,
    request_due: date | None,
) -> None:
    """A decision needs the party's 陈述、申辩 recorded after 告知 (第四十四条、第四十五条、
    第六十二条); when the party was told of the right to a hearing and did not ask for one,
    not before the request period is over."""
    if statement_on is None or (notified_on and statement_on < notified_on):
        raise RuleError(
            "kind",
            "作出决定前须登记当事人的陈述、申辩情况（已陈述申辩、明确放弃或期限内未陈述申辩；"
            "行政处罚法第四十四条、第四十五条、第六十二条）",
        )
    if told and not requested and request_due is not None and decided_on <= request_due:
        raise RuleError(
            "on",
            f"当事人可在告知后五日内要求听证（行政处罚法第六十四条第一项），期限至 "
            f"{request_due.isoformat()}，期限届满前不能作出决定",
        )


def _days(rules: HearingRules) -> str:
    return f"{rules.notice_days} {UNIT_WORDS.get(rules.notice_unit, rules.notice_unit)}"


# ---------------------------------------------------------------- the rule file's section


def _scalar(node: Node) -> str:
    return str(node.value).strip() if isinstance(node, ScalarNode) else ""


def _amount(node: Node) -> str | None:
    text = _scalar(node)
    try:
        d = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return format(d.normalize(), "f") if d is not None and d.is_finite() and d > 0 else None


def read_hearing(doc: Doc, node: Node, penalty_kinds) -> dict | None:
    """The `hearing:` section as content (to_content's shape), or None once reported."""
    keys = doc.mapping(node, "hearing")
    if keys is None:
        return None
    errors = len(doc.errors)
    doc.unknown_keys(keys, HEARING_KEYS, "hearing ")
    basis = doc.field(keys, "basis", optional_string, "hearing 的 basis 必须是字符串") or ""
    always: list[str] = []
    if "always" in keys:
        k, v = keys["always"]
        items = v.value if isinstance(v, SequenceNode) else None
        if items is None:
            doc.error(line(k), "hearing 的 always 必须是处罚种类代码的列表")
        for item in items or ():
            code = string(item)
            if code not in penalty_kinds:
                doc.error(
                    line(item),
                    f'hearing 的 always 含未知的处罚种类 "{code}"（可用：{"、".join(penalty_kinds)}）',
                )
            else:
                always.append(code)
    large: dict[str, dict[str, str]] = {}
    if "large_amount" in keys:
        kinds = doc.mapping(keys["large_amount"][1], "hearing 的 large_amount") or {}
        for kind, (k, v) in kinds.items():
            if kind not in AMOUNT_KINDS:
                doc.error(
                    line(k), f'large_amount 只能设置 {"、".join(AMOUNT_KINDS)}，不能设置 "{kind}"'
                )
                continue
            parties = doc.mapping(v, f"large_amount 的 {kind}") or {}
            large[kind] = {}
            for party, (pk, pv) in parties.items():
                if party not in PARTY_KINDS:
                    doc.error(
                        line(pk),
                        f'large_amount 的 {kind} 只能按 person、org 设置，不能是 "{party}"',
                    )
                elif (amount := _amount(pv)) is None:
                    doc.error(line(pk), f"large_amount 的 {kind}.{party} 必须是大于 0 的金额（元）")
                else:
                    large[kind][party] = amount
    days = doc.field(
        keys,
        "notice_days",
        lambda n: int(_scalar(n)) if _scalar(n).isdigit() and 0 < int(_scalar(n)) <= 60 else None,
        "hearing 的 notice_days 必须是 1 至 60 的整数（听证通知提前的天数）",
    )
    unit = doc.field(
        keys,
        "notice_unit",
        lambda n: string(n) if string(n) in UNIT_WORDS else None,
        f"hearing 的 notice_unit 只能是 {WORKDAYS}（工作日）或 {DAYS}（自然日）",
    )
    if len(doc.errors) != errors:
        return None
    return {
        "always": always,
        "large_amount": large,
        "notice_days": days or DEFAULT.notice_days,
        "notice_unit": unit or DEFAULT.notice_unit,
        "basis": basis,
    }
