"""Field encryption for personal data (等保 2.0 三级, 密码技术): SM4-GCM tokens and
HMAC-SM3 blind indexes, with a keyring that keeps old keys readable after rotation.

Pure: no Django. The key material lives outside the database (see fazhi.security.keys).

Token format (ASCII text, self-describing, versioned)::

    sm4gcm:v1:<key id>:<base64(nonce[12] || ciphertext || tag[16])>

The associated data authenticated with every token is ``"sm4gcm:v1:<key id>" NUL <context>``,
where the context names the table and column the value belongs to, so a token copied to
another column, or relabelled with another key id, fails authentication instead of
decrypting. A failed authentication always raises; it never returns plaintext.

Blind index (for exact-match search without decrypting)::

    <index key id>:<hex HMAC-SM3(index key, kind US normalised value)>

The kind (name, phone, ...) is mixed in so equal digits in a phone and an ID number do
not share an index; the normaliser per kind makes "138 0013 8000" and "13800138000" equal.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .personal import KINDS, NORMALISERS

SCHEME = "sm4gcm"
VERSION = "v1"
PREFIX = f"{SCHEME}:{VERSION}:"
NONCE_SIZE = 12  # 96-bit random nonce, the GCM default (RFC 8998 uses the same)
TAG_SIZE = 16
DATA_KEY_SIZE = 16  # SM4 has 128-bit keys only
INDEX_KEY_SIZE = 32  # HMAC-SM3 key: the hash's output size
AUDIT_KEY_ID = "a1"  # the audit chain's HMAC-SM3 key; not rotated (old entries must verify)
KEYRING_FORMAT = "fazhi-keys/1"
KEY_ID_RE = re.compile(r"^[a-z][a-z0-9]{0,15}$")
INDEX_HEX_SIZE = 64
BLIND_INDEX_MAX_LENGTH = 16 + 1 + INDEX_HEX_SIZE  # "<id>:<hex>"


class CryptoError(Exception):
    """Any failure of this module; the message is Chinese, for the operator or the user."""


class CipherUnavailable(CryptoError):
    pass


class KeyringError(CryptoError):
    """A keyring that cannot be read or used (bad JSON, wrong key size, unknown current key)."""


class KeyNotFound(CryptoError):
    """The token names a key that the keyring does not hold (missing, retired, other keyring)."""

    def __init__(self, key_id: str, message: str | None = None):
        self.key_id = key_id
        super().__init__(
            message
            or f"密钥 {key_id} 不在密钥环中（密钥文件缺失、不是本系统的，或该密钥已退役），无法解密"
        )


class TokenError(CryptoError):
    """Not a well-formed token."""


class AuthenticationFailed(TokenError):
    """The tag does not verify: the data was altered, moved to another field, or the key is wrong."""


# --- normalisation --------------------------------------------------------------------------


def normalise(value: str, kind: str = "text") -> str:
    try:
        return NORMALISERS[kind](value)
    except KeyError:
        raise CryptoError(f"未知的数据类别 {kind!r}（可用：{'、'.join(KINDS)}）") from None


def blind_index(value: str, key: bytes, kind: str = "text") -> str:
    """Hex HMAC-SM3 of the normalised value, domain-separated by kind."""
    msg = kind.encode("ascii") + b"\x1f" + normalise(value, kind).encode("utf-8", "surrogatepass")
    return hmac.new(key, msg, "sm3").hexdigest()


# --- tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInfo:
    scheme: str
    version: str
    key_id: str
    nonce: bytes
    ciphertext: bytes  # with the tag at the end


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def parse_token(token: str) -> TokenInfo:
    if not isinstance(token, str):
        raise TokenError("密文格式错误：不是文本")
    parts = token.split(":")
    if len(parts) != 4 or not parts[0] or not parts[1]:
        raise TokenError("密文格式错误：应为 sm4gcm:v1:<密钥编号>:<数据>")
    scheme, version, key_id, payload = parts
    if scheme != SCHEME or version != VERSION:
        raise TokenError(f"不支持的密文格式 {scheme}:{version}（本版本支持 {SCHEME}:{VERSION}）")
    if not KEY_ID_RE.match(key_id):
        raise TokenError("密文格式错误：密钥编号无效")
    try:
        raw = base64.b64decode(payload.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise TokenError("密文格式错误：数据不是有效的 Base64") from None
    if len(raw) < NONCE_SIZE + TAG_SIZE:
        raise TokenError("密文格式错误：数据过短（被截断？）")
    return TokenInfo(scheme, version, key_id, raw[:NONCE_SIZE], raw[NONCE_SIZE:])


def token_key_id(token: str) -> str:
    return parse_token(token).key_id


def _aad(key_id: str, context: str) -> bytes:
    return (
        f"{SCHEME}:{VERSION}:{key_id}".encode("ascii")
        + b"\x00"
        + context.encode("utf-8", "surrogatepass")
    )


def seal(plaintext: str, key: bytes, key_id: str, context: str) -> str:
    """Encrypt one value under one key. Prefer Keyring.encrypt."""
    if len(key) != DATA_KEY_SIZE:
        raise KeyringError(f"SM4 密钥长度应为 {DATA_KEY_SIZE} 字节")
    nonce = os.urandom(NONCE_SIZE)
    try:
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    except UnsupportedAlgorithm:
        raise CipherUnavailable(
            "当前安装的 cryptography/OpenSSL 不支持 SM4-GCM；请安装 cryptography ≥ 44 的官方轮子（内置 OpenSSL ≥ 3.2）"
        ) from None
    enc.authenticate_additional_data(_aad(key_id, context))
    body = enc.update(plaintext.encode("utf-8", "surrogatepass")) + enc.finalize()
    payload = base64.b64encode(nonce + body + enc.tag).decode("ascii")
    return f"{PREFIX}{key_id}:{payload}"


def unseal(token: str, key: bytes, context: str) -> str:
    """Decrypt and authenticate one token with the given key. Prefer Keyring.decrypt."""
    info = parse_token(token)
    body, tag = info.ciphertext[:-TAG_SIZE], info.ciphertext[-TAG_SIZE:]
    try:
        dec = Cipher(algorithms.SM4(key), modes.GCM(info.nonce, tag)).decryptor()
    except UnsupportedAlgorithm:
        raise CipherUnavailable("当前安装的 cryptography/OpenSSL 不支持 SM4-GCM") from None
    except ValueError:
        raise KeyringError(f"SM4 密钥长度应为 {DATA_KEY_SIZE} 字节") from None
    dec.authenticate_additional_data(_aad(info.key_id, context))
    data = dec.update(body)
    try:
        data += dec.finalize()  # verifies the tag; nothing is returned unless it holds
    except InvalidTag:
        raise AuthenticationFailed(
            "密文完整性校验失败：数据被篡改、被移到其他字段，或密钥与加密时不一致；已拒绝解密"
        ) from None
    return data.decode("utf-8", "surrogatepass")


# --- keyring --------------------------------------------------------------------------------


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise KeyringError(f"密钥环格式错误：{what} 应为 Base64 文本")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise KeyringError(f"密钥环格式错误：{what} 不是有效的 Base64") from None


def _next_id(prefix: str, taken: set[str]) -> str:
    n = 1 + max(
        (
            int(k[len(prefix) :])
            for k in taken
            if k.startswith(prefix) and k[len(prefix) :].isdigit()
        ),
        default=0,
    )
    return f"{prefix}{n}"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Keyring:
    """Data keys (SM4) and index keys (HMAC-SM3) by id, each with its current id.

    Encryption and indexing use the current keys; decryption picks the key named in the
    token, so values written before a rotation stay readable until re-encrypted. Retired
    ids are remembered so that an id is never reused for another key. Immutable: the
    rotation methods return a new keyring. The repr shows ids only, never key material.
    """

    keys: Mapping[str, bytes] = field(repr=False)
    current: str
    index_keys: Mapping[str, bytes] = field(repr=False)
    index_current: str
    retired: tuple[str, ...] = ()
    created: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # HMAC-SM3 keys of the audit chain by id ("a1", …); older key files have none yet.
    audit_keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for kid, key in self.keys.items():
            if not KEY_ID_RE.match(kid):
                raise KeyringError(f"密钥编号 {kid!r} 无效（小写字母开头，字母或数字，最多 16 位）")
            if len(key) != DATA_KEY_SIZE:
                raise KeyringError(f"数据密钥 {kid} 长度应为 {DATA_KEY_SIZE} 字节（SM4-128）")
        for kid, key in self.index_keys.items():
            if not KEY_ID_RE.match(kid):
                raise KeyringError(f"密钥编号 {kid!r} 无效（小写字母开头，字母或数字，最多 16 位）")
            if len(key) < INDEX_KEY_SIZE:
                raise KeyringError(f"索引密钥 {kid} 长度应至少为 {INDEX_KEY_SIZE} 字节")
        if self.current not in self.keys:
            raise KeyringError(f"当前数据密钥 {self.current!r} 不在密钥环中")
        if self.index_current not in self.index_keys:
            raise KeyringError(f"当前索引密钥 {self.index_current!r} 不在密钥环中")
        for kid, key in self.audit_keys.items():
            if not kid.startswith("a") or not KEY_ID_RE.match(kid):
                raise KeyringError(f"审计密钥编号 {kid!r} 无效（a 开头，字母或数字）")
            if len(key) < INDEX_KEY_SIZE:
                raise KeyringError(f"审计密钥 {kid} 长度应至少为 {INDEX_KEY_SIZE} 字节")
        clash = set(self.keys) & set(self.index_keys)
        if clash:
            raise KeyringError(f"数据密钥与索引密钥的编号重复：{'、'.join(sorted(clash))}")
        reused = (set(self.keys) | set(self.index_keys)) & set(self.retired)
        if reused:
            raise KeyringError(f"已退役的密钥编号不能再用：{'、'.join(sorted(reused))}")

    # construction and rotation

    @classmethod
    def generate(cls) -> Keyring:
        """A fresh keyring: data key k1 (random 128-bit SM4), index key i1 (random 256-bit)."""
        now = _now()
        return cls(
            keys={"k1": os.urandom(DATA_KEY_SIZE)},
            current="k1",
            index_keys={"i1": os.urandom(INDEX_KEY_SIZE)},
            index_current="i1",
            created={"k1": now, "i1": now, "a1": now},
            audit_keys={"a1": os.urandom(INDEX_KEY_SIZE)},
        )

    def with_audit_key(self) -> Keyring:
        """The keyring with an audit chain key a1 added (key files made before it existed)."""
        if self.audit_keys:
            return self
        return replace(
            self,
            audit_keys={AUDIT_KEY_ID: os.urandom(INDEX_KEY_SIZE)},
            created={**self.created, AUDIT_KEY_ID: _now()},
        )

    def _taken(self) -> set[str]:
        return set(self.keys) | set(self.index_keys) | set(self.retired)

    def with_new_data_key(self) -> Keyring:
        kid = _next_id("k", self._taken())
        return replace(
            self,
            keys={**self.keys, kid: os.urandom(DATA_KEY_SIZE)},
            current=kid,
            created={**self.created, kid: _now()},
        )

    def with_new_index_key(self) -> Keyring:
        kid = _next_id("i", self._taken())
        return replace(
            self,
            index_keys={**self.index_keys, kid: os.urandom(INDEX_KEY_SIZE)},
            index_current=kid,
            created={**self.created, kid: _now()},
        )

    def without_key(self, key_id: str) -> Keyring:
        """Drop a non-current key for good (its id is remembered as retired)."""
        if key_id in (self.current, self.index_current):
            raise KeyringError(f"{key_id} 是当前密钥，不能退役；请先轮换")
        if key_id not in self.keys and key_id not in self.index_keys:
            raise KeyNotFound(key_id, f"密钥环中没有 {key_id}")
        return replace(
            self,
            keys={k: v for k, v in self.keys.items() if k != key_id},
            index_keys={k: v for k, v in self.index_keys.items() if k != key_id},
            retired=tuple(sorted({*self.retired, key_id})),
            created={k: v for k, v in self.created.items() if k != key_id},
        )

    # use

    def encrypt(self, plaintext: str, context: str) -> str:
        return seal(plaintext, self.keys[self.current], self.current, context)

    def decrypt(self, token: str, context: str) -> str:
        info_id = token_key_id(token)
        key = self.keys.get(info_id)
        if key is None:
            raise KeyNotFound(info_id)
        return unseal(token, key, context)

    def is_current(self, token: str) -> bool:
        return token.startswith(f"{PREFIX}{self.current}:")

    def blind_index(self, value: str | None, kind: str = "text") -> str:
        """``<index key id>:<hex>`` under the current index key; "" for an empty value."""
        if value is None or value == "":
            return ""
        return (
            f"{self.index_current}:{blind_index(value, self.index_keys[self.index_current], kind)}"
        )

    def blind_index_candidates(self, value: str, kind: str = "text") -> list[str]:
        """The value's index under every index key held, for search during an index rotation."""
        if value is None or value == "":
            return []
        return [f"{kid}:{blind_index(value, key, kind)}" for kid, key in self.index_keys.items()]

    def fingerprint(self, key_id: str) -> str:
        """A short check value (key check value) to compare key backups; reveals nothing usable."""
        key = self.keys.get(key_id) or self.index_keys.get(key_id)
        if key is None:
            raise KeyNotFound(key_id, f"密钥环中没有 {key_id}")
        return hmac.new(key, b"fazhi key check value", "sm3").hexdigest()[:12]

    # storage form (JSON); the caller decides where it lives

    def to_dict(self) -> dict:
        def entries(keys):
            return {
                kid: {
                    "key": _b64(key),
                    **({"created": self.created[kid]} if kid in self.created else {}),
                }
                for kid, key in keys.items()
            }

        return {
            "format": KEYRING_FORMAT,
            "data": {"current": self.current, "keys": entries(self.keys)},
            "index": {"current": self.index_current, "keys": entries(self.index_keys)},
            **(
                {"audit": {"current": AUDIT_KEY_ID, "keys": entries(self.audit_keys)}}
                if self.audit_keys
                else {}
            ),
            "retired": list(self.retired),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: object) -> Keyring:
        if not isinstance(data, dict):
            raise KeyringError("密钥环格式错误：应为 JSON 对象")
        if data.get("format", KEYRING_FORMAT) != KEYRING_FORMAT:
            raise KeyringError(f"不支持的密钥环格式 {data.get('format')!r}")
        created: dict[str, str] = {}

        def section(name: str) -> tuple[dict[str, bytes], str]:
            sec = data.get(name)
            if (
                not isinstance(sec, dict)
                or not isinstance(sec.get("keys"), dict)
                or not isinstance(sec.get("current"), str)
            ):
                raise KeyringError(f"密钥环格式错误：缺少 {name}.current 或 {name}.keys")
            keys = {}
            for kid, entry in sec["keys"].items():
                if isinstance(entry, dict):  # {"key": base64, "created": iso}
                    if isinstance(entry.get("created"), str):
                        created[kid] = entry["created"]
                    entry = entry.get("key")
                keys[kid] = _unb64(entry, f"{name}.keys.{kid}")
            return keys, sec["current"]

        keys, current = section("data")
        index_keys, index_current = section("index")
        audit_keys = {}
        if "audit" in data:
            audit_keys, _ = section("audit")
        retired = data.get("retired", [])
        if not isinstance(retired, list) or not all(isinstance(r, str) for r in retired):
            raise KeyringError("密钥环格式错误：retired 应为编号列表")
        return cls(keys, current, index_keys, index_current, tuple(retired), created, audit_keys)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            raise KeyringError(
                "密钥环不是有效的 JSON"
            ) from None  # never echo the text: it holds keys
        return cls.from_dict(data)
