"""The audit log's chain: each entry commits to the one before it.

Entries written since the chain was keyed carry HMAC-SM3(key, previous hash || canonical
content) with a key kept outside the database, so whoever holds only the database cannot
recompute the chain after editing an entry. Older entries (key id "") carry plain
SM3(previous || content); they stay protected through the first keyed entry after them,
whose MAC covers their last hash. A checkpoint (the head's id and a MAC of its hash) kept
outside the database catches the removal of the newest entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as keyed

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


# One encoder for every entry: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
# The types orjson writes byte for byte as _ENCODE does (UTF-8 as is, compact, the same
# escapes). Floats (orjson writes 1e16 where json writes 1e+16), dicts (key order) and anything
# else go the slow way; so do lone surrogates and integers beyond 64 bits, which orjson refuses.
_ORJSON_TYPES = frozenset({str, int, type(None)})


def canonical(fields: Sequence) -> bytes:
    """One unambiguous byte string for an entry's content (a JSON array, fixed order)."""
    if _ORJSON_TYPES.issuperset(map(type, fields)):
        return stored(fields)
    return _slow(fields)


def stored(fields: Sequence) -> bytes:
    """canonical() of fields as the audit table gives them back (text, integers, NULL: the
    types orjson writes as json does), without checking each entry's types again."""
    try:
        return orjson.dumps(fields if type(fields) in (list, tuple) else list(fields))
    except orjson.JSONEncodeError:
        return _slow(fields)


def _slow(fields: Sequence) -> bytes:
    return _ENCODE(list(fields)).encode(
        "utf-8",
        "surrogatepass",  # a lone surrogate in user text must not stop the audit
    )


def _keyed(key: bytes) -> keyed.HMAC:
    """HMAC-SM3 keyed once; each entry copies it. The cryptography wheel's OpenSSL does this
    in about half the time of hashlib's (the verifier's largest cost per entry)."""
    return keyed.HMAC(key, hashes.SM3())


def link(prev_hash: str, fields: Sequence, key: bytes | None = None) -> str:
    """The entry's hash: keyed HMAC-SM3 when a key is given, else SM3 (entries before keying)."""
    data = prev_hash.encode() + canonical(fields)
    if key is None:
        return sm3_hex(data)
    mac = _keyed(key)
    mac.update(data)
    return mac.finalize().hex()


UNSIGNED = "记录缺少审计密钥的签名（链被重新计算）"


class Break(NamedTuple):
    checked: int  # entries found intact before the break
    entry_id: int | None  # the first entry concerned; None when the chain is whole
    reason: str = ""


def first_break(
    entries: Iterable[tuple[int, str, str, str, Sequence]],
    keys: Mapping[str, bytes],
    *,
    keyed_from: int | None = None,
    expected_prev: str = GENESIS,
    encode: Callable[[Sequence], bytes] = canonical,
) -> Break:
    """Check (id, prev_hash, hash, key id, fields) in id order. An unkeyed entry at or after
    keyed_from (the first keyed id, as the checkpoint remembers it) is a forgery. `encode`:
    `stored` for fields read from the audit table, which gives canonical()'s bytes quicker."""
    return _walk(entries, keys, keyed_from, expected_prev, encode)[0]


def _walk(entries, keys, keyed_from, expected_prev, encode=canonical):
    """first_break, and what a stretch's join needs that the walk sees on its way: the last
    hash, whether a keyed entry was met, and the first unkeyed one (index, id)."""
    checked = 0
    macs = {kid: _keyed(key) for kid, key in keys.items()}
    keyed_seen = False
    first_unkeyed = None
    for entry_id, prev_hash, stored_hash, key_id, fields in entries:
        if prev_hash != expected_prev:
            found = Break(checked, entry_id, "前一条哈希不符（记录被删除、插入或改动）")
            return found, expected_prev, keyed_seen, first_unkeyed
        data = prev_hash.encode() + encode(fields)
        if key_id:
            base = macs.get(key_id)
            if base is None:
                found = Break(checked, entry_id, f"没有审计密钥 {key_id}，无法校验")
                return found, expected_prev, keyed_seen, first_unkeyed
            mac = base.copy()
            mac.update(data)
            computed = mac.finalize().hex()
            keyed_seen = True
        else:
            if first_unkeyed is None:
                first_unkeyed = (checked, entry_id)
            if keyed_seen or (keyed_from is not None and entry_id >= keyed_from):
                return Break(checked, entry_id, UNSIGNED), expected_prev, keyed_seen, first_unkeyed
            computed = sm3_hex(data)
        if not hmac.compare_digest(computed, stored_hash):
            found = Break(checked, entry_id, "内容与哈希不符（记录被改动或链被重新计算）")
            return found, expected_prev, keyed_seen, first_unkeyed
        expected_prev = stored_hash
        checked += 1
    return Break(checked, None), expected_prev, keyed_seen, first_unkeyed


# ---------------------------------------------------------------- verifying in parts, side by side


class Part(NamedTuple):
    """One stretch of the chain checked on its own (entries in id order), with what is needed
    to join it to the stretches before it: its first entry's link backwards, its last hash,
    and the signing facts the rule "no unkeyed entry after a keyed one" spans stretches by."""

    count: int
    first_id: int | None
    first_prev: str
    last_hash: str
    found: Break  # inside the stretch (its first link backwards not checked here)
    has_keyed: bool
    first_unkeyed: tuple[int, int] | None  # (index in the stretch, entry id)


def check_part(
    entries: Iterable[tuple[int, str, str, str, Sequence]],
    keys: Mapping[str, bytes],
    *,
    keyed_from: int | None = None,
    encode: Callable[[Sequence], bytes] = canonical,
) -> Part:
    """first_break over one stretch, trusting its first entry's stored link backwards (join
    checks it against the stretch before). The facts of a broken stretch past its break are
    not needed: join stops there."""
    rows = iter(entries)
    first = next(rows, None)
    if first is None:
        return Part(0, None, "", "", Break(0, None), False, None)
    found, last, keyed, unkeyed = _walk(_prepend(first, rows), keys, keyed_from, first[1], encode)
    count = found.checked + (found.entry_id is not None)  # the broken entry was read too
    return Part(count, first[0], first[1], last, found, keyed, unkeyed)


def _prepend(first, rest):
    yield first
    yield from rest


def join(parts: Iterable[Part], expected_prev: str = GENESIS) -> Break:
    """The stretches in id order, as first_break over them all would answer."""
    checked = 0
    keyed_before = False
    prev = expected_prev
    for part in parts:
        if part.count == 0:
            continue
        if part.first_prev != prev:
            return Break(checked, part.first_id, "前一条哈希不符（记录被删除、插入或改动）")
        # At one entry first_break looks at its link, then its signing, then its content.
        issues = []
        if part.found.entry_id is not None:
            reason = part.found.reason
            order = 0 if reason.startswith("前一条") else 2 if reason.startswith("内容") else 1
            issues.append((part.found.checked, order, part.found.entry_id, reason))
        if keyed_before and part.first_unkeyed is not None:
            index, entry_id = part.first_unkeyed
            issues.append((index, 1, entry_id, UNSIGNED))
        if issues:
            index, _, entry_id, reason = min(issues)
            return Break(checked + index, entry_id, reason)
        checked += part.count
        keyed_before = keyed_before or part.has_keyed
        prev = part.last_hash
    return Break(checked, None)


def checkpoint_mac(key: bytes, entry_id: int, entry_hash: str, keyed_from: int | None) -> str:
    """Binds a checkpoint's fields together, so the file cannot be edited without the key."""
    msg = f"fazhi-audit-checkpoint|{entry_id}|{entry_hash}|{keyed_from or ''}".encode()
    return hmac.new(key, msg, "sm3").hexdigest()
