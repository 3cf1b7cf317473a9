"""The data folder and the SQLite files are readable by the service user only (0700/0600):
they hold session keys, password hashes and encrypted secrets."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_sqlite_files(sender, connection, **kwargs) -> None:
    """On every new SQLite connection: the database file and its companions become 0600.
    (SQLite creates them with the process umask, usually 0644.)"""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in SUFFIXES:
        path = Path(name + suffix)
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)


def tighten_data_dir(data_dir: Path) -> bool:
    """Make an existing data folder 0700 (fazhi init); True when it was wider."""
    mode = data_dir.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(data_dir, 0o700)
        return True
    return False
