"""SM4-GCM tokens and HMAC-SM3 blind indexes: round trips, every kind of tampering refused,
keys picked by the token's id, normalisation making equal values index alike."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.core import crypto
from fazhi.core.crypto import (
    AuthenticationFailed,
    CryptoError,
    KeyNotFound,
    Keyring,
    KeyringError,
    TokenError,
    blind_index,
    normalise,
    parse_token,
)
from fazhi.core.personal import mask

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CTX = "security_person.name"


@pytest.fixture(scope="module")
def ring():
    return Keyring.generate()


def test_known_answer_rfc8998_sm4_gcm():
    """The cipher is SM4-GCM as RFC 8998 (A.1) specifies it, not something that merely round-trips."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    pt = bytes.fromhex(
        "AA" * 8 + "BB" * 8 + "CC" * 8 + "DD" * 8 + "EE" * 8 + "FF" * 8 + "EE" * 8 + "AA" * 8
    )
    enc = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
    enc.authenticate_additional_data(aad)
    ct = enc.update(pt) + enc.finalize()
    assert ct.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert enc.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


@pytest.mark.parametrize(
    "text",
    [
        "张三",
        "",
        "阿卜杜拉·买买提",
        "四川省资阳市雁江区 XX 路 1 号 2 栋 3 单元",
        "emoji 😀 and \u0000 NUL",
        "x" * 10_000,
    ],
)
def test_round_trip(ring, text):
    token = ring.encrypt(text, CTX)
    assert token.startswith("sm4gcm:v1:k1:") and token.isascii()
    assert text == "" or text not in token
    assert ring.decrypt(token, CTX) == text


def test_token_format_is_self_describing(ring):
    token = ring.encrypt("张三", CTX)
    scheme, version, kid, payload = token.split(":")
    assert (scheme, version, kid) == ("sm4gcm", "v1", "k1")
    raw = base64.b64decode(payload)
    assert len(raw) == crypto.NONCE_SIZE + len("张三".encode()) + crypto.TAG_SIZE
    info = parse_token(token)
    assert info.key_id == "k1" and len(info.nonce) == 12


def test_nonce_is_unique_so_equal_values_differ(ring):
    tokens = {ring.encrypt("13800138000", CTX) for _ in range(2000)}
    assert len(tokens) == 2000
    nonces = {parse_token(t).nonce for t in tokens}
    assert len(nonces) == 2000


def test_wrong_key_is_refused(ring):
    token = ring.encrypt("张三", CTX)
    other = Keyring.generate()  # also calls its key k1: same id, different key
    with pytest.raises(AuthenticationFailed, match="完整性校验失败"):
        other.decrypt(token, CTX)


def test_missing_key_is_named():
    old = Keyring.generate()
    token = old.encrypt("张三", CTX)
    newer = old.with_new_data_key().without_key("k1")
    with pytest.raises(KeyNotFound, match="k1") as err:
        newer.decrypt(token, CTX)
    assert err.value.key_id == "k1"


def _flip(token: str, position: int) -> str:
    head, payload = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[position] ^= 0x01
    return f"{head}:{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag"])
def test_any_tampered_byte_is_refused(ring, where):
    token = ring.encrypt("张三的电话 13800138000", CTX)
    size = len(base64.b64decode(token.rsplit(":", 1)[1]))
    position = {"nonce": 0, "ciphertext": crypto.NONCE_SIZE + 3, "tag": size - 1}[where]
    with pytest.raises(AuthenticationFailed):
        ring.decrypt(_flip(token, position), CTX)


def test_every_single_bit_flip_is_refused(ring):
    token = ring.encrypt("李四", CTX)
    size = len(base64.b64decode(token.rsplit(":", 1)[1]))
    for position in range(size):
        with pytest.raises(AuthenticationFailed):
            ring.decrypt(_flip(token, position), CTX)


def test_token_moved_to_another_column_is_refused(ring):
    token = ring.encrypt("13800138000", "security_person.phone")
    with pytest.raises(AuthenticationFailed):
        ring.decrypt(token, "security_person.id_number")
    with pytest.raises(AuthenticationFailed):
        ring.decrypt(token, "other_table.phone")
    assert ring.decrypt(token, "security_person.phone") == "13800138000"


def test_relabelled_key_id_is_refused():
    ring = Keyring.generate().with_new_data_key()  # k1 and k2, both held
    token = ring.encrypt("张三", CTX)  # under k2
    relabelled = token.replace(":k2:", ":k1:", 1)
    with pytest.raises(AuthenticationFailed):
        ring.decrypt(relabelled, CTX)


@pytest.mark.parametrize(
    "bad",
    [
        "张三",
        "sm4gcm:v1:k1",
        "sm4gcm:v2:k1:AAAA",
        "aes:v1:k1:AAAA",
        "sm4gcm:v1:K1:AAAA",
        "sm4gcm:v1:k1:not base64!",
        "sm4gcm:v1:k1:" + base64.b64encode(b"short").decode(),
        "sm4gcm:v1:k1:a:b",
    ],
)
def test_malformed_tokens_are_refused(ring, bad):
    with pytest.raises(TokenError):
        ring.decrypt(bad, CTX)


def test_truncated_token_is_refused(ring):
    token = ring.encrypt("四川省成都市高新区天府大道", CTX)
    head, payload = token.rsplit(":", 1)
    raw = base64.b64decode(payload)
    with pytest.raises(CryptoError):
        ring.decrypt(f"{head}:{base64.b64encode(raw[:-4]).decode()}", CTX)


def test_errors_are_chinese_and_never_carry_plaintext_or_keys(ring):
    token = ring.encrypt("张三", CTX)
    with pytest.raises(CryptoError) as err:
        Keyring.generate().decrypt(token, CTX)
    message = str(err.value)
    assert "张三" not in message and "密" in message
    assert base64.b64encode(ring.keys["k1"]).decode() not in repr(ring)
    assert "keys=" not in repr(ring)


# --- rotation in the keyring ---------------------------------------------------------------


def test_rotation_keeps_old_tokens_readable(ring):
    old_token = ring.encrypt("张三", CTX)
    rotated = ring.with_new_data_key()
    assert rotated.current == "k2" and set(rotated.keys) == {"k1", "k2"}
    new_token = rotated.encrypt("张三", CTX)
    assert (
        new_token.startswith("sm4gcm:v1:k2:")
        and rotated.is_current(new_token)
        and not rotated.is_current(old_token)
    )
    assert rotated.decrypt(old_token, CTX) == rotated.decrypt(new_token, CTX) == "张三"


def test_retired_ids_are_never_reused():
    ring = Keyring.generate().with_new_data_key().without_key("k1")
    assert ring.retired == ("k1",)
    assert ring.with_new_data_key().current == "k3"
    with pytest.raises(KeyringError, match="当前密钥"):
        ring.without_key("k2")
    with pytest.raises(KeyringError):
        Keyring({"k1": b"\0" * 16}, "k1", {"i1": b"\0" * 32}, "i1", retired=("k1",))


def test_keyring_json_round_trip_and_validation():
    ring = Keyring.generate().with_new_data_key().with_new_index_key()
    again = Keyring.from_json(ring.to_json())
    assert again == ring and again.created == ring.created
    data = json.loads(ring.to_json())
    assert data["data"]["current"] == "k2" and data["index"]["current"] == "i2"
    # the short form: key id → base64 key
    short = {
        "data": {"current": "k1", "keys": {"k1": base64.b64encode(b"\1" * 16).decode()}},
        "index": {"current": "i1", "keys": {"i1": base64.b64encode(b"\2" * 32).decode()}},
    }
    assert Keyring.from_dict(short).keys == {"k1": b"\1" * 16}
    for broken, why in [
        ("{", "JSON"),
        ('{"data": {}}', "data.current"),
        (json.dumps({**short, "data": {"current": "k9", "keys": short["data"]["keys"]}}), "k9"),
        (
            json.dumps(
                {
                    **short,
                    "data": {"current": "k1", "keys": {"k1": base64.b64encode(b"x" * 8).decode()}},
                }
            ),
            "16 字节",
        ),
        (
            json.dumps(
                {
                    **short,
                    "index": {
                        "current": "k1",
                        "keys": {"k1": base64.b64encode(b"x" * 32).decode()},
                    },
                }
            ),
            "重复",
        ),
    ]:
        with pytest.raises(KeyringError, match=why):
            Keyring.from_json(broken)


def test_generated_keys_have_the_right_sizes_and_differ():
    a, b = Keyring.generate(), Keyring.generate()
    assert len(a.keys["k1"]) == 16 and len(a.index_keys["i1"]) == 32
    assert a.keys["k1"] != b.keys["k1"] and a.keys["k1"] != a.index_keys["i1"][:16]
    assert a.fingerprint("k1") != b.fingerprint("k1") and len(a.fingerprint("i1")) == 12


# --- blind index ---------------------------------------------------------------------------

KEY = b"\x07" * 32


def test_blind_index_is_hmac_sm3_over_the_normalised_value():
    expected = hmac.new(KEY, b"phone\x1f13800138000", "sm3").hexdigest()
    assert blind_index("138 0013 8000", KEY, "phone") == expected
    assert len(expected) == 64 and hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")


@pytest.mark.parametrize(
    "kind, variants",
    [
        (
            "phone",
            [
                "13800138000",
                "138 0013 8000",
                "138-0013-8000",
                "１３８００１３８０００",
                "+86 138 0013 8000",
                "0086-13800138000",
            ],
        ),
        (
            "id_number",
            [
                "51010119900307123X",
                "51010119900307123x",
                "510101 19900307 123X",
                "５１０１０１１９９００３０７１２３Ｘ",
            ],
        ),
        ("name", ["张三", " 张三 ", "张 三", "张　三"]),
        ("name", ["阿卜杜拉·买买提", "阿卜杜拉•买买提", "阿卜杜拉.买买提", "阿卜杜拉・买买提"]),
        ("name", ["Zhang San", "zhang san", "ＺＨＡＮＧ ＳＡＮ"]),
        (
            "email",
            ["Zhang.San@Example.CN", "zhang.san@example.cn ", "ｚｈａｎｇ.ｓａｎ@example.cn"],
        ),
        ("address", ["四川省资阳市雁江区1号", "四川省 资阳市 雁江区 １号"]),
    ],
)
def test_blind_index_equal_for_equivalent_forms(kind, variants):
    assert len({blind_index(v, KEY, kind) for v in variants}) == 1


def test_blind_index_distinguishes():
    assert blind_index("13800138000", KEY, "phone") != blind_index("13800138001", KEY, "phone")
    assert blind_index("51010119900307123X", KEY, "id_number") != blind_index(
        "510101199003071230", KEY, "id_number"
    )
    # the same digits as a phone and as an ID number do not share an index (kind separates)
    assert blind_index("13800138000", KEY, "phone") != blind_index("13800138000", KEY, "id_number")
    # another key, another index: the index says nothing without the key
    assert blind_index("13800138000", KEY, "phone") != blind_index(
        "13800138000", b"\x08" * 32, "phone"
    )
    # text is exact apart from NFKC and surrounding space
    assert blind_index("Abc", KEY, "text") != blind_index("abc", KEY, "text")


def test_blind_index_is_stable():
    # a fixed key gives a fixed index: stored indexes stay valid across releases
    assert (
        blind_index("张三", KEY, "name")
        == hmac.new(KEY, "name\x1f张三".encode(), "sm3").hexdigest()
    )


def test_keyring_index_carries_its_key_id_and_searches_all_keys():
    ring = Keyring.generate()
    assert ring.blind_index("", "phone") == "" and ring.blind_index(None, "phone") == ""
    first = ring.blind_index("138 0013 8000", "phone")
    assert first.startswith("i1:") and len(first) == 3 + 64
    rotated = ring.with_new_index_key()
    second = rotated.blind_index("13800138000", "phone")
    assert second.startswith("i2:")
    assert set(rotated.blind_index_candidates("13800138000", "phone")) == {first, second}


def test_normalise_unknown_kind():
    with pytest.raises(CryptoError, match="未知的数据类别"):
        normalise("x", "passport")


def test_mask():
    assert mask("13800138000", "phone") == "138****8000"
    assert mask("51010119900307123X", "id_number") == "5101**********123X"
    assert mask("张三丰", "name") == "张*丰" and mask("张三", "name") == "张*"
    assert mask("zhang@example.cn", "email") == "z***@example.cn"
    assert mask("", "phone") == "" and mask(None, "name") == ""


# --- properties ----------------------------------------------------------------------------

PROP_RING = Keyring.generate()


@PROPS
@given(text=st.text(), context=st.text(min_size=1, max_size=40))
def test_round_trip_property(text, context):
    token = PROP_RING.encrypt(text, context)
    assert PROP_RING.decrypt(token, context) == text


@PROPS
@given(
    text=st.text(min_size=1), a=st.text(min_size=1, max_size=20), b=st.text(min_size=1, max_size=20)
)
def test_other_context_never_decrypts_property(text, a, b):
    if a == b:
        return
    with pytest.raises(AuthenticationFailed):
        PROP_RING.decrypt(PROP_RING.encrypt(text, a), b)


@PROPS
@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=20),
    seps=st.lists(st.sampled_from([" ", "-", "　", "(", ")"]), max_size=5),
)
def test_phone_separators_never_change_the_index_property(digits, seps):
    noisy = "".join(d + (seps[i % len(seps)] if seps else "") for i, d in enumerate(digits))
    full_width = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert (
        blind_index(noisy, KEY, "phone")
        == blind_index(digits, KEY, "phone")
        == blind_index(full_width, KEY, "phone")
    )
