"""The audit chain's head, anchored outside the database: a checkpoint file holding the id and
hash of the newest entry checked, and a MAC over them with the audit key. Deleting the newest
entries, or the whole chain re-computed, then no longer matches the checkpoint.

Keep the file (FAZHI_AUDIT_CHECKPOINT, default <data folder>/audit-checkpoint.json) where
whoever holds the database cannot write: another disk, a WORM share, or copies taken off the
machine with each backup."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from fazhi.core import chain


class CheckpointInvalid(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    id: int
    hash: str
    keyed_from: int | None
    key_id: str
    mac: str
    written_at: str = ""


def path() -> Path:
    configured = getattr(settings, "FAZHI_AUDIT_CHECKPOINT", "")
    return Path(configured or Path(settings.DATA_DIR) / "audit-checkpoint.json")


def read(keys: dict[str, bytes]) -> Checkpoint | None:
    """The checkpoint, None when there is none yet; CheckpointInvalid when it was tampered with."""
    p = path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        cp = Checkpoint(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise CheckpointInvalid(f"审计检查点文件 {p} 无法读取：{exc}") from None
    key = keys.get(cp.key_id)
    if key is None or chain.checkpoint_mac(key, cp.id, cp.hash, cp.keyed_from) != cp.mac:
        raise CheckpointInvalid(f"审计检查点文件 {p} 的签名不符（文件被改动或密钥不对）")
    return cp


def write(keys: dict[str, bytes], key_id: str, entry_id: int, entry_hash: str, keyed_from):
    """Replace the checkpoint atomically (write, fsync, rename), mode 0600."""
    mac = chain.checkpoint_mac(keys[key_id], entry_id, entry_hash, keyed_from)
    cp = Checkpoint(entry_id, entry_hash, keyed_from, key_id, mac, timezone.now().isoformat())
    p = path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(cp), f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)
    return cp
