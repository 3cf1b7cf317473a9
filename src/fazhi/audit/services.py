"""Append to and verify the audit chain."""

from __future__ import annotations

import json
import multiprocessing
import os
from decimal import Decimal

from django.db import connection, connections, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from fazhi.core import chain
from fazhi.core.crypto import AUDIT_KEY_ID
from fazhi.core.personal import mask
from fazhi.security.keys import audit_keys

from . import anchor
from .middleware import client_address
from .models import AuditEntry

_CHAIN_LOCK_KEY = 7_424_311  # PostgreSQL advisory lock id serialising chain appends


def _json(value) -> str:
    if value is None or value == {}:
        return ""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default
    )


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# Keys that always hold personal data (or secrets) wherever they appear in an entry.
PERSONAL_KEYS = {
    "phone": "phone",
    "id_number": "id_number",
    "email": "email",
    "address": "address",
    "totp_secret": "secret",
}


def _masked(obj, values):
    """before/after with personal data masked (脱敏): the model's encrypted fields by their
    kind, and the keys that always hold personal data. The audit log is readable by the
    auditor and kept for years; it must not become a plain-text copy of encrypted data."""
    if not isinstance(values, dict):
        return values
    kinds = dict(PERSONAL_KEYS)
    if obj is not None:
        from fazhi.security.fields import EncryptedTextField

        for f in obj._meta.concrete_fields:
            if isinstance(f, EncryptedTextField):
                kinds[f.name] = "secret" if f.name == "totp_secret" else f.kind
    out = {}
    for key, value in values.items():
        kind = kinds.get(key)
        if kind and isinstance(value, str) and value:
            value = "****" if kind == "secret" else mask(value, kind)
        elif isinstance(value, dict):
            value = _masked(None, value)
        out[key] = value
    return out


def record(
    actor,
    action: str,
    obj=None,
    *,
    before=None,
    after=None,
    object_type: str = "",
    object_id: str = "",
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the use case's transaction so both land or neither."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        # SQLite: the IMMEDIATE transaction already holds the write lock.
        prev = (
            AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
            or chain.GENESIS
        )
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_name=(
                actor.get_username() if authenticated else (actor if isinstance(actor, str) else "")
            )[:150],
            action=action,
            object_type=object_type[:64],
            object_id=str(object_id)[:64],
            before=_json(_masked(obj, before)),
            after=_json(_masked(obj, after)),
            ip=(ip if ip is not None else client_address.get())[:64],
            prev_hash=prev,
        )
        keys = audit_keys()
        entry.key_id = AUDIT_KEY_ID
        entry.hash = chain.link(prev, entry.chain_fields(), keys[AUDIT_KEY_ID])
        entry.save(force_insert=True)
    return entry


def _iso(at) -> str:
    """An entry's time as the chain covers it (isoformat, microseconds, UTC). SQLite hands
    the stored text ("YYYY-MM-DD HH:MM:SS[.ffffff]", UTC) to a raw cursor: it is rewritten as
    text, far faster than parsing a datetime for each of millions of entries."""
    if isinstance(at, str):
        micro = at[20:26] if len(at) > 19 else ""
        return f"{at[:10]}T{at[11:19]}.{micro.ljust(6, '0')}+00:00"
    return at.isoformat(timespec="microseconds")


def entries(after: int = 0, batch: int = 5000, upto: int | None = None):
    """(id, prev_hash, hash, key id, chain fields) in id order (after < id <= upto), read with
    a raw cursor (no models, no per-row converters): verification reads every entry."""
    q = connection.ops.quote_name
    table = q(AuditEntry._meta.db_table)
    names = [q(AuditEntry._meta.get_field(c).column) for c in ("id", "prev_hash", "hash", "key_id")]
    sqlite = connection.vendor == "sqlite"
    for c in AuditEntry.CHAIN_COLUMNS:
        name = q(AuditEntry._meta.get_field(c).column)
        if c == "at":
            # The time as text, not parsed into a datetime per row: SQLite's stored text is
            # rewritten by _iso; PostgreSQL writes it in isoformat itself.
            name = f"CAST({name} AS TEXT)" if sqlite else f"to_char({name} {_PG_ISO})"
        names.append(name)
    columns = ", ".join(names)
    bound = " AND id <= %s" if upto is not None else ""
    sql = f"SELECT {columns} FROM {table} WHERE id > %s{bound} ORDER BY id LIMIT %s"
    last = after
    while True:
        with connection.cursor() as cur:
            cur.execute(sql, [last, *([upto] if upto is not None else []), batch])
            rows = cur.fetchall()
        if not rows:
            return
        if sqlite:
            for row in rows:
                yield row[0], row[1], row[2], row[3], [_iso(row[4]), *row[5:]]
        else:
            for row in rows:
                yield row[0], row[1], row[2], row[3], row[4:]
        last = rows[-1][0]


# datetime.isoformat(timespec="microseconds") of the stored UTC time, as PostgreSQL writes it
_PG_ISO = """AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""


# Below this many entries one walk is quicker than starting processes.
PARALLEL_FROM = 200_000


def verify(
    *, use_checkpoint: bool = True, workers: int | None = None
) -> tuple[int, int | None, str]:
    """Walk the whole chain in id order and hold it against the checkpoint kept outside the
    database. Returns (checked, first entry concerned or None, reason). A restore checks
    without the checkpoint: it rewinds the log on purpose, and anchors it anew.

    A long log is checked in stretches by `workers` processes side by side (default: one per
    core from PARALLEL_FROM entries on), joined as one walk would (chain.join)."""
    keys = audit_keys()
    try:
        cp = anchor.read(keys) if use_checkpoint else None
    except anchor.CheckpointInvalid as exc:
        return 0, 0, str(exc)  # 0: the checkpoint itself, not an entry
    found = _walk(keys, cp.keyed_from if cp else None, workers)
    if found.entry_id is not None:
        return found.checked, found.entry_id, found.reason
    return _against(cp, found.checked)


def _walk(keys, keyed_from: int | None, workers: int | None) -> chain.Break:
    span = AuditEntry.objects.aggregate(lo=Min("id"), hi=Max("id"), n=Count("id"))
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if (span["n"] or 0) >= PARALLEL_FROM else 1
    # Inside a transaction (a backup checks the chain in the snapshot it dumps) one walk: other
    # processes would not see that snapshot, and closing the connection for them would end it.
    if workers <= 1 or not span["n"] or connection.in_atomic_block:
        return chain.first_break(entries(), keys, keyed_from=keyed_from, encode=chain.stored)
    # Stretches of equal id width, several per process so that none waits long for another.
    pieces = workers * 4
    lo, hi = span["lo"] - 1, span["hi"]
    edges = [lo + (hi - lo) * k // pieces for k in range(pieces + 1)]
    jobs = [(a, b, keys, keyed_from) for a, b in zip(edges, edges[1:], strict=False) if b > a]
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.starmap(_check_stretch, jobs)
    return chain.join(parts)


def _check_stretch(after: int, upto: int, keys, keyed_from) -> chain.Part:
    try:
        return chain.check_part(
            entries(after, upto=upto), keys, keyed_from=keyed_from, encode=chain.stored
        )
    finally:
        connections.close_all()


def _against(cp, checked: int) -> tuple[int, int | None, str]:
    if cp is None:
        return checked, None, ""
    at_cp = AuditEntry.objects.filter(id=cp.id).values_list("hash", flat=True).first()
    if at_cp is None:
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if last < cp.id:
            return (
                checked,
                last + 1,
                f"审计日志被截断：检查点记录到第 {cp.id} 条，数据库中最后一条为第 {last} 条",
            )
        return checked, cp.id, f"检查点记录的第 {cp.id} 条不存在（记录被删除）"
    if at_cp != cp.hash:
        return checked, cp.id, f"第 {cp.id} 条与检查点不符（链被重新计算）"
    return checked, None, ""


def checkpoint(*, reset: bool = False) -> anchor.Checkpoint:
    """Check the entries since the last checkpoint and anchor the new head outside the
    database. Refuses (ValueError naming the entry) when the chain is broken. With reset (after
    a restore) the old checkpoint is set aside and the whole chain checked."""
    keys = audit_keys()
    cp = None if reset else anchor.read(keys)
    after, prev = (cp.id, cp.hash) if cp else (0, chain.GENESIS)
    if cp is not None:
        checked, broken, reason = _against(cp, 0)
        if broken is not None:
            raise ValueError(f"第 {broken} 条：{reason}")
    found = chain.first_break(
        entries(after),
        keys,
        keyed_from=cp.keyed_from if cp else None,
        expected_prev=prev,
        encode=chain.stored,
    )
    if found.entry_id is not None:
        raise ValueError(f"第 {found.entry_id} 条：{found.reason}")
    head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        raise ValueError("审计日志为空，无需检查点")
    keyed_from = (
        cp.keyed_from
        if cp and cp.keyed_from
        else AuditEntry.objects.exclude(key_id="")
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    return anchor.write(keys, AUDIT_KEY_ID, head[0], head[1], keyed_from)
