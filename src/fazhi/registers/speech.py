"""The public challenge read aloud, for people who cannot see its drawing (WCAG 1.1.1).

The sum is spoken in Mandarin on this server by espeak-ng (Debian package `espeak-ng`), so it
works on an intranet without any outside service. Debian's Mandarin dictionary lacks most
characters, so the words are written in pinyin with tone numbers for the `cmn-latn-pinyin`
voice; numbers are given as digits, which the voice reads as Mandarin numbers (47 → 四十七).

Each word is spoken on its own and the pieces are joined with short silences, so every
number is heard clearly; the whole question is said twice.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from functools import lru_cache

ENGINE = "espeak-ng"
VOICE = "cmn-latn-pinyin"
SPEED = 130  # words per minute: slower than espeak's default 175, for clarity
RATE = 22050  # espeak-ng's output: mono, 16-bit
INTRO = "qing3 ting1 suan4 shi4"  # 请听算式
OUTRO = "deng3 yu2 duo1 shao3"  # 等于多少
AGAIN = "zai4 ting1 yi2 bian4"  # 再听一遍
OPERATORS = {"+": "jia1", "-": "jian3"}  # 加, 减
GAP_SECONDS, PAUSE_SECONDS = 0.35, 1.0


class SpeechUnavailable(Exception):
    """The speech engine is not installed or failed."""

    message = "语音验证题暂不可用，请使用图形验证题，或通过页面底部的电话、地址联系受理机关"


def available() -> bool:
    return shutil.which(ENGINE) is not None


def words(a: int, op: str, b: int) -> list[str]:
    """What is said, word by word (pinyin or digits), once."""
    return [INTRO, str(a), OPERATORS[op], str(b), OUTRO]


@lru_cache(maxsize=128)
def clip(text: str) -> bytes:
    """16-bit mono PCM at RATE of one word or phrase (cached: the vocabulary is small)."""
    if not available():
        raise SpeechUnavailable()
    try:
        done = subprocess.run(
            [ENGINE, "-v", VOICE, "-s", str(SPEED), "--stdout", text],
            capture_output=True,
            timeout=10,
            check=True,
        )
        with wave.open(io.BytesIO(done.stdout)) as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
                raise SpeechUnavailable()
            # espeak-ng streams to stdout, so its header claims an unknown length: read it all
            return w.readframes(len(done.stdout))
    except (OSError, subprocess.SubprocessError, wave.Error, EOFError):
        raise SpeechUnavailable() from None


def _silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(RATE * seconds)


def challenge_wav(a: int, op: str, b: int) -> bytes:
    """A WAV file saying the sum twice, e.g. 请听算式 47 加 5 等于多少 … 再听一遍 …"""
    once = _silence(GAP_SECONDS).join(clip(w) for w in words(a, op, b))
    frames = b"".join(
        [_silence(0.3), once, _silence(PAUSE_SECONDS), clip(AGAIN), _silence(GAP_SECONDS), once]
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames + _silence(0.3))
    return out.getvalue()
