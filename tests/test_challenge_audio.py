"""The public challenge read aloud (WCAG 1.1.1): the WAV the portal serves is recognised by
matching its spoken pieces against words espeak-ng says on its own, and the sum heard is
then answered through the form, as a person who cannot see the drawing would."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import wave
from array import array
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client

from fazhi.registers import public, speech
from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng 未安装"),
]

ROOT = Path(__file__).resolve().parents[1]
COMPLAINT = {"zone": "zy-gxq", "anonymous": "1", "subject": "某单位违规收费", "content": "具体情况"}


@pytest.fixture
def portal(workcalendar, users, settings):
    settings.FAZHI_TODAY = date(2025, 3, 3)
    settings.FAZHI_PUBLIC_CHALLENGE = "on"
    load_shipped(ROOT / "rules")
    return Client(REMOTE_ADDR="203.0.113.7")


@cache
def said(text: str) -> tuple[int, ...]:
    """The samples espeak-ng produces for one word, trimmed of silence (the reference to match)."""
    out = subprocess.run(
        ["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "130", "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(out)) as w:
        return tuple(_trim(array("h", w.readframes(len(out)))))


def _trim(samples):
    nonzero = [i for i, s in enumerate(samples) if s]
    return samples[nonzero[0] : nonzero[-1] + 1] if nonzero else samples[:0]


def pieces(wav: bytes) -> list[tuple[int, ...]]:
    """The sounds of the file, split at silences of at least 0.3 s."""
    with wave.open(io.BytesIO(wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        samples = array("h", w.readframes(w.getnframes()))
    out, start, zeros = [], None, 0
    for i, s in enumerate(samples):
        if s:
            if start is None:
                start = i
            zeros = 0
            continue
        zeros += 1
        if start is not None and zeros >= 0.3 * 22050:
            out.append(tuple(_trim(samples[start:i])))
            start = None
    if start is not None:
        out.append(tuple(_trim(samples[start:])))
    return out


VOCABULARY = {
    "请听算式": "qing3 ting1 suan4 shi4",
    "等于多少": "deng3 yu2 duo1 shao3",
    "再听一遍": "zai4 ting1 yi2 bian4",
    "+": "jia1",
    "-": "jian3",
    **{str(n): str(n) for n in range(1, 50)},
}


def hear(wav: bytes) -> list[str]:
    """What a listener hears, word by word."""
    known = {said(text): word for word, text in VOCABULARY.items()}
    return [known.get(p, "？") for p in pieces(wav)]


def audio_of(html: str) -> tuple[str, str]:
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    src = re.search(r'<audio controls preload="none" src="([^"]+)"', html).group(1)
    return token, src.replace("&amp;", "&")


def test_the_spoken_sum_answers_the_challenge(portal):
    html = portal.get("/public/complaints/new/").content.decode()
    token, src = audio_of(html)
    assert 'aria-describedby="challenge-audio-help"' in html and "下载语音验证题" in html
    r = portal.get(src)
    assert r.status_code == 200 and r["Content-Type"] == "audio/wav"
    assert r["Cache-Control"] == "no-store"
    heard = hear(r.content)
    # the question twice, every piece a known word
    assert heard[0] == "请听算式" and heard[4:7] == ["等于多少", "再听一遍", "请听算式"]
    assert heard[1:4] == heard[7:10] and heard[-1] == "等于多少" and "？" not in heard
    a, op, b = int(heard[1]), heard[2], int(heard[3])
    assert 10 <= a <= 49 and op in "+-" and 1 <= b <= 9
    # listening again gives the same words and does not spend the token
    assert portal.get(src).content == r.content
    answer = a + b if op == "+" else a - b
    ok = portal.post(
        "/public/complaints/new/",
        {**COMPLAINT, "challenge_token": token, "challenge_answer": str(answer)},
    )
    assert ok.status_code == 200 and "受理编号" in ok.content.decode()
    assert Case.objects.count() == 1
    # the API offers the same audio beside its challenge
    api = Client(REMOTE_ADDR="203.0.113.8").get("/api/v1/public/challenge").json()
    assert api["audio_url"].startswith("/public/challenge/audio/?token=")


def test_spoken_and_drawn_questions_are_one(portal):
    """The audio and the picture ask the same sum: the answer heard is the one the MAC holds."""
    token, src = audio_of(portal.get("/public/disclosure/new/").content.decode())
    heard = hear(portal.get(src).content)
    a, op, b = int(heard[1]), heard[2], int(heard[3])
    payload = signing.loads(token, salt=public._SALT)
    assert public._answer_mac(payload["n"], str(a + b if op == "+" else a - b)) == payload["m"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "请先完成验证（获取验证题）"),
        ("?token=forged", "验证信息无效，请重新获取验证题"),
    ],
)
def test_bad_tokens_refused_in_chinese(portal, query, message):
    r = portal.get(f"/public/challenge/audio/{query}")
    assert r.status_code == 400 and r.content.decode() == message


def test_expired_token_refused(portal, settings):
    token, src = audio_of(portal.get("/public/complaints/new/").content.decode())
    settings.FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS = -1
    r = portal.get(src)
    assert r.status_code == 400 and r.content.decode() == "验证题已过期，请重新获取"


def test_listening_counts_against_the_rate_limit(portal, settings):
    settings.FAZHI_PUBLIC_LOOKUP_LIMIT = 2
    token, src = audio_of(portal.get("/public/complaints/new/").content.decode())
    assert portal.get(src).status_code == 200
    r = portal.get(src)
    assert r.status_code == 429 and "Retry-After" in r


def test_the_page_works_without_a_speech_engine(portal, monkeypatch):
    """No espeak-ng on the server: no audio offered, the drawn challenge still works, and an
    old audio link says why in Chinese."""
    html = portal.get("/public/complaints/new/").content.decode()
    _, src = audio_of(html)
    monkeypatch.setenv("PATH", "/nonexistent")
    speech.clip.cache_clear()
    html = portal.get("/public/complaints/new/").content.decode()
    assert "<audio" not in html and "<svg" in html and 'name="challenge_token"' in html
    r = portal.get(src)
    assert r.status_code == 503 and r.content.decode() == speech.SpeechUnavailable.message
    assert Client().get("/api/v1/public/challenge").json()["audio_url"] == ""
