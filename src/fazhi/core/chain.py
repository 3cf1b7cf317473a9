"""SM3 hash chain for the audit log: each entry commits to the one before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(fields: Sequence) -> bytes:
    """One unambiguous byte string for an entry's content (a JSON array, fixed order)."""
    return json.dumps(
        list(fields), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode(
        "utf-8",
        "surrogatepass",  # a lone surrogate in user text must not stop the audit
    )


def link(prev_hash: str, fields: Sequence) -> str:
    """The entry's hash: SM3(previous hash || canonical content)."""
    return sm3_hex(prev_hash.encode() + canonical(fields))


def first_break(entries: Iterable[tuple[int, str, str, Sequence]]) -> tuple[int, int | None, str]:
    """Check (id, prev_hash, hash, fields) in order. Returns (checked, broken_id, reason)."""
    expected_prev = GENESIS
    checked = 0
    for entry_id, prev_hash, stored_hash, fields in entries:
        if prev_hash != expected_prev:
            return checked, entry_id, "前一条哈希不符（记录被删除、插入或改动）"
        if link(prev_hash, fields) != stored_hash:
            return checked, entry_id, "内容与哈希不符（记录被改动）"
        expected_prev = stored_hash
        checked += 1
    return checked, None, ""
