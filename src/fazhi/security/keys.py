"""Where the keys live and what can be done with them: status, rotation, retirement.

The keyring is kept outside the database, in one of:

* the environment variable FAZHI_KEYS (the key file's JSON; takes precedence, read-only here);
* the key file settings.FAZHI_KEY_FILE (default DATA_DIR/keys.json, mode 0600), generated on
  first use with a random 128-bit SM4 data key k1 and a 256-bit HMAC-SM3 index key i1.

A key file is never generated while the database already holds encrypted values: a lost key
file must be restored from its backup, not silently replaced by a new, different k1.
Key material is never logged or printed; only key ids and short check values (fingerprints).
The file is re-read when it changes on disk, so a rotation done by `fazhi keys` reaches the
running server without a restart.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast
from django.views.decorators.debug import sensitive_variables

from fazhi.core.crypto import PREFIX, CryptoError, Keyring, KeyringError

from .stored import TOKEN, encrypted_fields, has_encrypted_data, table_exists, tokens

log = logging.getLogger(__name__)

ENV = "FAZHI_KEYS"


class KeyringUnavailable(CryptoError):
    """No keyring can be had (file missing with data present, unreadable file)."""


class KeyringReadOnly(CryptoError):
    """The keyring comes from the environment and cannot be changed from here."""


def key_file() -> Path:
    return Path(getattr(settings, "FAZHI_KEY_FILE", None) or Path(settings.DATA_DIR) / "keys.json")


def from_environment() -> bool:
    return bool(os.environ.get(ENV, "").strip())


def key_source() -> str:
    return f"环境变量 {ENV}" if from_environment() else f"密钥文件 {key_file()}"


_lock = threading.RLock()
_cache: dict[str, tuple] = {}


# sensitive_variables(): error reports (DEBUG pages, admin e-mails) show no local variable of
# this frame or of the frames below it, which hold keys and personal data.
@sensitive_variables()
def get_keyring(*, create: bool = True) -> Keyring:
    """The keyring in force. With create, a missing key file is generated, unless the
    database already holds encrypted values (then KeyringUnavailable)."""
    env = os.environ.get(ENV, "").strip()
    if env:
        cached = _cache.get("env")
        if cached and cached[0] == env:
            return cached[1]
        try:
            ring = Keyring.from_json(env)
        except KeyringError as exc:
            raise KeyringError(f"环境变量 {ENV} 中的密钥环无效：{exc}") from None
        _cache["env"] = (env, ring)
        return ring
    path = key_file()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise KeyringUnavailable(
                f"密钥文件 {path} 不存在，无法解密个人信息。请从备份恢复该文件（或设置环境变量 {ENV}）"
            ) from None
        return _generate(path)
    signature = (str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    cached = _cache.get("file")
    if cached and cached[0] == signature:
        return cached[1]
    if st.st_mode & 0o077:
        log.warning(
            "密钥文件 %s 的权限为 %o，过宽；应为 600（仅属主可读写）", path, st.st_mode & 0o777
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyringUnavailable(f"无法读取密钥文件 {path}：{exc.strerror}") from None
    try:
        ring = Keyring.from_json(text)
    except KeyringError as exc:
        raise KeyringError(f"密钥文件 {path} 无效：{exc}") from None
    _cache["file"] = (signature, ring)
    return ring


@sensitive_variables()
def _generate(path: Path) -> Keyring:
    with _lock:
        if path.exists():
            return get_keyring(create=False)
        if has_encrypted_data():
            raise KeyringUnavailable(
                f"密钥文件 {path} 不存在，但数据库中已有加密的个人信息。请从备份恢复密钥文件"
                f"（或设置环境变量 {ENV}）；系统不会生成新密钥覆盖旧数据"
            )
        try:
            _write(path, Keyring.generate(), exclusive=True)
            log.warning("已生成新的密钥文件 %s；请将其与数据库分开备份", path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        return get_keyring(create=False)


@sensitive_variables()
def audit_keys() -> dict[str, bytes]:
    """The audit chain's HMAC-SM3 keys, kept with the SM4 keys outside the database. A key
    file from before the audit key existed gets one added (once, under the key lock)."""
    ring = get_keyring(create=True)
    if ring.audit_keys:
        return dict(ring.audit_keys)
    if from_environment():
        raise KeyringUnavailable(
            f"环境变量 {ENV} 中的密钥环没有审计密钥（audit 节）；请用 fazhi keys init 生成的密钥文件格式补上"
        )
    with _exclusive():
        ring = get_keyring(create=False)
        if not ring.audit_keys:
            ring = ring.with_audit_key()
            save_keyring(ring)
    return dict(ring.audit_keys)


def save_keyring(ring: Keyring) -> None:
    """Replace the key file atomically (write, fsync, rename); mode 0600."""
    if from_environment():
        raise KeyringReadOnly(
            f"密钥由环境变量 {ENV} 提供，不能在此修改；请在密钥的保管处修改后重新部署"
        )
    _write(key_file(), ring, exclusive=False)


@sensitive_variables()
def _write(path: Path, ring: Keyring, *, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(ring.to_json())
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            try:
                os.link(
                    tmp, path
                )  # fails if the file appeared meanwhile; never a half-written file
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: exclusive create, then write
                with os.fdopen(
                    os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                    "w",
                    encoding="utf-8",
                ) as f:
                    f.write(ring.to_json())
                    f.flush()
                    os.fsync(f.fileno())
        else:
            os.replace(tmp, path)
        with contextlib.suppress(OSError):
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    finally:
        tmp.unlink(missing_ok=True)
    _cache.pop("file", None)


@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One key operation at a time across processes (a lock file beside the key file)."""
    lock_path = key_file().with_name(key_file().name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CryptoError("另一个密钥操作正在进行，请稍后再试") from None
        except ImportError:  # not POSIX: no cross-process lock
            pass
        with _lock:
            yield
    finally:
        os.close(fd)


# --- what the database holds ------------------------------------------------------------------


@dataclass
class FieldUsage:
    label: str  # app_label.Model.field
    context: str  # the associated data of its tokens
    total: int  # non-empty values
    by_key: dict[str, int]  # data key id → values under it
    other: int  # values under no key of the keyring (retired, foreign) or not tokens at all
    by_index_key: dict[str, int] = field(default_factory=dict)  # index key id → indexes under it
    index_stale: int = 0  # values whose index is under no index key held, or missing


def usage(ring: Keyring | None = None) -> list[FieldUsage]:
    """How many values of each encrypted field use each key (counted in SQL, nothing decrypted)."""
    ring = ring or get_keyring(create=True)
    out = []
    for model, f in encrypted_fields():
        if not table_exists(model):
            continue
        qs = tokens(model, f)
        total = qs.count()
        by_key = {
            kid: qs.filter(**{f"{TOKEN}__startswith": f"{PREFIX}{kid}:"}).count()
            for kid in ring.keys
        }
        u = FieldUsage(f.label, f.aad_context, total, by_key, total - sum(by_key.values()))
        if f.index_field:
            u.by_index_key = {
                kid: qs.filter(**{f"{f.index_field}__startswith": f"{kid}:"}).count()
                for kid in ring.index_keys
            }
            u.index_stale = total - sum(u.by_index_key.values())
        out.append(u)
    return out


def key_use_count(key_id: str) -> int:
    """Values (or blind indexes) that still use key_id, over every encrypted field."""
    n = 0
    for model, f in encrypted_fields():
        if not table_exists(model):
            continue
        qs = tokens(model, f)
        n += qs.filter(**{f"{TOKEN}__startswith": f"{PREFIX}{key_id}:"}).count()
        if f.index_field:
            n += qs.filter(**{f"{f.index_field}__startswith": f"{key_id}:"}).count()
    return n


# --- rotation ---------------------------------------------------------------------------------


@dataclass
class RotationResult:
    data_key: str
    index_key: str
    added: list[str] = field(default_factory=list)  # key ids created by this run
    reencrypted: int = 0
    reindexed: int = 0
    unchanged: int = 0  # already under the current keys
    changed_meanwhile: int = (
        0  # rewritten by someone else during the run (so under the current key)
    )
    failed: list[tuple[str, object, str]] = field(default_factory=list)  # (field, pk, reason)
    per_field: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # label → (re-encrypted, re-indexed)


@sensitive_variables()
def rotate(
    *,
    index: bool = False,
    resume: bool = False,
    batch_size: int = 500,
    progress: Callable[[str], None] | None = None,
) -> RotationResult:
    """Add a new current data key (and with index a new index key), write the key file, then
    re-encrypt every value not under the current data key and re-compute every blind index not
    under the current index key, batch by batch, each batch in its own transaction.

    With resume no key is added: the pass only finishes an interrupted rotation (or one whose
    new keys were put into FAZHI_KEYS by hand). The pass is idempotent: values already under
    the current keys are not touched, so running it again after an interruption is safe."""
    if batch_size < 1:
        raise CryptoError("批大小应为正整数")
    with _exclusive():
        ring = get_keyring(create=True)
        added = []
        if not resume:
            ring = ring.with_new_data_key()
            added.append(ring.current)
            if index:
                ring = ring.with_new_index_key()
                added.append(ring.index_current)
            save_keyring(ring)  # the new keys are on disk before any value depends on them
        result = RotationResult(ring.current, ring.index_current, added)
        by_model: dict = {}
        for model, f in encrypted_fields():
            by_model.setdefault(model, []).append(f)
        for model, fields in by_model.items():
            if table_exists(model):
                _rotate_model(ring, model, fields, batch_size, result, progress)
    return result


def _rotate_model(
    ring: Keyring, model, fields, batch_size: int, result: RotationResult, progress
) -> None:
    """One pass over the rows of model that hold a value not under the current keys; one
    UPDATE per row covering all of its encrypted fields."""
    data_prefix = f"{PREFIX}{ring.current}:"
    index_prefix = f"{ring.index_current}:"
    plan = []  # (field, token annotation, blind index field or None)
    todo = models.Q()
    annotations = {}
    for f in fields:
        tok = f"{TOKEN}_{f.attname}"
        annotations[tok] = Cast(f.name, output_field=models.TextField())
        bidx = model._meta.get_field(f.index_field) if f.index_field else None
        plan.append((f, tok, bidx))
        has_value = models.Q(**{f"{tok}__isnull": False}) & ~models.Q(**{tok: ""})
        stale = ~models.Q(**{f"{tok}__startswith": data_prefix})
        if bidx is not None:
            stale |= ~models.Q(**{f"{bidx.name}__startswith": index_prefix})
        todo |= has_value & stale
    pending = model._base_manager.annotate(**annotations).filter(todo).order_by("pk")
    columns = ["pk"]
    for _field, tok, bidx in plan:
        columns += [tok] + ([bidx.attname] if bidx is not None else [])
    counts = {f.label: [0, 0] for f in fields}
    last = None
    while True:
        page = pending if last is None else pending.filter(pk__gt=last)
        rows = list(page.values(*columns)[:batch_size])
        if not rows:
            break
        with transaction.atomic():
            for row in rows:
                updates, expected, done_here = {}, {}, []
                for f, tok, bidx in plan:
                    token = row[tok]
                    if not token:
                        continue
                    old_index = row[bidx.attname] if bidx is not None else None
                    need_data = not token.startswith(data_prefix)
                    need_index = bidx is not None and not (old_index or "").startswith(index_prefix)
                    if not (need_data or need_index):
                        continue
                    try:
                        plaintext = ring.decrypt(token, f.aad_context)
                    except CryptoError as exc:
                        result.failed.append((f.label, row["pk"], str(exc)))
                        continue
                    expected[tok] = (
                        token  # compare-and-set: a value edited meanwhile is left to its writer
                    )
                    if need_data:
                        # An expression, so the field's get_prep_value does not encrypt it again.
                        updates[f.attname] = Value(
                            ring.encrypt(plaintext, f.aad_context), output_field=models.TextField()
                        )
                    if need_index:
                        updates[bidx.attname] = ring.blind_index(plaintext, f.kind)
                    done_here.append((f.label, need_data, need_index))
                if not updates:
                    result.unchanged += 1
                    continue
                written = (
                    model._base_manager.annotate(**annotations)
                    .filter(pk=row["pk"], **expected)
                    .update(**updates)
                )
                if not written:
                    result.changed_meanwhile += 1
                    continue
                for label, need_data, need_index in done_here:
                    counts[label][0] += need_data
                    counts[label][1] += need_index
        last = rows[-1]["pk"]
        if progress:
            reenc = sum(c[0] for c in counts.values())
            reidx = sum(c[1] for c in counts.values())
            progress(
                f"{model._meta.label}：已处理至主键 {last}（重新加密 {reenc}，重算索引 {reidx}）"
            )
    for label, (reenc, reidx) in counts.items():
        result.reencrypted += reenc
        result.reindexed += reidx
        result.per_field[label] = (reenc, reidx)


def retire(key_id: str) -> Keyring:
    """Remove a key that no value uses any more. Its id is remembered so it is never reused."""
    with _exclusive():
        ring = get_keyring(create=False)
        if from_environment():
            raise KeyringReadOnly(
                f"密钥由环境变量 {ENV} 提供：请在确认无数据使用 {key_id} 后从该变量中删除它"
            )
        if key_id not in ring.keys and key_id not in ring.index_keys:
            raise CryptoError(
                f"密钥环中没有 {key_id}" + ("（已退役）" if key_id in ring.retired else "")
            )
        if key_id in (ring.current, ring.index_current):
            raise CryptoError(f"{key_id} 是当前密钥，不能退役；请先运行 fazhi keys rotate")
        n = key_use_count(key_id)
        if n:
            raise CryptoError(
                f"仍有 {n} 个值使用密钥 {key_id}，不能退役；请先运行 fazhi keys rotate --resume 完成重新加密"
            )
        ring = ring.without_key(key_id)
        save_keyring(ring)
        return ring


def init() -> tuple[Keyring, bool]:
    """The keyring, generated now if there is none yet (so it can be backed up before use)."""
    with _exclusive():
        existed = from_environment() or key_file().exists()
        return get_keyring(create=True), not existed
