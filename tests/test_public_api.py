"""The public API (no sign-in): intake, tracking, the challenge and the rate limits, and the
full lifecycle of both kinds of case from the public form to the published reply."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client

from fazhi.registers import public
from fazhi.registers.models import Case, RateCounter, UsedChallenge
from fazhi.registers.rules import load_shipped

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 3, 3)


@pytest.fixture
def open_intake(workcalendar, users, settings):
    settings.FAZHI_TODAY = TODAY
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    load_shipped(ROOT / "rules")
    return users


class Public:
    """An anonymous client from one address."""

    def __init__(self, address="203.0.113.7"):
        self.client = Client(REMOTE_ADDR=address)

    def get(self, path):
        return self.client.get(f"/api/v1/public{path}")

    def post(self, path, data):
        return self.client.post(f"/api/v1/public{path}", data=data, content_type="application/json")


def disclosure_body(**extra):
    return {
        "zone": "zy-gxq",
        "name": "王五",
        "phone": "13812345678",
        "email": "wang@example.com",
        "subject": "高新区2024年财政专项资金使用情况",
        "content": "请提供2024年科技专项资金分配表",
        "delivery": "email",
        **extra,
    }


def complaint_body(**extra):
    return {
        "zone": "zy-gxq",
        "anonymous": False,
        "name": "赵六",
        "phone": "028-87654321",
        "category": "report",
        "subject": "某单位违规收费",
        "content": "办理科技型企业认定时被收取材料费",
        "respondent": "某服务中心",
        **extra,
    }


def solve(token: str) -> str:
    """What a person reads off the picture; the test finds it from the token's keyed MAC."""
    payload = signing.loads(token, salt=public._SALT)
    return next(
        str(n) for n in range(-20, 200) if public._answer_mac(payload["n"], str(n)) == payload["m"]
    )


# ---------------------------------------------------------------- the lifecycle


def test_disclosure_request_from_form_to_published_reply(open_intake, api, settings):
    web = Public()
    zones = web.get("/zones").json()
    assert {"code": "zy-gxq", "name": "资阳高新区", "disclosure": True, "complaint": True} in zones
    r = web.post("/disclosure-requests", disclosure_body())
    assert r.status_code == 201, r.content
    receipt = r.json()
    assert receipt["tracking_no"].startswith("YSQ-2025-") and len(receipt["query_code"]) == 8
    assert receipt["received_on"] == "2025-03-03" and receipt["due_on"] == "2025-03-31"
    case = Case.objects.get(tracking_no=receipt["tracking_no"])
    assert (
        case.channel == "online"
        and case.person.name == "王五"
        and case.query_digest != receipt["query_code"]
    )
    assert receipt["query_code"] not in case.query_digest
    track = f"/track/{receipt['tracking_no']}?code={receipt['query_code']}"
    seen = web.get(track).json()
    assert seen["state"] == "received" and seen["due_on"] == "2025-03-31" and seen["reply"] is None
    assert "王五" not in str(seen) and "13812345678" not in str(seen)
    # lower case and spaces in what people type are fine
    assert (
        web.get(
            f"/track/{receipt['tracking_no'].lower()}?code={receipt['query_code'].lower()}"
        ).status_code
        == 200
    )

    settings.FAZHI_TODAY = date(2025, 4, 2)
    office = api("office")
    url = f"/registers/cases/{case.pk}/events"
    assert (
        office.post(
            url, {"kind": "replied", "on": "2025-03-04", "reply_type": "disclosed", "text": "x"}
        )
        .json()["detail"]
        .startswith("尚未受理")
    )
    assert office.post(url, {"kind": "accepted", "on": "2025-03-04"}).status_code == 201
    assert (
        office.post(
            url, {"kind": "assigned", "on": "2025-03-04", "department": "zy-gxq-kjj"}
        ).status_code
        == 201
    )
    r = office.post(
        url,
        {"kind": "extended", "on": "2025-03-20", "days": 10, "reason": "需要汇总多个部门的材料"},
    )
    assert r.status_code == 201 and r.json()["case"]["reply_due"] == "2025-04-15"
    # A second extension within the 20 working days in all (第三十三条): 04-15 + 5 working
    # days = 04-16, 17, 18, 21, 22 -> 2025-04-22; a third of 6 exceeds what is left (5).
    r = office.post(url, {"kind": "extended", "on": "2025-03-21", "days": 5, "reason": "再次延期"})
    assert r.status_code == 201 and r.json()["case"]["reply_due"] == "2025-04-22"
    r = office.post(url, {"kind": "extended", "on": "2025-03-21", "days": 6, "reason": "第三次"})
    assert r.status_code == 422 and r.json()["field"] == "days"
    assert r.json()["detail"].endswith("最多还可延长 5 个工作日")
    detail = api("kjj").get(f"/registers/cases/{case.pk}").json()
    assert [e["kind"] for e in detail["events"]] == [
        "received",
        "accepted",
        "assigned",
        "extended",
        "extended",
    ]
    assert detail["deadlines"]["periods"][0]["extended_by"] == 15
    assert {"kind": "replied", "label": "答复"} in detail["allowed_events"]
    r = api("kjj").post(
        url,
        {
            "kind": "replied",
            "on": "2025-04-01",
            "reply_type": "disclosed",
            "text": "已通过电子邮件发送《资金分配表》",
            "publish": True,
        },
    )
    assert r.status_code == 201 and r.json()["case"]["reply"]["letter"]
    letter = office.client.get(
        f"/api/v1/registers/cases/{case.pk}/letter.docx", headers=office.headers
    )
    assert letter.status_code == 200 and "attachment" in letter["Content-Disposition"]
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(letter.content)).paragraphs)
    assert receipt["tracking_no"] in text and "予以公开" in text
    assert office.post(url, {"kind": "closed", "on": "2025-04-02"}).status_code == 201
    seen = web.get(track).json()
    assert seen["state"] == "closed" and seen["reply"]["type_label"] == "予以公开"
    assert seen["reply"]["text"] == "已通过电子邮件发送《资金分配表》"
    assert [s["label"] for s in seen["steps"]] == [
        "收到",
        "受理",
        "延期",
        "延期",
        "答复",
        "办结",
    ]  # no internal assignment
    assert "10 个工作日" in seen["steps"][2]["detail"]


def test_complaint_from_form_to_reply(open_intake, api, settings):
    web = Public()
    r = web.post("/complaints", complaint_body(anonymous=True, name="不应保存", phone="不应校验"))
    assert r.status_code == 201, r.content
    receipt = r.json()
    case = Case.objects.get(tracking_no=receipt["tracking_no"])
    assert (
        receipt["tracking_no"].startswith("TS-2025-") and case.anonymous and case.person_id is None
    )
    assert receipt["due_on"] == "2025-03-18"  # whether it is accepted: 15 days
    settings.FAZHI_TODAY = date(2025, 4, 10)
    office = api("office")
    url = f"/registers/cases/{case.pk}/events"
    assert office.post(url, {"kind": "accepted", "on": "2025-03-05"}).status_code == 201
    assert (
        office.post(
            url, {"kind": "assigned", "on": "2025-03-05", "department": "zy-gxq-sfj"}
        ).status_code
        == 201
    )
    r = office.post(url, {"kind": "transferred", "on": "2025-03-06", "department": "zy-gxq-kjj"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert (
        office.post(
            url,
            {
                "kind": "transferred",
                "on": "2025-03-06",
                "department": "zy-gxq-kjj",
                "reason": "属科技经济局职责",
            },
        ).status_code
        == 201
    )
    r = api("kjj").post(
        url,
        {
            "kind": "replied",
            "on": "2025-04-10",
            "outcome": "substantiated",
            "text": "已责令退还费用",
        },
    )
    assert r.status_code == 201
    seen = web.get(f"/track/{receipt['tracking_no']}?code={receipt['query_code']}").json()
    assert seen["state"] == "replied" and seen["reply"]["type_label"] == "情况属实，已依法处理"
    assert seen["reply"]["text"] == ""  # not published
    named = web.post("/complaints", complaint_body()).json()
    shown = (
        api("leader")
        .get(f"/registers/cases/{Case.objects.get(tracking_no=named['tracking_no']).pk}")
        .json()
    )
    assert shown["person"]["phone"] != "028-87654321" and shown["person"]["masked"]


# ---------------------------------------------------------------- nothing to enumerate


def test_wrong_code_and_unknown_number_answer_the_same(open_intake, monkeypatch):
    web = Public()
    receipt = web.post("/disclosure-requests", disclosure_body()).json()
    compared = []
    real = public.codes.hmac.compare_digest
    monkeypatch.setattr(
        public.codes.hmac,
        "compare_digest",
        lambda a, b: compared.append((len(a), len(b))) or real(a, b),
    )
    wrong = web.get(f"/track/{receipt['tracking_no']}?code=AAAAAAAA")
    unknown = web.get("/track/YSQ-2025-ZZZZZZZZ?code=AAAAAAAA")
    nocode = web.get(f"/track/{receipt['tracking_no']}")
    other_kind = web.get(f"/track/TS-{receipt['tracking_no'][4:]}?code={receipt['query_code']}")
    for r in (wrong, unknown, nocode, other_kind):
        assert r.status_code == 404 and r.content == wrong.content
    assert wrong.json() == {"detail": "受理编号或查询码不正确"}
    assert (
        compared == [(64, 64)] * 4
    )  # the same SM3 comparison each time, against a dummy when unknown


def test_submissions_cannot_reach_an_existing_case(open_intake, settings):
    settings.FAZHI_PUBLIC_SUBMIT_LIMIT = 100
    web = Public()
    first = web.post("/disclosure-requests", disclosure_body()).json()
    case = Case.objects.get(tracking_no=first["tracking_no"])
    for field, value in [
        ("tracking_no", first["tracking_no"]),
        ("id", case.pk),
        ("person", case.person_id),
        ("state", "closed"),
        ("received_on", "2020-01-01"),
        ("query_code", "AAAAAAAA"),
    ]:
        r = web.post("/disclosure-requests", disclosure_body(**{field: value}))
        assert r.status_code == 422 and r.json()["field"] == field
    assert Case.objects.count() == 1 and Case.objects.get().person.name == "王五"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "1381234567"}, "phone"),
        ({"phone": "电话13812345678"}, "phone"),
        ({"email": "wang@"}, "email"),
        ({"phone": "", "email": ""}, "phone"),
        ({"name": None}, "name"),
        ({"name": "王" * 51}, "name"),
        ({"subject": ""}, "subject"),
        ({"content": "长" * 4001}, "content"),
        ({"zone": "cd-gxq-nope"}, "zone"),
        ({"zone": ["zy-gxq"]}, "zone"),
        ({"delivery": "fax"}, "delivery"),
        ({"applicant_kind": "robot"}, "applicant_kind"),
        ({"id_number": "11010519491231002Y"}, "id_number"),
        ({"anonymous": True}, "anonymous"),
        ({"subject": 12}, "subject"),
    ],
)
def test_public_input_errors_name_the_field(open_intake, change, field):
    r = Public().post("/disclosure-requests", disclosure_body(**change))
    assert r.status_code == 422 and r.json()["field"] == field and r.json()["detail"], r.json()


def test_html_is_kept_as_text_and_bodies_must_be_objects(open_intake, api):
    web = Public()
    r = web.post(
        "/complaints",
        complaint_body(
            subject="<script>alert('x')</script>", content="<img src=x onerror=alert(1)>"
        ),
    )
    assert r.status_code == 201
    case = Case.objects.get(tracking_no=r.json()["tracking_no"])
    assert case.subject == "<script>alert('x')</script>"
    assert (
        api("office").get(f"/registers/cases/{case.pk}").json()["content"]
        == "<img src=x onerror=alert(1)>"
    )
    bad = web.client.post(
        "/api/v1/public/complaints", data="[1,2]", content_type="application/json"
    )
    assert bad.status_code == 422
    bad = web.client.post(
        "/api/v1/public/complaints", data="{not json", content_type="application/json"
    )
    assert bad.status_code == 422


def test_closed_intake_is_not_offered(open_intake):
    from fazhi.registers.services import set_intake

    set_intake(
        open_intake["office"],
        "zy-gxq",
        {"complaint_open": False, "agency_name": "资阳高新区管理委员会"},
    )
    web = Public()
    zones = {z["code"]: z for z in web.get("/zones").json()}
    assert zones["zy-gxq"]["complaint"] is False and zones["zy-gxq"]["disclosure"] is True
    r = web.post("/complaints", complaint_body())
    assert r.status_code == 422 and r.json()["field"] == "zone"
    assert web.post("/disclosure-requests", disclosure_body()).status_code == 201


# ---------------------------------------------------------------- rate limits and the challenge


def test_submissions_are_rate_limited_per_address(open_intake, settings):
    settings.FAZHI_PUBLIC_SUBMIT_LIMIT = 5
    web = Public("198.51.100.1")
    for _ in range(5):
        assert web.post("/complaints", complaint_body()).status_code == 201
    r = web.post("/complaints", complaint_body())
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and int(r["Retry-After"]) <= 600
    assert "请求过于频繁" in r.json()["detail"]
    # an invalid submission counts too, and another address is not affected
    assert web.post("/complaints", {}).status_code == 429
    assert Public("198.51.100.2").post("/complaints", complaint_body()).status_code == 201
    assert RateCounter.objects.get(address="198.51.100.1", bucket="submit").count == 7
    # the next window starts afresh
    RateCounter.objects.update(
        window_start=RateCounter.objects.get(address="198.51.100.1").window_start
        - timedelta(hours=1)
    )
    assert web.post("/complaints", complaint_body()).status_code == 201


def test_lookups_are_rate_limited(open_intake, settings):
    settings.FAZHI_PUBLIC_LOOKUP_LIMIT = 3
    web = Public("198.51.100.9")
    for _ in range(3):
        assert web.get("/track/YSQ-2025-AAAAAAAA?code=BBBBBBBB").status_code == 404
    r = web.get("/track/YSQ-2025-AAAAAAAA?code=BBBBBBBB")
    assert r.status_code == 429 and r.has_header("Retry-After")


def test_challenge_is_required_when_on(open_intake, settings):
    settings.FAZHI_PUBLIC_CHALLENGE = "on"
    web = Public("192.0.2.10")
    r = web.post("/disclosure-requests", disclosure_body())
    assert r.status_code == 422 and r.json()["field"] == "challenge_token"
    c = web.get("/challenge").json()
    assert c["required"] is True and c["svg"].startswith("<svg") and "<text" not in c["svg"]
    assert solve(c["token"]) not in c["svg"].split("aria-label")[0][-5:]
    r = web.post(
        "/disclosure-requests", disclosure_body(challenge_token=c["token"], challenge_answer="9999")
    )
    assert r.status_code == 422 and r.json()["field"] == "challenge_answer"
    # a token is good once, right answer or not
    r = web.post(
        "/disclosure-requests",
        disclosure_body(challenge_token=c["token"], challenge_answer=solve(c["token"])),
    )
    assert r.status_code == 422 and "已使用" in r.json()["detail"]
    c = web.get("/challenge").json()
    r = web.post(
        "/disclosure-requests",
        disclosure_body(challenge_token=c["token"], challenge_answer=solve(c["token"])),
    )
    assert r.status_code == 201
    assert UsedChallenge.objects.count() == 2
    forged = signing.dumps({"n": "x", "m": public._answer_mac("x", "1")}, salt="other")
    r = web.post(
        "/disclosure-requests", disclosure_body(challenge_token=forged, challenge_answer="1")
    )
    assert r.status_code == 422 and r.json()["field"] == "challenge_token"


def test_expired_challenge(open_intake, settings):
    settings.FAZHI_PUBLIC_CHALLENGE = "on"
    settings.FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS = -1
    web = Public("192.0.2.11")
    c = web.get("/challenge").json()
    r = web.post(
        "/complaints",
        complaint_body(challenge_token=c["token"], challenge_answer=solve(c["token"])),
    )
    assert r.status_code == 422 and "过期" in r.json()["detail"]


def test_challenge_off_never_switches_the_rate_limit_off(open_intake, settings):
    settings.FAZHI_PUBLIC_SUBMIT_LIMIT = 1
    web = Public("192.0.2.12")
    assert web.post("/complaints", complaint_body()).status_code == 201
    assert web.post("/complaints", complaint_body()).status_code == 429


def test_a_tentative_due_date_is_marked_for_the_applicant(open_intake, settings):
    # Filed online Mon 2026-11-30 (issue 9's day; 2027 has no notice here): 12-01..04 (4),
    # 12-07..11 (9), 12-14..18 (14), 12-21..25 (19), 12-28 (20) -> 2026-12-28, exact. Filed
    # Fri 2026-12-11: 12-14..18 (5), 21..25 (10), 28..31 (14), then by weekends only Fri
    # 2027-01-01 (15), 01-04..08 (20) -> 2027-01-08, 暂定.
    settings.FAZHI_TODAY = "2026-11-30"
    receipt = Public().post("/disclosure-requests", disclosure_body()).json()
    assert (receipt["due_on"], receipt["due_note"]) == ("2026-12-28", "")
    settings.FAZHI_TODAY = "2026-12-11"
    web = Public(address="203.0.113.8")
    receipt = web.post("/disclosure-requests", disclosure_body()).json()
    assert receipt["due_on"] == "2027-01-08" and receipt["due_note"].startswith("暂定：2027 年")
    seen = web.get(f"/track/{receipt['tracking_no']}?code={receipt['query_code']}").json()
    assert seen["due_on"] == "2027-01-08" and seen["due_note"] == receipt["due_note"]
