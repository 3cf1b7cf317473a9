"""Restoring a backup that `backups.check_backup` has checked: the evidence files first
(content-addressed, so extra files are harmless), then the database in one step (os.replace
for SQLite, a single pg_restore transaction for PostgreSQL)."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import storages
from django.db import connection, connections

from .backups import (
    Backup,
    BackupError,
    copy_file,
    fsync_dir,
    pg_args_env,
    pg_tool,
    run_tool,
    same_owner,
    sm3_file,
)


@dataclass
class RestoreResult:
    evidence_written: int
    evidence_present: int
    seconds: float


def restore_backup(backup: Backup) -> RestoreResult:
    """Restore a checked backup: the evidence files first (content-addressed, so extra
    files are harmless), then the database in one step."""
    started = time.monotonic()
    connections.close_all()
    if backup.vendor == "sqlite":
        with _sqlite_swap(
            backup
        ) as swap:  # refuses before anything changes if the database is in use
            written, present = _restore_evidence(backup)
            swap()
    else:
        pg_restore = pg_tool("pg_restore")  # before anything changes
        written, present = _restore_evidence(backup)
        _restore_postgres(backup, pg_restore)
    connections.close_all()
    return RestoreResult(
        evidence_written=written, evidence_present=present, seconds=time.monotonic() - started
    )


def _restore_evidence(backup: Backup) -> tuple[int, int]:
    store = storages["evidence"]
    root = Path(store.location)
    written = present = 0
    for entry in backup.evidence:
        name = entry["path"].removeprefix("evidence/")
        dest = Path(store.path(name))
        if dest.is_file() and sm3_file(dest) == (entry["size"], entry["sm3"]):
            present += 1
            continue
        root.mkdir(parents=True, exist_ok=True)
        folder = root
        for part in dest.parent.relative_to(root).parts:
            folder = folder / part
            if not folder.exists():
                folder.mkdir()
                same_owner(folder, root)
        tmp = dest.with_name(f".{dest.name}.restore-{os.getpid()}")
        try:
            with open(backup.path / entry["path"], "rb") as source:
                got = copy_file(source, tmp, mode=0o640)
            if got != (entry["size"], entry["sm3"]):
                raise BackupError(
                    f"复制 {entry['path']} 时内容发生变化，已中止恢复（数据库未改动）"
                )
            same_owner(tmp, root)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        written += 1
    return written, present


@contextmanager
def _sqlite_swap(backup: Backup):
    """Copy the database into a temporary file beside the live one, take the live one
    away from every other process, and yield the function that swaps the files."""
    live = Path(connection.settings_dict["NAME"])
    live.parent.mkdir(parents=True, exist_ok=True)
    tmp = live.with_name(f".{live.name}.restore-{os.getpid()}")
    sidecars = [live.with_name(live.name + suffix) for suffix in ("-wal", "-shm", "-journal")]

    def swap():
        for p in sidecars:  # a -wal left beside the new file would be replayed into it
            p.unlink(missing_ok=True)
        os.replace(tmp, live)
        fsync_dir(live.parent)

    db = None
    try:
        with open(backup.path / backup.db_entry["path"], "rb") as source:
            got = copy_file(source, tmp, mode=0o600)
        if got != (backup.db_entry["size"], backup.db_entry["sm3"]):
            raise BackupError("复制数据库文件时内容发生变化，已中止恢复（未作任何改动）")
        same_owner(tmp, live if live.exists() else live.parent)
        if live.exists():
            # Leave WAL mode (this checkpoints and removes the -wal file) and hold the
            # exclusive lock until the file is swapped: both fail while another process
            # (a running server) has the database open.
            db = sqlite3.connect(live, timeout=5, isolation_level=None)
            try:
                mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
                db.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError as exc:
                mode = str(exc)
            if mode != "delete":
                raise BackupError(
                    f"数据库 {live} 正被其他进程使用（{mode}）：请先停止平台服务（fazhi serve）再恢复；未作任何改动"
                )
        yield swap
    finally:
        if db is not None:
            db.close()
        tmp.unlink(missing_ok=True)


def _restore_postgres(backup: Backup, pg_restore: str) -> None:
    # Fail rather than wait forever behind a lock held by a running server.
    args, env = pg_args_env(
        {"PGOPTIONS": (os.environ.get("PGOPTIONS", "") + " -c lock_timeout=30s").strip()}
    )
    run_tool(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(backup.path / backup.db_entry["path"]),
        ],
        env,
        "pg_restore 恢复数据库（已整体回滚，数据库未改动）",
    )
