"""The SM3 hash chain of the audit log: an intact chain verifies, every tampering is found
at the first entry that no longer fits."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fazhi.core.chain import (
    GENESIS,
    canonical,
    checkpoint_mac,
    first_break,
    link,
    sm3_hex,
    stored,
)

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTENT = "内容与哈希不符（记录被改动或链被重新计算）"
PREV = "前一条哈希不符（记录被删除、插入或改动）"


def check(entries):
    """first_break over a chain written before keying: (id, prev, hash, fields), no key."""
    return first_break(((i, p, h, "", f) for i, p, h, f in entries), {})


def build(field_lists, ids=None):
    """Entries (id, prev_hash, hash, fields) as the audit log stores them."""
    ids = (
        list(ids) if ids is not None else [10 * (n + 1) for n in range(len(field_lists))]
    )  # gaps leave room to insert
    entries, prev = [], GENESIS
    for entry_id, fields in zip(ids, field_lists, strict=False):
        h = link(prev, fields)
        entries.append((entry_id, prev, h, list(fields)))
        prev = h
    return entries


def audit_like(n):
    """Field lists shaped like AuditEntry.chain_fields()."""
    return [
        [
            f"2025-03-{n % 28 + 1:02d}T08:00:00.{n:06d}+00:00",
            n % 3 or None,
            "office" if n % 2 else "",
            "result.update",
            "assessments.resultrow",
            str(100 + n),
            "" if n == 0 else '{"self_score":"4.5"}',
            '{"self_score":"5"}',
            "127.0.0.1",
        ]
        for n in range(n)
    ]


# --------------------------------------------------------------------------- examples


def test_sm3_known_answer():
    # GB/T 32905-2016, example 1
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert len(GENESIS) == 64 and set(GENESIS) == {"0"}


def test_link_is_sm3_of_prev_and_canonical_content():
    fields = ["2025-01-01T00:00:00.000000+00:00", 3, "张三", "登录", None]
    h = link(GENESIS, fields)
    assert h == hashlib.new("sm3", GENESIS.encode() + canonical(fields)).hexdigest()
    assert len(h) == 64 and int(h, 16) >= 0
    assert canonical(fields) == '["2025-01-01T00:00:00.000000+00:00",3,"张三","登录",null]'.encode()
    assert link(GENESIS, fields) == link(GENESIS, tuple(fields))
    assert link(GENESIS, fields) != link(h, fields)  # the previous hash is committed to


def test_canonical_tells_types_and_boundaries_apart():
    assert canonical([1]) != canonical(["1"]) != canonical([True])
    assert canonical([""]) != canonical([None])
    assert canonical(["a", "b"]) != canonical(["a,b"]) != canonical(["ab"])
    assert canonical([{"b": 1, "a": 2}]) == canonical([{"a": 2, "b": 1}])  # keys in fixed order


# Every stored hash was made with json's encoding: the quick encoder must give the same bytes
# for anything an entry can hold, and hand what it cannot write alike to json.
def _json_canonical(fields) -> bytes:
    return json.dumps(
        list(fields), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8", "surrogatepass")


scalars = st.one_of(
    st.text(),  # every code point, lone surrogates and control characters included
    st.integers(),  # beyond 64 bits too
    st.none(),
    st.booleans(),
    st.floats(),
    st.dictionaries(st.text(), st.integers()),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(scalars, max_size=12))
def test_canonical_is_json_byte_for_byte(fields):
    assert canonical(fields) == _json_canonical(fields)
    assert canonical(tuple(fields)) == _json_canonical(fields)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=12))
def test_stored_columns_encode_as_canonical(fields):
    """What the audit table gives back (text, integers, NULL) is encoded without the type
    check, to the same bytes."""
    assert stored(fields) == stored(tuple(fields)) == _json_canonical(fields)


@pytest.mark.parametrize(
    "fields",
    [
        ["\ud800", "a"],  # lone surrogate
        [2**64, 1],
        [-(2**63) - 1],
        [1e16, 1.5, float("inf")],
        [{"b": 1, "a": [2, None]}],
        ['\u2028\u2029\x7f\x00\x1f"\\/\t\n'],
        ["2025-01-01T00:00:00.000000+00:00", None, "张三", '{"a":"b"}', ""],
    ],
)
def test_canonical_edges(fields):
    assert canonical(fields) == _json_canonical(fields)


def test_empty_chain():
    assert check([]) == (0, None, "")


@pytest.mark.parametrize("n", [1, 2, 5, 40])
def test_intact_chain(n):
    assert check(build(audit_like(n))) == (n, None, "")


def test_first_entry_must_start_from_genesis():
    entries = build(audit_like(3))
    entry_id, _, _, fields = entries[0]
    forged_prev = "f" * 64
    entries[0] = (entry_id, forged_prev, link(forged_prev, fields), fields)
    assert check(entries) == (0, 10, PREV)


@pytest.mark.parametrize("k", range(5))
@pytest.mark.parametrize("pos", range(9))
def test_changing_a_field_is_found_at_that_entry(k, pos):
    entries = build(audit_like(5))
    entry_id, prev, h, fields = entries[k]
    changed = list(fields)
    changed[pos] = "x" if changed[pos] != "x" else "y"
    entries[k] = (entry_id, prev, h, changed)
    assert check(entries) == (k, entry_id, CONTENT)


def test_changing_the_stored_hash_or_prev_is_found():
    base = build(audit_like(4))
    entries = list(base)
    i, p, h, f = entries[2]
    entries[2] = (i, p, "0" * 64, f)
    assert check(entries) == (2, 30, CONTENT)
    entries = list(base)
    entries[2] = (i, GENESIS, h, f)
    assert check(entries) == (2, 30, PREV)


def test_rehashing_the_changed_entry_is_found_at_the_next():
    entries = build(audit_like(4))
    i, p, _, f = entries[1]
    f = [*f[:-1], "10.0.0.9"]
    entries[1] = (i, p, link(p, f), f)
    assert check(entries) == (2, 30, PREV)


def test_swapping_two_entries_is_found_at_the_first_position():
    entries = build(audit_like(6))
    swapped = list(entries)
    swapped[1], swapped[4] = swapped[4], swapped[1]
    assert check(swapped) == (1, 50, PREV)
    # the rows keep their ids, their contents are exchanged
    swapped = list(entries)
    a, b = entries[2], entries[3]
    swapped[2], swapped[3] = (a[0], *b[1:]), (b[0], *a[1:])
    assert check(swapped) == (2, 30, PREV)


def test_deleting_entries_is_found_at_the_next_one():
    entries = build(audit_like(5))
    assert check(entries[:2] + entries[3:]) == (2, 40, PREV)
    assert check(entries[1:]) == (0, 20, PREV)  # the first one


def test_inserting_a_forged_entry():
    entries = build(audit_like(4))
    _, _, h1, _ = entries[0]
    fields = ["2025-03-02T00:00:00.000000+00:00", None, "", "forged", "", "", "", "", ""]
    # well forged (linked to its predecessor): it passes, the original that follows does not
    good = (15, h1, link(h1, fields), fields)
    assert check([entries[0], good, *entries[1:]]) == (2, 20, PREV)
    # a wrong hash: found at the forged entry itself
    assert check([entries[0], (15, h1, "a" * 64, fields), *entries[1:]]) == (1, 15, CONTENT)
    # a wrong previous hash: found at the forged entry itself
    assert check([entries[0], (15, GENESIS, link(GENESIS, fields), fields), *entries[1:]]) == (
        1,
        15,
        PREV,
    )


def test_what_the_chain_alone_cannot_see():
    """Limits of first_break by itself, kept visible: dropping the newest entries, or
    rewriting every hash from the change onwards, yields a chain that verifies. Catching
    those needs an anchor outside the table (a published last hash or count)."""
    fl = audit_like(5)
    entries = build(fl)
    assert check(entries[:3]) == (3, None, "")
    fl[2] = [*fl[2][:-1], "10.0.0.9"]
    rewritten = build(fl)
    assert check(rewritten) == (5, None, "")
    assert rewritten[-1][2] != entries[-1][2]  # ...but the last hash differs from an anchor


def test_stops_at_the_break_without_reading_further():
    entries = build(audit_like(5))
    i, p, h, f = entries[1]
    entries[1] = (i, p, h, [*f, "extra"])

    def rows():
        yield from entries[:3]
        raise AssertionError("read past the break")

    assert check(rows()) == (1, 20, CONTENT)


# --------------------------------------------------------------------------- properties

scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.none(),
    st.booleans(),
)
field_lists = st.lists(scalars, max_size=9)
chains = st.lists(field_lists, min_size=1, max_size=12)


@PROPS
@given(chains)
def test_any_intact_chain_verifies(fls):
    entries = build(fls)
    assert check(entries) == (len(fls), None, "")
    assert check(iter(entries)) == (len(fls), None, "")


@PROPS
@given(chains, st.data())
def test_any_field_change_is_found_at_its_entry(fls, data):
    entries = build(fls)
    k = data.draw(st.integers(0, len(entries) - 1), label="entry")
    entry_id, prev, h, fields = entries[k]
    changed = list(fields)
    action = data.draw(
        st.sampled_from(["replace", "insert", "delete"] if changed else ["insert"]), label="action"
    )
    if action == "replace":
        pos = data.draw(st.integers(0, len(changed) - 1), label="pos")
        changed[pos] = data.draw(scalars, label="value")
    elif action == "insert":
        changed.insert(
            data.draw(st.integers(0, len(changed)), label="pos"), data.draw(scalars, label="value")
        )
    else:
        del changed[data.draw(st.integers(0, len(changed) - 1), label="pos")]
    assume(canonical(changed) != canonical(fields))  # e.g. 1 -> 1 is no change
    entries[k] = (entry_id, prev, h, changed)
    assert check(entries) == (k, entry_id, CONTENT)


@PROPS
@given(chains.filter(lambda c: len(c) >= 2), st.data())
def test_any_swap_is_found_at_the_first_swapped_position(fls, data):
    entries = build(fls)
    i = data.draw(st.integers(0, len(entries) - 2), label="i")
    j = data.draw(st.integers(i + 1, len(entries) - 1), label="j")
    entries[i], entries[j] = entries[j], entries[i]
    assert check(entries) == (i, entries[i][0], PREV)


@PROPS
@given(chains.filter(lambda c: len(c) >= 3), st.data())
def test_any_middle_deletion_is_found_at_the_next_entry(fls, data):
    entries = build(fls)
    k = data.draw(st.integers(1, len(entries) - 2), label="k")
    following = entries[k + 1][0]
    del entries[k]
    assert check(entries) == (k, following, PREV)


@PROPS
@given(chains, st.data())
def test_any_inserted_forgery_is_found(fls, data):
    entries = build(fls)
    k = data.draw(
        st.integers(0, len(entries) - 1), label="before entry"
    )  # not at the end: that is an append
    forged_fields = data.draw(field_lists, label="forged fields")
    forged_id = entries[k][0] - 5
    prev = entries[k - 1][2] if k else GENESIS
    how = data.draw(st.sampled_from(["linked", "bad hash", "bad prev"]), label="how")
    if how == "linked":
        forged = (forged_id, prev, link(prev, forged_fields), forged_fields)
        expected = (k + 1, entries[k][0], PREV)  # the forgery itself fits; its successor does not
    elif how == "bad hash":
        bad = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64), label="hash")
        assume(bad != link(prev, forged_fields))
        forged = (forged_id, prev, bad, forged_fields)
        expected = (k, forged_id, CONTENT)
    else:
        other = entries[k][2]  # any hash but the right previous one
        forged = (forged_id, other, link(other, forged_fields), forged_fields)
        expected = (k, forged_id, PREV)
    entries.insert(k, forged)
    assert check(entries) == expected


# --------------------------------------------------------------------------- the keyed chain

KEY = b"k" * 32


def keyed(field_lists, start=GENESIS, first_id=10):
    entries, prev = [], start
    for n, fields in enumerate(field_lists):
        h = link(prev, fields, KEY)
        entries.append((first_id + 10 * n, prev, h, "a1", list(fields)))
        prev = h
    return entries


def test_a_keyed_chain_verifies_only_with_its_key():
    entries = keyed(audit_like(5))
    assert first_break(entries, {"a1": KEY}) == (5, None, "")
    assert first_break(entries, {"a1": b"x" * 32}).entry_id == 10
    assert "没有审计密钥" in first_break(entries, {}).reason


def test_rehashing_without_the_key_is_found():
    entries = keyed(audit_like(5))
    i, p, _, _, f = entries[2]
    changed = [*f[:-1], "10.0.0.9"]
    entries[2] = (i, p, link(p, changed), "a1", changed)  # SM3, as the probe recomputed
    assert first_break(entries, {"a1": KEY})[1:] == (30, CONTENT)


def test_an_unkeyed_entry_after_keyed_ones_is_a_forgery():
    old = build(audit_like(2))
    entries = [(i, p, h, "", f) for i, p, h, f in old] + keyed(
        audit_like(2), start=old[-1][2], first_id=30
    )
    assert first_break(entries, {"a1": KEY}) == (4, None, "")  # old, then keyed: fine
    i, p, _, _, f = entries[3]
    entries[3] = (i, p, link(p, f), "", f)
    assert first_break(entries, {"a1": KEY})[1] == 40
    # stripped of every key: only the checkpoint's first keyed id tells
    plain = [(i, p, h, "", f) for i, p, h, f in build(audit_like(4))]
    assert first_break(plain, {"a1": KEY}).entry_id is None
    assert first_break(plain, {"a1": KEY}, keyed_from=30).entry_id == 30


def test_checkpoint_mac_binds_every_field():
    mac = checkpoint_mac(KEY, 7, "ab" * 32, 3)
    assert mac != checkpoint_mac(KEY, 8, "ab" * 32, 3)
    assert mac != checkpoint_mac(KEY, 7, "cd" * 32, 3)
    assert mac != checkpoint_mac(KEY, 7, "ab" * 32, None)
    assert mac != checkpoint_mac(b"x" * 32, 7, "ab" * 32, 3)
