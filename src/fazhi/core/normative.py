"""行政规范性文件 (normative documents): the steps from drafting to expiry, as pure rules.

国办发〔2018〕37号: drafting, public comment, legality review, collective deliberation,
unified registration and numbering (统一登记、统一编号、统一印发), publication, filing with
the body above (有件必备), validity, cleanup (清理) every two years, and published
catalogues of valid, abolished and expired documents.

A document's procedure is a state machine: `TRANSITIONS[(state, step)] -> new state`.
Every step the table does not allow is refused with a Chinese message naming the step the
document still lacks (`check_step`). Validity (有效/废止/失效) follows from the dates and
the cleanup outcome (`validity`). Periods are counted with the shared working-day calendar
(`filing_due`: calendar days, a last day on a rest day rolls to the next working day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import RuleError
from .workdays import WorkCalendar, add_calendar_days

# States of the procedure, in order.
DRAFTING = "drafting"
SOLICITING = "soliciting"
REVIEWED = "reviewed"
DELIBERATED = "deliberated"
REGISTERED = "registered"
PUBLISHED = "published"
FILED = "filed"
RETURNED = "returned"
ACCEPTED = "accepted"
ABOLISHED = "abolished"
EXPIRED = "expired"

STATES = {
    DRAFTING: "起草",
    SOLICITING: "征求意见",
    REVIEWED: "已合法性审查",
    DELIBERATED: "已集体审议",
    REGISTERED: "已登记编号",
    PUBLISHED: "已公布（待备案）",
    FILED: "已报送备案",
    RETURNED: "备案退回",
    ACCEPTED: "备案通过",
    ABOLISHED: "已废止",
    EXPIRED: "已失效",
}

# Steps (events) a document records.
SOLICIT = "solicit"
REVIEW = "review"
DELIBERATE = "deliberate"
REGISTER = "register"
PUBLISH = "publish"
FILE = "file"
FILING_RESULT = "filing_result"
CLEANUP = "cleanup"

STEPS = {
    SOLICIT: "征求意见",
    REVIEW: "合法性审查",
    DELIBERATE: "集体审议",
    REGISTER: "统一登记、编号",
    PUBLISH: "公布",
    FILE: "报送备案",
    FILING_RESULT: "备案审查结果",
    CLEANUP: "清理",
}

_IN_FORCE = (PUBLISHED, FILED, RETURNED, ACCEPTED)

# (state, step) -> new state; None keeps the state (the cleanup outcome decides, see
# `after_cleanup`). Anything not here is refused.
TRANSITIONS: dict[tuple[str, str], str | None] = {
    (DRAFTING, SOLICIT): SOLICITING,
    (SOLICITING, REVIEW): REVIEWED,
    (REVIEWED, DELIBERATE): DELIBERATED,
    (DELIBERATED, REGISTER): REGISTERED,
    (REGISTERED, PUBLISH): PUBLISHED,
    (PUBLISHED, FILE): FILED,
    (RETURNED, FILE): FILED,
    (FILED, FILING_RESULT): None,  # ACCEPTED or RETURNED, by the result
    **{(s, CLEANUP): None for s in _IN_FORCE},
}

# The step that leads into each state: what a refused step is told it lacks.
_LEADS_TO = {
    SOLICITING: SOLICIT,
    REVIEWED: REVIEW,
    DELIBERATED: DELIBERATE,
    REGISTERED: REGISTER,
    PUBLISHED: PUBLISH,
    FILED: FILE,
}
# What each step needs the document to have reached first.
NEEDS = {
    SOLICIT: DRAFTING,
    REVIEW: SOLICITING,
    DELIBERATE: REVIEWED,
    REGISTER: DELIBERATED,
    PUBLISH: REGISTERED,
    FILE: PUBLISHED,
    FILING_RESULT: FILED,
    CLEANUP: PUBLISHED,
}
ORDER = [DRAFTING, SOLICITING, REVIEWED, DELIBERATED, REGISTERED, PUBLISHED]

FILING_ACCEPTED, FILING_RETURNED = "accepted", "returned"
FILING_RESULTS = {FILING_ACCEPTED: "通过", FILING_RETURNED: "退回（须纠正后重新报送）"}

# Cleanup outcomes (清理结论).
KEEP, AMEND, ABOLISH, EXPIRE = "keep", "amend", "abolish", "expire"
CLEANUP_OUTCOMES = {KEEP: "继续有效", AMEND: "修改", ABOLISH: "废止", EXPIRE: "失效"}

# Validity as the catalogues show it.
VALID, V_ABOLISHED, V_EXPIRED, NOT_IN_FORCE = "valid", "abolished", "expired", "not_in_force"
VALIDITY = {VALID: "有效", V_ABOLISHED: "废止", V_EXPIRED: "失效", NOT_IN_FORCE: "未公布"}

CLEANUP_EVERY_YEARS = 2


@dataclass(frozen=True)
class Settings:
    """Per zone; defaults where the national and provincial texts leave it open."""

    filing_days: int = 30  # 公布后报送备案的期限（日）
    validity_years: int = 5  # 有效期（年）
    provisional_years: int = 2  # 暂行、试行的有效期（年）


def step_label(step: str) -> str:
    return STEPS.get(step, step)


def check_step(state: str, step: str) -> None:
    """Raise RuleError("step", ...) unless `step` may be recorded in `state`."""
    if step not in STEPS:
        raise RuleError("step", f"办理步骤“{step}”不存在，应为：{'、'.join(STEPS)}")
    if (state, step) in TRANSITIONS:
        return
    if state in (ABOLISHED, EXPIRED):
        raise RuleError("step", f"文件{STATES[state]}，不能再办理“{STEPS[step]}”")
    need = NEEDS[step]
    if need in ORDER and state in ORDER and ORDER.index(state) < ORDER.index(need):
        # Name the first step still missing on the way to what `step` needs.
        missing = _LEADS_TO[ORDER[ORDER.index(state) + 1]]
        raise RuleError("step", f"尚未办理“{STEPS[missing]}”，不能办理“{STEPS[step]}”")
    if step == FILING_RESULT:
        raise RuleError("step", f"尚未办理“{STEPS[FILE]}”，不能登记“{STEPS[FILING_RESULT]}”")
    if step == FILE and state == FILED:
        raise RuleError("step", "已报送备案，待备案审查结果；退回后方可重新“报送备案”")
    if step == FILE and state == ACCEPTED:
        raise RuleError("step", "备案已通过，无需重新“报送备案”")
    raise RuleError("step", f"“{STEPS[step]}”已办理，不能重复办理")


def next_state(state: str, step: str, *, filing_result: str = "", outcome: str = "") -> str:
    """The state after `step` (checked first)."""
    check_step(state, step)
    to = TRANSITIONS[(state, step)]
    if to is not None:
        return to
    if step == FILING_RESULT:
        return ACCEPTED if filing_result == FILING_ACCEPTED else RETURNED
    return after_cleanup(state, outcome)


def after_cleanup(state: str, outcome: str) -> str:
    if outcome == ABOLISH:
        return ABOLISHED
    if outcome == EXPIRE:
        return EXPIRED
    return state


def allowed_steps(state: str) -> list[str]:
    return [step for (s, step) in TRANSITIONS if s == state]


# ---------------------------------------------------------------- numbers and dates


def format_number(prefix: str, year: int, number: int) -> str:
    """统一编号: 资高新规〔2026〕3号."""
    return f"{prefix}规〔{year}〕{number}号"


def check_number(year, number, published_year: int | None = None) -> tuple[int, int]:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise RuleError("year", "编号年度应为四位年份，例如 2026") from None
    if not 2000 <= y <= 2100:
        raise RuleError("year", "编号年度应在 2000 至 2100 之间")
    try:
        n = int(number)
    except (TypeError, ValueError):
        raise RuleError("number", "编号序号应为正整数，例如 3") from None
    if not 1 <= n <= 9999:
        raise RuleError("number", "编号序号应在 1 至 9999 之间")
    return y, n


def cited_doc_nos(text: str, prefix: str) -> list[str]:
    """The numbers of the zone's normative documents (prefix规〔年〕号) a text cites, in order,
    each once. Free text has no word boundaries, so the zone's own prefix anchors the match."""
    pattern = re.compile(re.escape(prefix) + r"规〔\d{4}〕\d{1,4}号")
    seen: dict[str, None] = {}
    for m in pattern.finditer(text or ""):
        seen.setdefault(m.group(0), None)
    return list(seen)


def is_provisional(title: str) -> bool:
    """暂行、试行 documents have the shorter validity."""
    return "暂行" in title or "试行" in title


def valid_until(published_on: date, provisional: bool, settings: Settings = Settings()) -> date:
    """The last day of validity: N years from publication (the day before the anniversary)."""
    years = settings.provisional_years if provisional else settings.validity_years
    try:
        anniversary = published_on.replace(year=published_on.year + years)
    except ValueError:  # 29 February
        anniversary = published_on.replace(year=published_on.year + years, day=28)
    return anniversary - timedelta(days=1)


def filing_due(published_on: date, cal: WorkCalendar, settings: Settings = Settings()) -> date:
    """报送备案 within `filing_days` calendar days after publication (the publication day not
    counted; a last day that is not a working day rolls to the next working day)."""
    return add_calendar_days(published_on, settings.filing_days, calendar=cal)


def cleanup_due(published_on: date, last_cleanup_on: date | None) -> date:
    """每两年清理: two years after the later of publication and the last cleanup."""
    base = last_cleanup_on or published_on
    try:
        return base.replace(year=base.year + CLEANUP_EVERY_YEARS)
    except ValueError:
        return base.replace(year=base.year + CLEANUP_EVERY_YEARS, day=28)


def validity(state: str, valid_until_on: date | None, today: date) -> str:
    if state == ABOLISHED:
        return V_ABOLISHED
    if state == EXPIRED:
        return V_EXPIRED
    if state not in _IN_FORCE:
        return NOT_IN_FORCE
    if valid_until_on is not None and valid_until_on < today:
        return V_EXPIRED
    return VALID


# ---------------------------------------------------------------- yearly figures


@dataclass(frozen=True)
class DocFacts:
    """What the yearly figures need of one document published in the year."""

    doc_no: str
    title: str
    published_on: date
    filing_due: date | None
    filed_on: date | None
    reviewed: bool


@dataclass(frozen=True)
class YearFigures:
    published: int
    filed: int
    filed_on_time: int
    reviewed: int
    not_filed: tuple[str, ...]  # "doc_no 《title》"
    filed_late: tuple[str, ...]
    not_reviewed: tuple[str, ...]

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return None if whole == 0 else part / whole

    @property
    def filing_rate(self) -> float | None:
        return self.rate(self.filed, self.published)

    @property
    def on_time_rate(self) -> float | None:
        return self.rate(self.filed_on_time, self.published)

    @property
    def review_rate(self) -> float | None:
        return self.rate(self.reviewed, self.published)


def _name(d: DocFacts) -> str:
    return f"{d.doc_no}《{d.title}》" if d.doc_no else f"《{d.title}》"


def year_figures(docs: list[DocFacts], as_of: date) -> YearFigures:
    """报备率 (filed / published), 及时报备率 (filed by the due date / published), 合法性审查率
    (reviewed / published), counting only what was known on `as_of`; the missing named."""
    docs = [d for d in docs if d.published_on <= as_of]
    filed = [d.filed_on is not None and d.filed_on <= as_of for d in docs]
    on_time = [
        f and d.filing_due is not None and d.filed_on <= d.filing_due
        for d, f in zip(docs, filed, strict=True)
    ]
    return YearFigures(
        published=len(docs),
        filed=sum(filed),
        filed_on_time=sum(on_time),
        reviewed=sum(d.reviewed for d in docs),
        not_filed=tuple(_name(d) for d, f in zip(docs, filed, strict=True) if not f),
        filed_late=tuple(
            _name(d) for d, f, t in zip(docs, filed, on_time, strict=True) if f and not t
        ),
        not_reviewed=tuple(_name(d) for d in docs if not d.reviewed),
    )
