"""Verifying the audit chain in stretches side by side (chain.check_part, chain.join) answers
exactly what one walk over the whole chain answers, for every way of tampering and every way of
cutting the chain into stretches."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.core.chain import GENESIS, check_part, first_break, join, link

KEYS = {"a1": b"k" * 32, "a2": b"j" * 32}
PROPS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chain_of(n: int, unkeyed: int):
    """n entries (id, prev, hash, key id, fields): the first `unkeyed` written before keying."""
    rows, prev = [], GENESIS
    for i in range(n):
        fields = [
            "2025-01-01T00:00:00.000000+00:00",
            i % 3,
            f"u{i}",
            "x.update",
            "t",
            str(i),
            "",
            "",
            "",
        ]
        kid = "" if i < unkeyed else ("a1" if i % 4 else "a2")
        h = link(prev, fields, KEYS[kid] if kid else None)
        rows.append((10 * (i + 1), prev, h, kid, fields))
        prev = h
    return rows


def tamper(rows, how: str, at: int):
    rows = list(rows)
    if not rows:
        return rows
    at %= len(rows)
    entry_id, prev, h, kid, fields = rows[at]
    if how == "content":
        rows[at] = (entry_id, prev, h, kid, [*fields[:-1], "改"])
    elif how == "delete":
        del rows[at]
    elif how == "insert":
        rows.insert(at, (entry_id - 5, prev, link(prev, ["x"]), "", ["x"]))
    elif how == "unsign":  # recomputed without the key: plain SM3, no key id
        rows[at] = (entry_id, prev, link(prev, fields), "", fields)
    elif how == "unknown key":
        rows[at] = (entry_id, prev, h, "zz", fields)
    elif how == "relink":  # the rest of the chain recomputed without the key after a change
        fixed, last = rows[:at], rows[at - 1][2] if at else GENESIS
        for entry_id, _, _, _, fields in rows[at:]:
            fields = [*fields[:-1], "改"]
            h = link(last, fields)
            fixed.append((entry_id, last, h, "", fields))
            last = h
        rows = fixed
    return rows


def cut(rows, points):
    """The rows cut into stretches at the given positions."""
    edges = sorted({p % (len(rows) + 1) for p in points} | {0, len(rows)})
    return [rows[a:b] for a, b in zip(edges, edges[1:], strict=False)]


@PROPS
@given(
    n=st.integers(0, 40),
    unkeyed=st.integers(0, 40),
    how=st.sampled_from(["none", "content", "delete", "insert", "unsign", "unknown key", "relink"]),
    at=st.integers(0, 100),
    points=st.lists(st.integers(0, 100), max_size=5),
    keyed_from=st.sampled_from([None, "first keyed"]),
)
def test_parts_joined_answer_as_one_walk(n, unkeyed, how, at, points, keyed_from):
    rows = chain_of(n, unkeyed)
    first_keyed = next((r[0] for r in rows if r[3]), None)
    kf = first_keyed if keyed_from else None
    if how != "none":
        rows = tamper(rows, how, at)
    whole = first_break(rows, KEYS, keyed_from=kf)
    parts = [check_part(iter(stretch), KEYS, keyed_from=kf) for stretch in cut(rows, points)]
    assert join(parts) == whole


def test_a_stretch_that_does_not_follow_the_one_before_is_named():
    rows = chain_of(10, 0)
    del rows[5]
    parts = [check_part(iter(rows[:5]), KEYS), check_part(iter(rows[5:]), KEYS)]
    assert parts[1].found.entry_id is None  # on its own the second stretch is whole
    assert join(parts) == (5, rows[5][0], "前一条哈希不符（记录被删除、插入或改动）")


def test_an_unsigned_entry_after_a_signed_stretch_is_a_forgery():
    rows = tamper(chain_of(10, 0), "unsign", 7)
    parts = [check_part(iter(rows[:7]), KEYS), check_part(iter(rows[7:]), KEYS)]
    # on its own the second stretch only sees its second entry not following the first
    assert parts[1].found.entry_id == rows[8][0] and parts[1].first_unkeyed == (0, rows[7][0])
    assert join(parts) == (7, rows[7][0], "记录缺少审计密钥的签名（链被重新计算）")
