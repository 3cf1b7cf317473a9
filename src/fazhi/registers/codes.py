"""Tracking numbers and query codes for the public.

A tracking number (受理编号) is a prefix, the year and 8 random characters (40 bits): it
cannot be guessed from a neighbour. The query code (查询码) is 8 random characters shown
once to the person who filed; only its SM3 digest (bound to the tracking number) is kept,
and it is compared in constant time. Both use an alphabet without 0/O, 1/I/L and U.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # Crockford-like: no 0 O 1 I L U
PREFIX = {"disclosure": "YSQ", "complaint": "TS"}
RANDOM_LEN = 8
QUERY_CODE_LEN = 8
# Compared against when the tracking number is unknown, so both answers take the same work.
_DUMMY_DIGEST = hashlib.new("sm3", b"fazhi:no-such-case").hexdigest()


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def new_tracking_no(kind: str, year: int) -> str:
    return f"{PREFIX[kind]}-{year}-{_random(RANDOM_LEN)}"


def new_query_code() -> str:
    return _random(QUERY_CODE_LEN)


def normalise(value) -> str:
    """Upper case, spaces and dashes inside the code dropped (people copy codes as they like)."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value.upper() if ch not in " -\t")[:32]


def digest(tracking_no: str, code: str) -> str:
    return hashlib.new("sm3", f"{tracking_no}\x1f{normalise(code)}".encode()).hexdigest()


def check(tracking_no: str, code, stored_digest: str | None) -> bool:
    """Constant-time: the same digest and comparison whether or not the case exists."""
    candidate = digest(tracking_no, code if isinstance(code, str) else "")
    ok = hmac.compare_digest(candidate, stored_digest or _DUMMY_DIGEST)
    return ok and stored_digest is not None


def normalise_tracking_no(value) -> str:
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip().upper()[:32]
