"""The public side of the registers, without sign-in: intake, tracking, the challenge, rate limits.

    issue_challenge(address) -> dict                       {token, question, svg, expires_in}
    challenge_audio(token, address) -> bytes               the same question spoken (WAV)
    submit(kind, data, *, address, today=None, files=()) -> Receipt
    track(tracking_no, code, *, address) -> dict           raises NotFound (one answer for every miss)
    public_zones(kind=None) -> list[dict]
    public_agencies() -> list[dict]                        {zone, agency, phone, address}

Rate limits are counted per client address in the database (RateCounter: one row per
bucket, address and fixed window), so they hold across processes. Limits (settings or the
environment): FAZHI_PUBLIC_SUBMIT_LIMIT (5), FAZHI_PUBLIC_LOOKUP_LIMIT (60),
FAZHI_PUBLIC_WINDOW_SECONDS (600). FAZHI_PUBLIC_CHALLENGE=off switches the challenge off
(never the rate limit); FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS (600) is a token's lifetime.

Nothing the public sends can reach an existing case: a submission only creates a new one
(the number, code and zone are chosen here, never taken from the request), and a lookup
needs both the tracking number and its query code.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from fazhi.core import deadlines as dl
from fazhi.core.errors import Collect, RuleError

from . import catalog, clock, codes, speech, states
from .captcha import render_svg
from .conf import conf
from .models import Case, CaseEvent, RateCounter, UsedChallenge
from .rules import ruleset_of
from .selectors import intake_zones
from .services import (
    PARTY_FIELDS,
    PUBLIC_ACTOR,
    create_case,
    parse_case,
)

SUBMIT, LOOKUP, CHALLENGE = "submit", "lookup", "challenge"
_SALT = "fazhi.registers.challenge"
NOT_FOUND_MESSAGE = "受理编号或查询码不正确"


def challenge_on() -> bool:
    return conf("FAZHI_PUBLIC_CHALLENGE", True)


def limits() -> dict[str, int]:
    lookup = conf("FAZHI_PUBLIC_LOOKUP_LIMIT", 60)
    return {SUBMIT: conf("FAZHI_PUBLIC_SUBMIT_LIMIT", 5), LOOKUP: lookup, CHALLENGE: lookup}


class RateLimited(Exception):
    """Too many requests from one address; `retry_after` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__("请求过于频繁")
        self.retry_after = max(1, int(retry_after))
        self.message = f"请求过于频繁，请 {math.ceil(self.retry_after / 60)} 分钟后再试"


class NotFound(Exception):
    """No case answers to this number and code (the same for an unknown number and a wrong code)."""

    message = NOT_FOUND_MESSAGE


# ---------------------------------------------------------------- rate limit


def hit(bucket: str, address: str, now: datetime | None = None) -> int:
    """Count one request; RateLimited when the address is over the bucket's limit in this window."""
    window = conf("FAZHI_PUBLIC_WINDOW_SECONDS", 600)
    limit = limits()[bucket]
    now = now or timezone.now()
    epoch = int(now.timestamp())
    start = datetime.fromtimestamp(
        epoch - epoch % window, tz=now.tzinfo or timezone.get_current_timezone()
    )
    address = (address or "unknown")[:64]
    key = {"bucket": bucket, "address": address, "window_start": start}
    with transaction.atomic():
        if not RateCounter.objects.filter(**key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(**key, count=1)
                RateCounter.objects.filter(
                    bucket=bucket, address=address, window_start__lt=start
                ).delete()
            except IntegrityError:  # another process created it meanwhile
                RateCounter.objects.filter(**key).update(count=F("count") + 1)
        count = RateCounter.objects.filter(**key).values_list("count", flat=True).get()
    if count > limit:
        raise RateLimited((start + timedelta(seconds=window) - now).total_seconds())
    return count


# ---------------------------------------------------------------- challenge


def _answer_mac(nonce: str, answer: str) -> str:
    return salted_hmac(_SALT, f"{nonce}:{answer}").hexdigest()


def _question(nonce: str) -> tuple[int, str, int]:
    """The sum a challenge asks (a, "+" or "-", b), derived from its nonce with the secret key:
    the drawing and the spoken question agree, and nothing but the server can tell it."""
    digest = salted_hmac(_SALT + ".question", nonce).digest()
    return 10 + digest[0] % 40, "+" if digest[1] % 2 == 0 else "-", 1 + digest[2] % 9


def issue_challenge(address: str) -> dict:
    """A small sum drawn as distorted strokes (no text in the SVG), with a signed token carrying
    a keyed MAC of the answer; the answer itself is kept nowhere."""
    hit(CHALLENGE, address)
    nonce = secrets.token_urlsafe(16)
    a, op, b = _question(nonce)
    answer = str(a + b if op == "+" else a - b)
    token = signing.dumps({"n": nonce, "m": _answer_mac(nonce, answer)}, salt=_SALT, compress=True)
    ttl = conf("FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS", 600)
    return {
        "token": token,
        "question": "请计算图中算式的结果，填写数字",
        "svg": render_svg(f"{a}{op}{b}="),
        "expires_in": ttl,
    }


def _open_token(token) -> tuple[str, str]:
    """(nonce, answer MAC) of a token this server signed and that has not expired."""
    if not isinstance(token, str) or not token:
        raise RuleError("challenge_token", "请先完成验证（获取验证题）")
    try:
        payload = signing.loads(
            token, salt=_SALT, max_age=conf("FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS", 600)
        )
        return str(payload["n"])[:40], str(payload["m"])
    except signing.SignatureExpired:
        raise RuleError("challenge_token", "验证题已过期，请重新获取") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise RuleError("challenge_token", "验证信息无效，请重新获取验证题") from None


def challenge_audio(token, address: str) -> bytes:
    """The challenge's sum spoken in Mandarin, as a WAV file (speech.SpeechUnavailable when the
    engine is missing). Counted like fetching a challenge; listening does not spend the token."""
    hit(CHALLENGE, address)
    nonce, _ = _open_token(token)
    return speech.challenge_wav(*_question(nonce))


def verify_challenge(token, answer) -> None:
    """Once per token: the token is spent whether the answer is right or wrong."""
    nonce, mac = _open_token(token)
    with transaction.atomic():
        try:
            with transaction.atomic():
                UsedChallenge.objects.create(nonce=nonce)
        except IntegrityError:
            raise RuleError("challenge_token", "验证题已使用过，请重新获取") from None
    given = (
        str(answer).strip()
        if isinstance(answer, (str, int)) and not isinstance(answer, bool)
        else ""
    )
    if not constant_time_compare(_answer_mac(nonce, given), mac):
        raise RuleError("challenge_answer", "验证答案不正确，请重新获取验证题后再试")


# ---------------------------------------------------------------- intake


@dataclass
class Receipt:
    case: Case
    tracking_no: str
    query_code: str
    received_on: date
    due_on: date | None  # the reply's due date, else the current step's (kept for the API)

    @property
    def due_note(self) -> str:
        """Why due_on is 暂定 ("" when exact)."""
        return self.case.deadline_note

    def as_dict(self) -> dict:
        return {
            "tracking_no": self.tracking_no,
            "query_code": self.query_code,
            "received_on": self.received_on,
            "due_on": self.due_on,
            "due_note": self.due_note,
            # named as tracking names them: the reply's period, and the current step's
            "reply_due": self.case.reply_due,
            "next_due": self.case.next_due,
            "kind": self.case.kind,
            "notice": "请妥善保存受理编号和查询码：查询码只显示这一次，凭二者可查询办理进度。",
        }


PUBLIC_FIELDS = {
    states.DISCLOSURE: PARTY_FIELDS - {"anonymous"}
    | {"zone", "subject", "content", "delivery", "challenge_token", "challenge_answer"},
    states.COMPLAINT: PARTY_FIELDS
    | {
        "zone",
        "category",
        "subject",
        "content",
        "respondent",
        "challenge_token",
        "challenge_answer",
    },
}


def max_files() -> int:
    """How many files one public submission may carry (each checked as evidence is)."""
    return int(conf("FAZHI_PUBLIC_MAX_FILES", 5))


def submit(kind: str, data: dict, *, address: str, today: date | None = None, files=()) -> Receipt:
    """A disclosure request or a complaint from the public form. Received on the day the
    system confirms it by issuing the tracking number (online channel, art. 31(3))."""
    from .inputs import only_known

    hit(SUBMIT, address)
    only_known(data, PUBLIC_FIELDS[kind])
    today = today or clock.today()
    zone_code = data.get("zone")
    open_zones = {z["code"] for z in intake_zones(kind)}
    if not isinstance(zone_code, str) or zone_code not in open_zones:
        raise RuleError("zone", "请选择受理园区（该园区不存在或未开通网上受理）")
    check = Collect()
    party, body = parse_case(kind, data, check)
    most = max_files()
    if len(files) > most:
        check.errors["files"] = f"附件最多 {most} 个，本次选择了 {len(files)} 个"
    if challenge_on():
        check(verify_challenge, data.get("challenge_token"), data.get("challenge_answer"))
    check.done()
    from fazhi.orgs.models import Org

    zone = Org.objects.get(code=zone_code, kind=Org.Kind.ZONE)
    with transaction.atomic():
        case, query_code = create_case(
            kind=kind,
            zone=zone,
            channel=catalog.PUBLIC_CHANNEL,
            received_on=today,
            party=party,
            body=body,
            actor=PUBLIC_ACTOR,
            today=today,
            files=files,
        )
    return Receipt(
        case, case.tracking_no, query_code, case.received_on, case.reply_due or case.next_due
    )


# ---------------------------------------------------------------- tracking

PUBLIC_EVENTS = {
    "received",
    "correction_requested",
    "corrected",
    "abandoned",
    "accepted",
    "rejected",
    "consultation_started",
    "consultation_ended",
    "extended",
    "replied",
    "reply_delivered",
    "review_requested",
    "review_replied",
    "review_delivered",
    "recheck_requested",
    "recheck_replied",
    "closed",
}


def track(tracking_no, code, *, address: str) -> dict:
    """What the person who filed may see: state, dates, the steps, the reply once published.
    An unknown number and a wrong code raise the same NotFound after the same work."""
    hit(LOOKUP, address)
    number = codes.normalise_tracking_no(tracking_no)
    case = Case.objects.filter(tracking_no=number).first()  # queried even when empty: the same work
    if not codes.check(number, code, case.query_digest if case else None):
        raise NotFound()
    events = list(CaseEvent.objects.filter(case=case, kind__in=PUBLIC_EVENTS).order_by("on", "id"))
    units = {
        p.code: ("个工作日" if p.unit == dl.WORKDAYS else "日")
        for p in ruleset_of(case.rules_id).periods
    }
    out = {
        "tracking_no": case.tracking_no,
        "kind": case.kind,
        "kind_label": states.KINDS[case.kind],
        "state": case.state,
        "state_label": case.state_label,
        "received_on": case.received_on,
        "due_on": case.reply_due,
        "next_due": case.next_due,
        "due_note": case.deadline_note,
        "subject": case.subject,
        "steps": [_public_step(e, units) for e in events],
        "reply": None,
    }
    if case.replied_on:
        label = (
            catalog.REPLY_TYPES.get(case.reply_type)
            if case.kind == states.DISCLOSURE
            else catalog.COMPLAINT_OUTCOMES.get(case.reply_type)
        )
        out["reply"] = {
            "replied_on": case.replied_on,
            "type": case.reply_type,
            "type_label": label or "",
            "text": case.reply_text if case.reply_public else "",
            "published": case.reply_public,
        }
    elif case.state == states.REJECTED:
        out["reply"] = {
            "replied_on": None,
            "type": "rejected",
            "type_label": "不予受理",
            "text": "",
            "published": False,
        }
    # 转立案: a report turned into an enforcement case shows how far the case went
    # (the reverse link of fazhi.enforcement's EnforcementCase.complaint; no import needed).
    out["enforcement"] = [
        {"state_label": e.state_label, "decided_on": e.decided_on}
        for e in case.enforcement_cases.order_by("id")
    ]
    return out


def _public_step(e: CaseEvent, units: dict[str, str]) -> dict:
    step = {"on": e.on, "label": e.label, "detail": ""}
    if e.kind == "correction_requested":
        step["detail"] = f"请于 {e.data.get('correction_due', '')} 前补正：{e.data.get('text', '')}"
    elif e.kind == "extended":
        step["detail"] = f"经批准，期限延长 {e.days} {units.get(e.period, '日')}"
    return step


def public_agencies() -> list[dict]:
    """The answering agency of every zone that takes submissions, with the phone and the
    address printed at the foot of the public pages: {zone, agency, phone, address}."""
    return [
        {"zone": z["name"], "agency": z["agency"], "phone": z["phone"], "address": z["address"]}
        for z in intake_zones()
    ]


def public_zones(kind: str | None = None) -> list[dict]:
    return [
        {
            "code": z["code"],
            "name": z["name"],
            "disclosure": z["disclosure"],
            "complaint": z["complaint"],
        }
        for z in intake_zones(kind)
    ]
