"""Guessable password patterns (pure): runs of sequential or adjacent-key characters, and a
name (the user's, the platform's) padded with digits and symbols, as in 12345678Aa or Fazhi@2025."""

from __future__ import annotations

import re

RUN = 4  # this many characters in a row make a run
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb")
ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "0123456789")
PLATFORM_NAMES = ("fazhi", "法治", "fzsfq")


def _runs():
    for line in KEYBOARD_ROWS + ALPHABETS:
        for seq in (line, line[::-1]):
            for i in range(len(seq) - RUN + 1):
                yield seq[i : i + RUN]


RUNS = frozenset(_runs())


def has_run(password: str) -> str | None:
    """The first run of RUN sequential or adjacent-key characters (case ignored), or None."""
    low = password.lower()
    for i in range(len(low) - RUN + 1):
        if low[i : i + RUN] in RUNS:
            return low[i : i + RUN]
    return None


def padded_name(password: str, names: tuple[str, ...] = ()) -> str | None:
    """The name the password is made of, once digits and symbols are taken away, or None."""
    core = re.sub(r"[\W\d_]+", "", password.lower())
    for name in (*PLATFORM_NAMES, *names):
        name = (name or "").strip().lower()
        if len(name) >= 2 and (core == name or (len(name) >= 4 and name in core)):
            return name
    return None


def weakness(password: str, names: tuple[str, ...] = ()) -> str | None:
    """A Chinese reason why the password is guessable, or None."""
    run = has_run(password)
    if run:
        return f"密码不能包含连续或键盘上相邻的字符（如 {run}）"
    if padded_name(password, names):
        return "密码不能由姓名、用户名或平台名称加数字、符号组成"
    return None
