"""Secrets at rest (issue 8, item 6): data folder 0700, database files 0600, TOTP secrets
sealed with SM4 (and those stored before, migrated)."""

from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from fazhi.core import totp
from fazhi.orgs.models import User
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db
FAZHI = str(Path(sys.executable).with_name("fazhi"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_is_private(tmp_path):
    data = tmp_path / "var"
    env = {**os.environ, "FAZHI_DATA_DIR": str(data)}
    env.pop("FAZHI_DATABASE_URL", None)
    old = os.umask(0o022)  # the usual umask, under which the probe found 0644
    try:
        r = subprocess.run([FAZHI, "init"], env=env, capture_output=True, text=True, timeout=180)
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert mode(data) == 0o700
    for name in (
        "fazhi.sqlite3",
        "fazhi.sqlite3-wal",
        "fazhi.sqlite3-shm",
        "secret_key",
        "keys.json",
    ):
        if (data / name).exists():
            assert mode(data / name) == 0o600, name
    # an existing folder left open is closed by init
    os.chmod(data, 0o755)
    os.chmod(data / "fazhi.sqlite3", 0o644)
    r = subprocess.run([FAZHI, "init"], env=env, capture_output=True, text=True, timeout=180)
    assert "权限已收紧" in r.stdout and mode(data) == 0o700
    assert mode(data / "fazhi.sqlite3") == 0o600


def raw_secret(user_id: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT totp_secret FROM orgs_user WHERE id = %s", [user_id])
        return cur.fetchone()[0]


def test_totp_secrets_are_stored_encrypted(users):
    stored = raw_secret(users["admin"].pk)
    assert stored.startswith("sm4gcm:v1:") and TOTP_SECRET not in stored
    assert User.objects.get(username="admin").totp_secret == TOTP_SECRET


def test_plain_secrets_of_before_are_migrated(users):
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE orgs_user SET totp_secret = %s WHERE id = %s",
            [TOTP_SECRET, users["auditor"].pk],
        )
    migration = importlib.import_module(
        "fazhi.orgs.migrations.0003_separation_tokens_second_factor"
    )
    # the migration step only needs the editor's connection (a real schema editor cannot
    # open inside the test's transaction on SQLite)
    migration.encrypt_totp_secrets(None, SimpleNamespace(connection=connection))
    assert raw_secret(users["auditor"].pk).startswith("sm4gcm:v1:")
    # and signing in with the second factor still works
    from django.test import Client

    c = Client()
    c.post("/login/", {"username": "auditor", "password": PASSWORD})
    code = totp.code_at(TOTP_SECRET, totp.step_of(time.time()))
    assert c.post("/login/otp/", {"code": code}).status_code == 302
