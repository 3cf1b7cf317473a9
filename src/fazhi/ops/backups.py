"""Consistent backups of the database and the evidence store, checked before any restore.

A backup is a directory:

    db.sqlite3 | db.pgdump      the database (SQLite online backup, or pg_dump --format=custom)
    evidence/sm3/aa/bb/<digest> every evidence file the database refers to
    MANIFEST.json               every file with its size and SM3 digest, the database vendor,
                                the app version, the audit chain's head, the creation time
    MANIFEST.sm3                the SM3 digest of MANIFEST.json

It is written under a temporary name and renamed into place at the end, so a directory
with the final name is always complete. A restore checks everything before it changes
anything; the database is then replaced in one step (os.replace for SQLite, a single
pg_restore transaction for PostgreSQL): ops/restore.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

import fazhi

FORMAT = "fazhi-backup/1"
MANIFEST = "MANIFEST.json"
MANIFEST_DIGEST = "MANIFEST.sm3"
DB_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}
VENDOR_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
EVIDENCE_PATH = re.compile(r"^evidence/sm3/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


class BackupError(Exception):
    """Refused or failed; the message is for the operator (Chinese)."""


# ---------------------------------------------------------------- helpers


def sm3_file(path: Path) -> tuple[int, str]:
    digest = hashlib.new("sm3")
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def copy_file(source, dest: Path, mode: int = 0o600) -> tuple[int, str]:
    """Copy an open binary file to a new file dest, fsynced; returns (size, sm3)."""
    digest = hashlib.new("sm3")
    size = 0
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def same_owner(path: Path, like: Path) -> None:
    """Give `path` the owner and group of `like` (when run as root for a service account)."""
    if os.geteuid() != 0 or not like.exists():
        return
    st = like.stat()
    os.chown(path, st.st_uid, st.st_gid)


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def vendor_label(vendor: str) -> str:
    return VENDOR_LABELS.get(vendor, vendor)


def evidence_name(digest: str) -> str:
    """The storage name of a content file (as Blob.storage_name)."""
    return f"sm3/{digest[:2]}/{digest[2:4]}/{digest}"


def current_vendor() -> str:
    vendor = connection.vendor
    if vendor not in DB_FILES:
        raise BackupError(f"不支持的数据库类型：{vendor}（只支持 SQLite 和 PostgreSQL）")
    return vendor


# ---------------------------------------------------------------- PostgreSQL tools


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"未找到 {name}：请安装 PostgreSQL 客户端工具（与服务器同一大版本或更新，"
            f"例如 apt-get install postgresql-client），并确保 {name} 在 PATH 中"
        )
    return path


def pg_args_env(extra_env: dict | None = None) -> tuple[list[str], dict]:
    """Connection arguments (-U -h -p --dbname) and environment for pg_dump/pg_restore."""
    from django.db.backends.postgresql.client import DatabaseClient

    sd = connection.settings_dict
    _, env = DatabaseClient.settings_to_cmd_args_env(sd, [])
    args = []
    if sd.get("USER"):
        args += ["-U", sd["USER"]]
    if sd.get("HOST"):
        args += ["-h", sd["HOST"]]
    if sd.get("PORT"):
        args += ["-p", str(sd["PORT"])]
    args += ["--no-password", f"--dbname={sd.get('NAME') or 'postgres'}"]
    return args, {**os.environ, **(env or {}), **(extra_env or {})}


def run_tool(cmd: list[str], env: dict, what: str) -> None:
    proc = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        raise BackupError(f"{what}失败（{Path(cmd[0]).name} 退出码 {proc.returncode}）：{detail}")


# ---------------------------------------------------------------- backup


@dataclass
class BackupResult:
    path: Path
    vendor: str
    db_file: str
    db_bytes: int
    evidence_files: int
    evidence_bytes: int
    audit_count: int
    audit_last_hash: str
    seconds: float
    skipped: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return 1 + self.evidence_files

    @property
    def total_bytes(self) -> int:
        return self.db_bytes + self.evidence_bytes


def check_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            f"目标 {target} 已存在且不是空目录：请指定一个新的目录，已有的备份不会被覆盖"
        )


@contextmanager
def _postgres_snapshot():
    """A repeatable-read transaction whose snapshot pg_dump shares (--snapshot): the audit
    check, the list of evidence files and the dump all see the same committed state."""
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中执行")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        yield cur.fetchone()[0]


def _audit_head_orm() -> dict:
    from fazhi.audit.models import AuditEntry

    last = AuditEntry.objects.order_by("-id").values("id", "hash").first()
    return {
        "count": AuditEntry.objects.count(),
        "last_id": last["id"] if last else None,
        "last_hash": last["hash"] if last else "",
    }


def _blobs_orm() -> list[tuple[str, int]]:
    from fazhi.assessments.models import Blob

    return list(Blob.objects.order_by("digest").values_list("digest", "size"))


def _sqlite_snapshot(dest: Path) -> tuple[list[tuple[str, int]], dict]:
    """Copy the live database with SQLite's online backup API (one step: a consistent
    snapshot while the app keeps running), then read the evidence list and the audit
    head from the copy itself."""
    from fazhi.assessments.models import Blob
    from fazhi.audit.models import AuditEntry

    live = Path(connection.settings_dict["NAME"])
    os.close(
        os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    )  # an empty file is an empty database
    src = sqlite3.connect(live, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # pages=-1: all pages in one step, under one read transaction
        # A self-contained file: no -wal/-shm beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        problem = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"数据库完整性检查未通过：{problem}")
        blob_table, audit_table = Blob._meta.db_table, AuditEntry._meta.db_table
        blobs = [
            (d, int(s))
            for d, s in dst.execute(f"SELECT digest, size FROM {blob_table} ORDER BY digest")
        ]
        count = dst.execute(f"SELECT COUNT(*) FROM {audit_table}").fetchone()[0]
        last = dst.execute(
            f"SELECT id, hash FROM {audit_table} ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        dst.close()
        src.close()
    head = {
        "count": count,
        "last_id": last[0] if last else None,
        "last_hash": last[1] if last else "",
    }
    return blobs, head


def create_backup(target: Path, *, force: bool = False, warn=lambda message: None) -> BackupResult:
    """Write a backup into `target` (new or empty). Refuses a broken audit chain unless force."""
    from fazhi.audit.anchor import CheckpointInvalid
    from fazhi.audit.services import checkpoint, verify
    from fazhi.core.crypto import CryptoError

    started = time.monotonic()
    vendor = current_vendor()
    target = Path(target).absolute()
    check_target(target)
    if vendor == "postgresql":
        pg_dump = pg_tool("pg_dump")
    else:
        live = Path(connection.settings_dict["NAME"])
        if not live.is_file():  # not even opened: connecting would create an empty one
            raise BackupError(
                f"数据库文件 {live} 不存在：请检查 FAZHI_DATA_DIR / FAZHI_DATABASE_URL，或先运行 fazhi init"
            )

    def check_chain() -> dict:
        try:
            checked, broken, reason = verify()
        except CryptoError as exc:
            raise BackupError(f"无法校验审计链：{exc}") from None
        if broken is not None:
            message = f"审计链在第 {broken} 条记录处断开：{reason}（此前 {checked} 条完好）"
            if not force:
                raise BackupError(
                    f"{message}。拒绝备份已损坏的审计链；如确需备份现状，请加 --force"
                )
            warn(f"警告：{message}；因指定了 --force，仍然备份")
        elif checked:
            try:
                checkpoint()  # the head is anchored outside the database at every backup
            except (ValueError, CheckpointInvalid) as exc:  # appended meanwhile and broken
                raise BackupError(f"未能写入审计检查点：{exc}") from None
        return {"checked": checked, "broken_id": broken, "reason": reason}

    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.parent / f".{target.name}.partial-{os.getpid()}"
    db_file = DB_FILES[vendor]
    try:
        if vendor == "postgresql":
            with _postgres_snapshot() as snapshot_id:
                verification = check_chain()
                work.mkdir(mode=0o700)
                args, env = pg_args_env()
                run_tool(
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot_id}",
                        f"--file={work / db_file}",
                        *args,
                    ],
                    env,
                    "pg_dump 导出数据库",
                )
                os.chmod(work / db_file, 0o600)  # pg_dump writes by the umask (0644)
                blobs, head = _blobs_orm(), _audit_head_orm()
        else:
            verification = check_chain()
            work.mkdir(mode=0o700)
            blobs, head = _sqlite_snapshot(work / db_file)

        db_bytes, db_digest = sm3_file(work / db_file)
        files = [{"path": db_file, "size": db_bytes, "sm3": db_digest}]
        skipped: list[str] = []
        store = storages["evidence"]
        evidence_bytes = 0
        for digest, size in blobs:
            name = evidence_name(digest)
            rel = f"evidence/{name}"
            dest = work / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with store.open(name, "rb") as source:
                    got_size, got_digest = copy_file(source, dest)
            except FileNotFoundError:
                problem = f"佐证材料文件缺失：{name}"
            else:
                if got_digest == digest and got_size == size:
                    files.append({"path": rel, "size": got_size, "sm3": got_digest})
                    evidence_bytes += got_size
                    continue
                dest.unlink()
                problem = f"佐证材料文件内容与摘要不符：{name}"
            if not force:
                raise BackupError(f"{problem}。拒绝备份；如确需备份其余内容，请加 --force")
            warn(f"警告：{problem}；因指定了 --force，跳过该文件")
            skipped.append(name)

        manifest = {
            "format": FORMAT,
            "app": "fazhi",
            "app_version": fazhi.__version__,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": db_file,
            "audit": {
                **head,
                "verified": verification["checked"],
                "broken_id": verification["broken_id"],
            },
            "blobs": len(blobs),
            "skipped": skipped,
            "total_bytes": db_bytes + evidence_bytes,
            "files": files,
        }
        text = (
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
            + b"\n"
        )
        _write_synced(work / MANIFEST, text)
        _write_synced(
            work / MANIFEST_DIGEST, f"{hashlib.new('sm3', text).hexdigest()}  {MANIFEST}\n".encode()
        )
        for d in sorted(
            {p.parent for p in work.rglob("*")} | {work}, key=lambda p: len(p.parts), reverse=True
        ):
            fsync_dir(d)
        check_target(target)  # still new or empty
        os.rename(work, target)  # replaces an empty directory; atomic
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(
        path=target,
        vendor=vendor,
        db_file=db_file,
        db_bytes=db_bytes,
        evidence_files=len(files) - 1,
        evidence_bytes=evidence_bytes,
        audit_count=head["count"],
        audit_last_hash=head["last_hash"],
        seconds=time.monotonic() - started,
        skipped=skipped,
    )


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


# ---------------------------------------------------------------- check


@dataclass
class Backup:
    path: Path
    manifest: dict
    manifest_digest: str

    @property
    def vendor(self) -> str:
        return self.manifest["vendor"]

    @property
    def db_entry(self) -> dict:
        return self.manifest["files"][0]

    @property
    def evidence(self) -> list[dict]:
        return self.manifest["files"][1:]


def check_backup(path: Path) -> Backup:
    """Read the manifest and check every file's size and SM3 digest. Changes nothing.
    Raises BackupError naming the first problem."""
    path = Path(path).absolute()
    if not path.is_dir():
        raise BackupError(f"备份目录 {path} 不存在")
    manifest_path, digest_path = path / MANIFEST, path / MANIFEST_DIGEST
    for p in (manifest_path, digest_path):
        if not p.is_file():
            raise BackupError(f"备份不完整：缺少 {p.name}（{p}）")
    text = manifest_path.read_bytes()
    manifest_digest = hashlib.new("sm3", text).hexdigest()
    recorded = digest_path.read_text(encoding="utf-8", errors="replace").split()
    if not recorded or recorded[0] != manifest_digest:
        raise BackupError(
            f"备份清单已损坏或被改动：{MANIFEST} 的 SM3 摘要与 {MANIFEST_DIGEST} 不符"
        )
    try:
        manifest = json.loads(text)
        files = manifest["files"]
        vendor = manifest["vendor"]
        assert manifest["format"] == FORMAT and isinstance(files, list) and files
        assert files[0]["path"] == manifest["database"] == DB_FILES[vendor]
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BackupError(
            f"备份清单 {MANIFEST} 格式不正确（不是本平台 {FORMAT} 格式的备份）"
        ) from None
    seen = set()
    for entry in files:
        rel = entry.get("path", "") if isinstance(entry, dict) else ""
        m = EVIDENCE_PATH.match(rel)
        is_db = rel == files[0]["path"] and not seen
        if not (is_db or (m and m.group(3).startswith(m.group(1) + m.group(2)))) or rel in seen:
            raise BackupError(f"备份清单中有不允许的文件路径：{rel!r}")
        seen.add(rel)
        file = path / rel
        if file.is_symlink():
            raise BackupError(f"备份中的 {rel} 是符号链接，不是备份时写入的文件")
        if not file.is_file():
            raise BackupError(f"备份不完整：缺少文件 {rel}")
        size, digest = sm3_file(file)
        if size != entry.get("size"):
            raise BackupError(
                f"备份文件已损坏：{rel}（大小 {size} 字节，清单记录 {entry.get('size')} 字节）"
            )
        if digest != entry.get("sm3") or (m and digest != m.group(3)):
            raise BackupError(f"备份文件已损坏：{rel}（SM3 摘要与清单不符）")
    return Backup(path=path, manifest=manifest, manifest_digest=manifest_digest)
