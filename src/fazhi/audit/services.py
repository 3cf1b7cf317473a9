"""Append to and verify the audit chain."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from fazhi.core import chain

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
            before=_json(before),
            after=_json(after),
            ip=(ip if ip is not None else client_address.get())[:64],
            prev_hash=prev,
        )
        entry.hash = chain.link(prev, entry.chain_fields())
        entry.save(force_insert=True)
    return entry


def verify(batch: int = 5000) -> tuple[int, int | None, str]:
    """Walk the whole chain in id order. Returns (checked, first broken id or None, reason)."""

    def entries():
        last = 0
        while True:
            rows = list(AuditEntry.objects.filter(id__gt=last).order_by("id")[:batch])
            if not rows:
                return
            for e in rows:
                yield e.id, e.prev_hash, e.hash, e.chain_fields()
            last = rows[-1].id

    return chain.first_break(entries())
