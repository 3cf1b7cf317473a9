"""The public portal pages (no sign-in): landing, intake forms with the challenge, tracking,
and the friendly rate-limit page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client

from fazhi.registers import public
from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 3, 3)


@pytest.fixture
def portal(workcalendar, users, settings):
    settings.FAZHI_TODAY = TODAY
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    load_shipped(ROOT / "rules")
    return Client(REMOTE_ADDR="203.0.113.9")


COMPLAINT = {
    "zone": "zy-gxq",
    "name": "赵六",
    "phone": "13812345678",
    "category": "report",
    "subject": "某单位违规收费",
    "content": "办理认定时被收取材料费",
    "respondent": "某服务中心",
}


def receipt_of(html: str) -> tuple[str, str]:
    number = re.search(r'id="tracking-no"[^>]*>([^<]+)<', html).group(1)
    code = re.search(r'id="query-code"[^>]*>([^<]+)<', html).group(1)
    return number.strip(), code.strip()


def test_landing_lists_zones_and_actions(portal):
    r = portal.get("/public/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "资阳高新区" in html or "高新区" in html
    assert (
        "/public/complaints/new/" in html
        and "/public/disclosure/new/" in html
        and "/public/track/" in html
    )
    assert "style=" not in html and "<script>" not in html


def test_complaint_filed_then_tracked(portal):
    form = portal.get("/public/complaints/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'for="f-subject"' in html and 'id="f-subject"' in html and "challenge_answer" not in html
    r = portal.post("/public/complaints/new/", COMPLAINT)
    assert r.status_code == 200, r.content.decode()[:2000]
    number, code = receipt_of(r.content.decode())
    assert "请妥善保存" in r.content.decode()
    case = Case.objects.get(tracking_no=number)
    assert case.channel == "online" and case.kind == "complaint" and case.zone.code == "zy-gxq"
    t = portal.post("/public/track/", {"tracking_no": number, "code": code})
    page = t.content.decode()
    assert t.status_code == 200
    assert case.state_label in page and "2025-03-03" in page
    assert code not in page  # the code is never echoed back


def test_anonymous_complaint(portal):
    r = portal.post(
        "/public/complaints/new/",
        {"zone": "zy-gxq", "anonymous": "1", "subject": "s", "content": "c"},
    )
    assert r.status_code == 200
    number, _ = receipt_of(r.content.decode())
    assert Case.objects.get(tracking_no=number).anonymous


def test_errors_next_to_fields_values_kept(portal):
    r = portal.post(
        "/public/disclosure/new/",
        {"zone": "zy-gxq", "name": "王五", "subject": "财政信息", "content": ""},
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert 'aria-invalid="true"' in html and 'aria-describedby="' in html
    assert "王五" in html and "财政信息" in html
    assert not Case.objects.exists()


def test_wrong_code_and_unknown_number_same_message(portal):
    r = portal.post("/public/complaints/new/", COMPLAINT)
    number, code = receipt_of(r.content.decode())
    wrong = portal.post("/public/track/", {"tracking_no": number, "code": "WRONG" + code})
    unknown = portal.post("/public/track/", {"tracking_no": number[:-2] + "00", "code": code})
    assert wrong.status_code == unknown.status_code == 404
    assert public.NOT_FOUND_MESSAGE in wrong.content.decode()
    assert public.NOT_FOUND_MESSAGE in unknown.content.decode()

    def strip(r):
        return re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"', "", r.content.decode()
        )

    assert strip(wrong) == strip(unknown)


def test_challenge_required_when_on(portal, settings):
    settings.FAZHI_PUBLIC_CHALLENGE = "on"
    form = portal.get("/public/complaints/new/")
    html = form.content.decode()
    assert "<svg" in html and 'name="challenge_token"' in html and 'id="f-challenge_answer"' in html
    r = portal.post("/public/complaints/new/", COMPLAINT)
    assert r.status_code == 422 and not Case.objects.exists()
    assert 'id="f-challenge_answer-error"' in r.content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', form.content.decode()).group(1)
    payload = signing.loads(token, salt=public._SALT)
    answer = next(
        str(n) for n in range(-20, 200) if public._answer_mac(payload["n"], str(n)) == payload["m"]
    )
    ok = portal.post(
        "/public/complaints/new/",
        {**COMPLAINT, "challenge_token": token, "challenge_answer": answer},
    )
    assert ok.status_code == 200 and Case.objects.count() == 1


def test_rate_limit_page(portal, settings):
    settings.FAZHI_PUBLIC_SUBMIT_LIMIT = 1
    assert portal.post("/public/complaints/new/", COMPLAINT).status_code == 200
    r = portal.post("/public/complaints/new/", COMPLAINT)
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    html = r.content.decode()
    assert "请稍后再试" in html and "分钟" in html
