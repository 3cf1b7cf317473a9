"""`fazhi backup` / `fazhi restore`: real commands in real processes on real data folders.

Each instance has its own data folder (and, on PostgreSQL, its own database), so the
test database is never touched. The round trip is checked by content: every row of
every table (a dumpdata digest), the score, the evidence bytes and their SM3, the
audit chain.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAZHI = str(Path(sys.executable).with_name("fazhi"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# ------------------------------------------------------------------ instances


def postgres_url() -> str | None:
    url = os.environ.get("FAZHI_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _admin_connect(url: str):
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres",
        user=cfg.get("USER") or None,
        password=cfg.get("PASSWORD") or None,
        host=cfg.get("HOST") or None,
        port=cfg.get("PORT") or None,
        autocommit=True,
    )


def with_db_name(url: str, name: str) -> str:
    scheme, rest = url.split("://", 1)
    rest, n = re.subn(r"/[^/?]*(?=\?|$)", f"/{name}", rest, count=1)
    return f"{scheme}://{rest}" if n else f"{scheme}://{rest}/{name}"


def create_database(url: str, template: str | None = None) -> str:
    """A new, empty (or copied) database on the server of `url`; returns its URL."""
    name = f"fazhi_ops_{uuid.uuid4().hex[:12]}"
    with _admin_connect(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return with_db_name(url, name)


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Instance:
    """One installation of the platform: a data folder, and a PostgreSQL URL or SQLite."""

    def __init__(self, root: Path, db_url: str | None = None):
        self.root = root
        self.data = root / "data"
        self.db_url = db_url

    @property
    def vendor(self) -> str:
        return "postgresql" if self.db_url else "sqlite"

    @property
    def db_name(self) -> str:
        return self.db_url.rsplit("/", 1)[1].split("?")[0] if self.db_url else ""

    def env(self, **extra) -> dict:
        env = {
            **os.environ,
            "FAZHI_DATA_DIR": str(self.data),
            "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        }
        env.pop("FAZHI_DATABASE_URL", None)
        if self.db_url:
            env["FAZHI_DATABASE_URL"] = self.db_url
        env.update(extra)
        return env

    def fazhi(self, *args, stdin: str = "", timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [FAZHI, *map(str, args)],
            check=False,
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=timeout,
        )

    def python(self, code: str, *args, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            check=False,
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=timeout,
            cwd=ROOT,
        )

    def popen_python(self, code: str, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", code, *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
            cwd=ROOT,
        )

    def json(self, code: str, *args):
        r = self.python(code, *args)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout.strip().splitlines()[-1])

    def state(self) -> dict:
        return self.json(STATE)

    def clone(self, root: Path) -> Instance:
        """A copy of this instance (the database and the data folder)."""
        shutil.copytree(self.data, root / "data")
        url = create_database(self.db_url, template=self.db_name) if self.db_url else None
        return Instance(root, url)

    def drop(self) -> None:
        if self.db_url:
            drop_database(self.db_url)

    def folder_fingerprint(self) -> dict:
        """Every file of the data folder with its SM3: 'nothing changed' means equal."""
        return {
            str(p.relative_to(self.data)): hashlib.new("sm3", p.read_bytes()).hexdigest()
            for p in sorted(self.data.rglob("*"))
            if p.is_file()
        }


@contextlib.contextmanager
def new_instance(root: Path, vendor: str):
    if vendor == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL 往返测试需要 FAZHI_DATABASE_URL=postgres://…")
        inst = Instance(root, create_database(url))
    else:
        inst = Instance(root)
    try:
        r = inst.fazhi("init")
        assert r.returncode == 0, r.stderr
        yield inst
    finally:
        inst.drop()


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Initialised and seeded instances, made once per module and vendor, for cloning."""
    made: dict[str, tuple[Instance, dict]] = {}
    stack = contextlib.ExitStack()

    def get(vendor: str) -> tuple[Instance, dict]:
        if vendor not in made:
            inst = stack.enter_context(
                new_instance(tmp_path_factory.mktemp(f"template-{vendor}"), vendor)
            )
            made[vendor] = (inst, seeded(inst))
        return made[vendor]

    with stack:
        yield get


@pytest.fixture
def clone(templates, tmp_path):
    """A fresh copy of the seeded instance of a vendor: (instance, seed)."""
    made = []

    def _clone(vendor: str = "sqlite", name: str = "a") -> tuple[Instance, dict]:
        template, seed = templates(vendor)
        inst = template.clone(tmp_path / name)
        made.append(inst)
        return inst, seed

    yield _clone
    for inst in made:
        inst.drop()


NO_PG = (
    postgres_url() is None or shutil.which("pg_dump") is None or shutil.which("pg_restore") is None
)
VENDORS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            NO_PG, reason="需要 FAZHI_DATABASE_URL=postgres://… 和 pg_dump/pg_restore"
        ),
    ),
]

# ------------------------------------------------------------------ scripts run inside an instance

SETUP = """
import json, os, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
"""

SEED = (
    SETUP
    + """
from fazhi.assessments import services
from fazhi.orgs.models import ApiToken, User
from fazhi.orgs.services import add_org, add_user
add_org("sc", "四川省科学技术厅", "province")
add_org("sc-zy", "资阳市科学技术局", "city", "sc")
add_org("zy-gxq", "资阳高新区", "zone", "sc-zy")
add_org("zy-gxq-kjj", "科技经济局", "department", "zy-gxq")
office = add_user("office", "Fz-test-Passw0rd!", "office", "zy-gxq")
a = services.create_assessment(office, "zy-gxq", "sc-sti-law-zone-2019", None, 2025)
services.update_result(office, a.pk, "1", {"self_score": "3", "version": 1})
content = b"%PDF-1.4\\n% " + os.urandom(4096) + b"\\n%%EOF\\n"
item = services.add_evidence(office, a.pk, "1", SimpleUploadedFile("创建方案.pdf", content))
print(json.dumps({"assessment": a.pk, "evidence": item.pk, "sm3": item.blob_id, "token": ApiToken.issue(office)}))
"""
)

STATE = (
    SETUP
    + """
import hashlib, io
from django.apps import apps
from django.core.management import call_command
from fazhi.assessments import evidence as store
from fazhi.assessments.models import Blob, Evidence, Result
from fazhi.audit.models import AuditEntry
from fazhi.audit.services import verify
dump = io.StringIO()
call_command("dumpdata", exclude=["audit"], format="json", indent=None, stdout=dump)
files = {}
for blob in Blob.objects.order_by("digest"):
    try:
        with store.open_blob(blob) as f:
            data = f.read()
        files[blob.digest] = [len(data), hashlib.new("sm3", data).hexdigest()]
    except FileNotFoundError:
        files[blob.digest] = None
score = Result.objects.filter(assessment__year=2025, indicator__code="1").values_list("self_score", flat=True).first()
print(json.dumps({
    "counts": {m._meta.label: m.objects.count() for m in apps.get_models()},
    "dump_sm3": hashlib.new("sm3", dump.getvalue().encode()).hexdigest(),
    "score": None if score is None else str(score),
    "evidence": sorted([e.name, e.blob_id] for e in Evidence.objects.all()),
    "files": files,
    "audit": list(AuditEntry.objects.order_by("id").values_list("action", "hash")),
    "verify": list(verify()),
}, ensure_ascii=False))
"""
)

MUTATE = (
    SETUP
    + """
from fazhi.assessments import evidence as store, services
from fazhi.assessments.models import Assessment, Blob, Evidence
from fazhi.orgs.models import User
from fazhi.orgs.services import add_org
office = User.objects.get(username="office")
a = Assessment.objects.get(year=2025)
services.update_result(office, a.pk, "1", {"self_score": "5", "version": 2})
for e in Evidence.objects.all():
    services.remove_evidence(office, a.pk, e.pk)
for blob in Blob.objects.all():
    store.storage().delete(blob.storage_name)  # the file is lost as well
add_org("cd-gxq", "成都高新区", "zone", "sc-zy")
"""
)


def seeded(inst: Instance) -> dict:
    return inst.json(SEED)


def manifest_of(path: Path) -> dict:
    return json.loads((path / "MANIFEST.json").read_text(encoding="utf-8"))


def seconds(output: str) -> float:
    return float(re.search(r"用时 ([\d.]+) 秒", output).group(1))


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("vendor", VENDORS)
def test_backup_restore_round_trip(tmp_path, clone, vendor):
    inst, seed = clone(vendor)
    before = inst.state()
    assert before["score"] == "3.00" and before["evidence"] == [["创建方案.pdf", seed["sm3"]]]
    assert before["files"][seed["sm3"]][1] == seed["sm3"] and before["verify"][1] is None

    backup = tmp_path / "backups" / "2025-full"
    r = inst.fazhi("backup", backup)
    assert r.returncode == 0, r.stderr
    assert (
        "备份完成" in r.stdout and "佐证材料：1 个文件" in r.stdout and "合计 2 个文件" in r.stdout
    )
    backup_seconds = seconds(r.stdout)

    m = manifest_of(backup)
    db_file = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}[vendor]
    assert m["vendor"] == vendor and m["database"] == db_file and m["app_version"]
    assert (
        m["audit"]["count"] == len(before["audit"])
        and m["audit"]["last_hash"] == before["audit"][-1][1]
    )
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", m["created_at"])
    paths = {f["path"]: f for f in m["files"]}
    evidence_path = f"evidence/sm3/{seed['sm3'][:2]}/{seed['sm3'][2:4]}/{seed['sm3']}"
    assert set(paths) == {db_file, evidence_path}
    # only the owner reads a backup: the folder 0700, every file in it 0600 (pg_dump's too)
    assert backup.stat().st_mode & 0o777 == 0o700
    modes = {p.name: p.stat().st_mode & 0o777 for p in backup.rglob("*") if p.is_file()}
    assert set(modes.values()) == {0o600}, modes
    for rel, entry in paths.items():
        data = (backup / rel).read_bytes()
        assert entry["size"] == len(data) and entry["sm3"] == hashlib.new("sm3", data).hexdigest()
    assert paths[evidence_path]["sm3"] == seed["sm3"]
    assert (backup / "MANIFEST.sm3").read_text().split()[0] == hashlib.new(
        "sm3", (backup / "MANIFEST.json").read_bytes()
    ).hexdigest()
    assert not [
        p for p in backup.parent.iterdir() if p.name != backup.name
    ]  # no partial directory left

    # The backup itself is audited (after the snapshot, so not inside it).
    assert inst.state()["audit"][-1][0] == "ops.backup"
    # A second backup never overwrites the first.
    again = inst.fazhi("backup", backup)
    assert again.returncode == 1 and "已存在且不是空目录" in again.stderr

    inst.json(MUTATE + "\nprint(1)")
    changed = inst.state()
    assert (
        changed["score"] == "5.00"
        and changed["evidence"] == []
        and changed["files"][seed["sm3"]] is None
    )
    assert changed["counts"]["orgs.Org"] == before["counts"]["orgs.Org"] + 1

    refused = inst.fazhi("restore", backup)  # stdin is a pipe: not a terminal
    assert (
        refused.returncode == 1 and "--yes" in refused.stderr and "未作任何改动" in refused.stderr
    )
    assert inst.state() == changed

    r = inst.fazhi("restore", backup, "--yes")
    assert r.returncode == 0, r.stderr
    assert "审计链完好" in r.stdout and "与备份清单一致" in r.stdout and "写入 1 个" in r.stdout
    restore_seconds = seconds(r.stdout)

    after = inst.state()
    assert after["counts"] == {**before["counts"], "audit.AuditEntry": len(before["audit"]) + 1}
    assert after["dump_sm3"] == before["dump_sm3"]  # every row of every other table
    assert after["score"] == "3.00" and after["evidence"] == before["evidence"]
    assert after["files"] == before["files"] and after["files"][seed["sm3"]][1] == seed["sm3"]
    assert after["audit"][:-1] == before["audit"] and after["audit"][-1][0] == "ops.restore"
    assert after["verify"][1] is None
    v = inst.fazhi("audit", "verify")
    assert v.returncode == 0 and f"已校验 {len(before['audit']) + 1} 条" in v.stdout

    # The restored instance serves the same data through the API, with the old token.
    served = inst.python(
        SETUP
        + """
from django.test import Client
r = Client(SERVER_NAME="localhost").get(f"/api/v1/assessments/{sys.argv[1]}", headers={"Authorization": f"Bearer {sys.argv[2]}"})
print(json.dumps({"status": r.status_code, "body": r.json()}, ensure_ascii=False))
""",
        seed["assessment"],
        seed["token"],
    )
    assert served.returncode == 0, served.stderr
    got = json.loads(served.stdout.strip().splitlines()[-1])
    assert got["status"] == 200, got
    first = next(r for r in got["body"]["results"] if r["indicator_code"] == "1")
    assert first["self_score"] == "3" and [e["sm3"] for e in first["evidence"]] == [seed["sm3"]]

    print(
        f"\n[{vendor}] backup {backup_seconds:.2f} s, restore {restore_seconds:.2f} s, "
        f"{sum(f['size'] for f in m['files'])} bytes"
    )


def test_restore_into_a_fresh_data_folder(tmp_path, clone):
    """Disaster recovery: a new machine, an empty data folder, the backup, and the key file
    kept apart from it (without the key the audit chain cannot be verified)."""
    inst, seed = clone()
    before = inst.state()
    assert inst.fazhi("backup", tmp_path / "bk").returncode == 0
    fresh = Instance(tmp_path / "fresh")
    fresh.data.mkdir(parents=True)
    r = fresh.fazhi("restore", tmp_path / "bk", "--yes")
    assert r.returncode == 1 and "密钥文件" in r.stderr
    shutil.copy2(inst.data / "keys.json", fresh.data / "keys.json")
    r = fresh.fazhi("restore", tmp_path / "bk", "--yes")
    assert r.returncode == 0, r.stderr
    after = fresh.state()
    assert after["dump_sm3"] == before["dump_sm3"] and after["files"] == before["files"]
    assert after["files"][seed["sm3"]][1] == seed["sm3"]
    assert fresh.fazhi("audit", "verify").returncode == 0


# ------------------------------------------------------------------ refusals


@pytest.mark.skipif(NO_PG, reason="需要 FAZHI_DATABASE_URL=postgres://… 和 pg_dump/pg_restore")
def test_postgres_without_client_tools_is_refused_clearly(tmp_path, clone):
    inst, _ = clone("postgresql")
    bare = {"PATH": str(Path(sys.executable).parent)}  # the venv only: no pg_dump, no pg_restore
    r = subprocess.run(
        [FAZHI, "backup", str(tmp_path / "bk")],
        capture_output=True,
        text=True,
        env=inst.env(**bare),
        check=False,
    )
    assert r.returncode == 1 and "未找到 pg_dump" in r.stderr and "PATH" in r.stderr
    assert not (tmp_path / "bk").exists()
    assert inst.fazhi("backup", tmp_path / "bk").returncode == 0
    before = inst.folder_fingerprint()
    r = subprocess.run(
        [FAZHI, "restore", str(tmp_path / "bk"), "--yes"],
        capture_output=True,
        text=True,
        env=inst.env(**bare),
        check=False,
    )
    assert r.returncode == 1 and "未找到 pg_restore" in r.stderr
    assert inst.folder_fingerprint() == before


def _flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def _rewrite_manifest(backup: Path, change) -> None:
    """Edit the manifest and (as a careful attacker would) recompute MANIFEST.sm3."""
    m = manifest_of(backup)
    change(m)
    text = json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"
    (backup / "MANIFEST.json").write_bytes(text)
    (backup / "MANIFEST.sm3").write_text(f"{hashlib.new('sm3', text).hexdigest()}  MANIFEST.json\n")


def _evidence_file(backup: Path) -> Path:
    return next(p for p in (backup / "evidence").rglob("*") if p.is_file())


def _as_postgres(backup: Path) -> None:
    (backup / "db.sqlite3").rename(backup / "db.pgdump")

    def change(m):
        m["vendor"], m["database"], m["files"][0]["path"] = "postgresql", "db.pgdump", "db.pgdump"

    _rewrite_manifest(backup, change)


def _first_evidence_size(m):
    m["files"][1]["size"] += 1


DAMAGE = {
    "database byte flipped": (lambda b: _flip_byte(b / "db.sqlite3"), "备份文件已损坏：db.sqlite3"),
    "evidence byte flipped": (
        lambda b: _flip_byte(_evidence_file(b)),
        "备份文件已损坏：evidence/sm3/",
    ),
    "evidence deleted": (lambda b: _evidence_file(b).unlink(), "缺少文件 evidence/sm3/"),
    "database deleted": (lambda b: (b / "db.sqlite3").unlink(), "缺少文件 db.sqlite3"),
    "evidence truncated": (
        lambda b: _evidence_file(b).write_bytes(b""),
        "备份文件已损坏：evidence/sm3/",
    ),
    "manifest edited": (
        lambda b: (b / "MANIFEST.json").write_text(
            (b / "MANIFEST.json").read_text().replace('"count": ', '"count": 1')
        ),
        "MANIFEST.json 的 SM3 摘要与 MANIFEST.sm3 不符",
    ),
    "manifest and its digest edited": (
        lambda b: _rewrite_manifest(b, _first_evidence_size),
        "备份文件已损坏：evidence/sm3/",
    ),
    "manifest digest missing": (lambda b: (b / "MANIFEST.sm3").unlink(), "缺少 MANIFEST.sm3"),
    "manifest missing": (lambda b: (b / "MANIFEST.json").unlink(), "缺少 MANIFEST.json"),
    "path outside the backup": (
        lambda b: _rewrite_manifest(
            b,
            lambda m: m["files"].append({"path": "../data/secret_key", "size": 1, "sm3": "0" * 64}),
        ),
        "不允许的文件路径",
    ),
    "backup from another database": (
        _as_postgres,
        "备份来自 PostgreSQL 数据库，而当前配置的是 SQLite",
    ),
}


def test_damaged_backups_are_refused_and_change_nothing(tmp_path, clone):
    inst, _ = clone()
    good = tmp_path / "good"
    assert inst.fazhi("backup", good).returncode == 0
    inst.json(MUTATE + "\nprint(1)")
    state = inst.state()
    folder = inst.folder_fingerprint()
    cases = {}
    for name, (damage, _) in DAMAGE.items():
        bad = tmp_path / "bad" / name.replace(" ", "-")
        shutil.copytree(good, bad)
        damage(bad)
        cases[name] = bad
    # Refusals touch nothing, so they may run side by side (two at a time: two cores).
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(
            zip(
                cases,
                pool.map(lambda bad: inst.fazhi("restore", bad, "--yes"), cases.values()),
                strict=False,
            )
        )
    for name, r in results.items():
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        assert DAMAGE[name][1] in r.stderr, (name, r.stderr)
    assert inst.folder_fingerprint() == folder
    assert inst.state() == state
    # The good one still restores.
    assert inst.fazhi("restore", good, "--yes").returncode == 0


def test_backup_refuses_a_broken_audit_chain_unless_forced(tmp_path, clone):
    inst, _ = clone()
    with sqlite3.connect(inst.data / "fazhi.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        victim = db.execute(
            "SELECT id FROM audit_auditentry ORDER BY id LIMIT 1 OFFSET 3"
        ).fetchone()[0]
        db.execute("UPDATE audit_auditentry SET actor_name = 'someone' WHERE id = ?", [victim])
    r = inst.fazhi("backup", tmp_path / "bk")
    assert (
        r.returncode == 1
        and f"审计链在第 {victim} 条记录处断开" in r.stderr
        and "--force" in r.stderr
    )
    assert not (tmp_path / "bk").exists() and list(tmp_path.iterdir()) == [tmp_path / "a"]
    r = inst.fazhi("backup", tmp_path / "bk", "--force")
    assert r.returncode == 0 and f"第 {victim} 条" in r.stderr and "备份完成" in r.stdout
    assert manifest_of(tmp_path / "bk")["audit"]["broken_id"] == victim


def test_backup_refuses_a_non_empty_target_and_accepts_an_empty_one(tmp_path, clone):
    inst, _ = clone()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    r = inst.fazhi("backup", tmp_path / "full")
    assert r.returncode == 1 and "已存在且不是空目录" in r.stderr
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["x"]
    (tmp_path / "empty").mkdir()
    r = inst.fazhi("backup", tmp_path / "empty")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "empty" / "MANIFEST.sm3").exists()


def test_backup_is_consistent_while_the_app_writes(tmp_path, clone):
    """The online backup API copies a committed state while another process keeps writing."""
    inst, _ = clone()
    stop = tmp_path / "stop"
    writer = inst.popen_python(
        SETUP
        + """
import time
from fazhi.assessments import services
from fazhi.assessments.models import Assessment
from fazhi.orgs.models import User
office = User.objects.get(username="office")
a = Assessment.objects.get(year=2025)
version, n = 2, 0
while not os.path.exists(sys.argv[1]):
    services.update_result(office, a.pk, "1", {"self_score": str(n % 4), "version": version})
    version, n = version + 1, n + 1
    time.sleep(0.005)
print(n)
""",
        stop,
    )
    try:
        time.sleep(1.5)
        backups = []
        for i in range(3):
            target = tmp_path / f"bk{i}"
            r = inst.fazhi("backup", target)
            assert r.returncode == 0, r.stderr
            backups.append(target)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert int(out.strip()) > 10
    for i, target in enumerate(backups):
        restored = Instance(tmp_path / f"r{i}")
        restored.data.mkdir(parents=True)  # the key file is kept apart from the backup
        shutil.copy2(inst.data / "keys.json", restored.data / "keys.json")
        r = restored.fazhi("restore", target, "--yes")
        assert r.returncode == 0, r.stderr
        assert restored.fazhi("audit", "verify").returncode == 0
