"""Personal data at rest: the database holds SM4-GCM tokens and blind indexes, never the
plaintext; search works through the index; key rotation re-encrypts everything and lets the
old key go; without the key file nothing is readable, and nothing is silently re-keyed."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import stat

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from fazhi.core.crypto import AuthenticationFailed, CryptoError, Keyring
from fazhi.security import keys
from fazhi.security.fields import BlindIndexField, EncryptedTextField, lookup_q
from fazhi.security.models import Person
from fazhi.security.stored import encrypted_fields

pytestmark = pytest.mark.django_db

ZHANG = {
    "name": "张三",
    "id_number": "51010119900307123X",
    "phone": "13800138000",
    "address": "四川省资阳市雁江区建设路 1 号",
}
COLUMNS = [
    "name",
    "name_bidx",
    "id_number",
    "id_number_bidx",
    "phone",
    "phone_bidx",
    "address",
    "address_bidx",
]


@pytest.fixture(autouse=True)
def key_file(tmp_path, settings, monkeypatch):
    """Each test has its own key file, and no FAZHI_KEYS from the environment."""
    monkeypatch.delenv("FAZHI_KEYS", raising=False)
    settings.FAZHI_KEY_FILE = tmp_path / "keys" / "keys.json"
    return settings.FAZHI_KEY_FILE


def raw_rows() -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, {', '.join(COLUMNS)} FROM security_person ORDER BY id")
        return [dict(zip(["id", *COLUMNS], row, strict=False)) for row in cur.fetchall()]


def raw_update(pk, **values):
    sets = ", ".join(f"{c} = %s" for c in values)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE security_person SET {sets} WHERE id = %s", [*values.values(), pk])


def cmd(*args) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out, stderr=out)
    return out.getvalue()


# --- storage -------------------------------------------------------------------------------


def test_database_holds_no_plaintext(key_file):
    p = Person.objects.create(**ZHANG)
    (row,) = raw_rows()
    for column in ["name", "id_number", "phone", "address"]:
        assert row[column].startswith("sm4gcm:v1:k1:"), column
        assert row[f"{column}_bidx"].startswith("i1:") and len(row[f"{column}_bidx"]) == 67
    dump = json.dumps(row, ensure_ascii=False)
    for needle in [
        "张三",
        "张",
        "13800138000",
        "0013",
        "51010119900307123X",
        "19900307",
        "资阳",
        "建设路",
    ]:
        assert needle not in dump
    fresh = Person.objects.get(pk=p.pk)
    assert {k: getattr(fresh, k) for k in ZHANG} == ZHANG
    assert str(fresh) == "张*" and fresh.masked()["phone"] == "138****8000"


def test_key_file_is_generated_on_first_use_outside_the_database(key_file):
    assert not key_file.exists()
    Person.objects.create(name="李四")
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data = json.loads(key_file.read_text())
    assert data["data"]["current"] == "k1" and data["index"]["current"] == "i1"
    assert len(base64.b64decode(data["data"]["keys"]["k1"]["key"])) == 16
    assert len(base64.b64decode(data["index"]["keys"]["i1"]["key"])) == 32


def test_empty_values_stay_empty(key_file):
    p = Person.objects.create(name="王五")
    (row,) = raw_rows()
    assert row["phone"] == row["phone_bidx"] == row["id_number"] == row["address_bidx"] == ""
    assert Person.objects.get(pk=p.pk).phone == ""
    p.phone = "13900139000"
    p.save()
    assert (
        raw_rows()[0]["phone"].startswith("sm4gcm:")
        and Person.objects.get(pk=p.pk).phone == "13900139000"
    )
    p.phone = ""
    p.save()
    assert raw_rows()[0]["phone"] == raw_rows()[0]["phone_bidx"] == ""


def test_same_value_twice_gives_different_tokens_but_the_same_index():
    Person.objects.create(name="张三", phone="13800138000")
    Person.objects.create(name="张三", phone="138 0013 8000")
    a, b = raw_rows()
    assert a["phone"] != b["phone"] and a["name"] != b["name"]
    assert a["phone_bidx"] == b["phone_bidx"] and a["name_bidx"] == b["name_bidx"]


def test_bulk_create_fills_the_index():
    Person.objects.bulk_create([Person(name="赵六", phone="13700137000"), Person(name="钱七")])
    rows = raw_rows()
    assert rows[0]["phone_bidx"].startswith("i1:") and rows[1]["phone_bidx"] == ""
    assert Person.objects.filter(lookup_q(Person, "phone", "137-0013-7000")).get().name == "赵六"


# --- search --------------------------------------------------------------------------------


def test_lookup_by_blind_index_in_other_formats():
    zhang = Person.objects.create(**ZHANG)
    Person.objects.create(name="李四", phone="13900139000", id_number="510101199001011234")
    assert list(Person.objects.filter(lookup_q(Person, "phone", "+86 138-0013-8000"))) == [zhang]
    assert list(Person.objects.filter(lookup_q(Person, "phone", "１３８ ００１３ ８０００"))) == [
        zhang
    ]
    assert list(Person.objects.filter(lookup_q(Person, "id_number", "51010119900307123x"))) == [
        zhang
    ]
    assert list(Person.objects.filter(lookup_q(Person, "name", " 张 三 "))) == [zhang]
    assert not Person.objects.filter(lookup_q(Person, "phone", "13800138001")).exists()
    assert not Person.objects.filter(lookup_q(Person, "phone", "")).exists()
    # combines with other conditions like any Q
    assert (
        Person.objects.filter(
            lookup_q(Person, "name", "张三") & lookup_q(Person, "phone", "13800138000")
        ).count()
        == 1
    )


def test_plain_lookups_on_encrypted_fields_are_refused():
    Person.objects.create(**ZHANG)
    with pytest.raises(FieldError, match="lookup_q"):
        Person.objects.filter(phone="13800138000").count()
    with pytest.raises(FieldError):
        Person.objects.filter(name__icontains="张").count()
    assert Person.objects.filter(phone__isnull=False).count() == 1
    with pytest.raises(FieldError, match="盲索引"):
        lookup_q(Person, "created_at", "x")


# --- integrity -----------------------------------------------------------------------------


def test_token_moved_to_another_column_is_refused():
    p = Person.objects.create(**ZHANG)
    row = raw_rows()[0]
    raw_update(p.pk, id_number=row["phone"])
    with pytest.raises(AuthenticationFailed, match="无法解密 security.Person.id_number"):
        Person.objects.get(pk=p.pk)


def test_tampered_token_in_the_database_is_refused():
    p = Person.objects.create(**ZHANG)
    token = raw_rows()[0]["name"]
    head, payload = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[14] ^= 0x80
    raw_update(p.pk, name=f"{head}:{base64.b64encode(bytes(raw)).decode()}")
    with pytest.raises(AuthenticationFailed, match="完整性校验失败"):
        Person.objects.get(pk=p.pk)
    # other columns of the row are still not readable separately: the whole row fails, no garbage
    assert Person.objects.values_list("pk", flat=True).get() == p.pk


# --- keys outside the database ---------------------------------------------------------------


def test_without_the_key_file_nothing_is_readable_and_nothing_is_rekeyed(key_file):
    p = Person.objects.create(**ZHANG)
    backup = key_file.read_bytes()
    key_file.unlink()
    with pytest.raises(keys.KeyringUnavailable, match="密钥文件 .* 不存在.*备份恢复"):
        Person.objects.get(pk=p.pk)
    # writing must not generate a fresh k1 over data encrypted with the lost one
    with pytest.raises(keys.KeyringUnavailable, match="已有加密的个人信息"), transaction.atomic():
        Person.objects.create(name="新人")
    assert not key_file.exists()
    key_file.write_bytes(backup)
    os.chmod(key_file, 0o600)
    assert Person.objects.get(pk=p.pk).phone == ZHANG["phone"]


def test_another_keyring_never_yields_garbage(key_file):
    p = Person.objects.create(**ZHANG)
    key_file.write_text(Keyring.generate().to_json())  # also k1/i1, different keys
    with pytest.raises(AuthenticationFailed):
        Person.objects.get(pk=p.pk)
    # and the search finds nothing rather than something wrong
    assert not Person.objects.filter(lookup_q(Person, "phone", ZHANG["phone"])).exists()


def test_environment_keys_take_precedence(key_file, monkeypatch):
    ring = Keyring.generate()
    monkeypatch.setenv("FAZHI_KEYS", ring.to_json())
    p = Person.objects.create(**ZHANG)
    assert not key_file.exists()  # nothing written to disk
    assert Person.objects.get(pk=p.pk).name == "张三"
    assert "环境变量 FAZHI_KEYS" in cmd("status")
    with pytest.raises(keys.KeyringReadOnly):
        keys.rotate()
    # keys rotated by hand in the environment: the resume pass re-encrypts
    monkeypatch.setenv("FAZHI_KEYS", ring.with_new_data_key().to_json())
    assert keys.rotate(resume=True).reencrypted == 4
    assert all(r["name"].startswith("sm4gcm:v1:k2:") for r in raw_rows())
    with pytest.raises(keys.KeyringReadOnly):
        keys.retire("k1")
    monkeypatch.setenv("FAZHI_KEYS", "{not json")
    with pytest.raises(CryptoError, match="FAZHI_KEYS"):
        Person.objects.get(pk=p.pk)


def test_keys_are_never_logged_or_printed(key_file, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    Person.objects.create(**ZHANG)
    out = cmd("status") + cmd("rotate", "--index") + cmd("status")
    ring = keys.get_keyring()
    secrets = [
        base64.b64encode(k).decode() for k in [*ring.keys.values(), *ring.index_keys.values()]
    ]
    captured = capsys.readouterr()
    for text in [out, caplog.text, captured.out, captured.err]:
        for secret in secrets:
            assert secret not in text


# --- rotation --------------------------------------------------------------------------------


def make_people(n: int) -> list[Person]:
    return [
        Person.objects.create(
            name=f"申请人{i}",
            phone=f"1380013{i:04d}",
            id_number=f"5101011990010{i:04d}X"[:18],
            address=f"地址{i}",
        )
        for i in range(n)
    ]


def test_rotation_reencrypts_every_row_and_the_old_key_can_be_retired(key_file):
    people = make_people(23)
    Person.objects.create(name="只有姓名")
    before = raw_rows()
    result = keys.rotate(batch_size=5)
    assert result.added == ["k2"] and result.data_key == "k2" and result.index_key == "i1"
    assert result.reencrypted == 23 * 4 + 1 and result.reindexed == 0 and not result.failed
    after = raw_rows()
    for old, new in zip(before, after, strict=False):
        for column in ["name", "id_number", "phone", "address"]:
            if old[column]:
                assert new[column].startswith("sm4gcm:v1:k2:") and new[column] != old[column]
            else:
                assert new[column] == ""
            assert (
                new[f"{column}_bidx"] == old[f"{column}_bidx"]
            )  # index key unchanged: index unchanged
    for p in people:
        fresh = Person.objects.get(pk=p.pk)
        assert (fresh.name, fresh.phone, fresh.id_number, fresh.address) == (
            p.name,
            p.phone,
            p.id_number,
            p.address,
        )
    # idempotent: nothing left to do
    again = keys.rotate(resume=True)
    assert again.added == [] and again.reencrypted == again.reindexed == 0
    assert raw_rows() == after
    keys.retire("k1")
    ring = keys.get_keyring()
    assert set(ring.keys) == {"k2"} and ring.retired == ("k1",)
    assert "k1" not in json.loads(key_file.read_text())["data"]["keys"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Person.objects.filter(lookup_q(Person, "phone", "138-0013-0007")).get().name == "申请人7"


def test_retire_refuses_while_a_value_uses_the_key_and_resume_finishes(key_file):
    make_people(12)
    # an interrupted rotation: the new key is on disk, no value re-encrypted yet
    keys.save_keyring(keys.get_keyring().with_new_data_key())
    with pytest.raises(CryptoError, match="仍有 48 个值使用密钥 k1"):
        keys.retire("k1")
    with pytest.raises(CryptoError, match="当前密钥"):
        keys.retire("k2")
    with pytest.raises(CryptoError, match="没有 k9"):
        keys.retire("k9")
    # reading works meanwhile: old values under k1, new ones under k2
    Person.objects.create(name="轮换中新增")
    assert raw_rows()[-1]["name"].startswith("sm4gcm:v1:k2:")
    assert Person.objects.count() == 13 and min(p.name for p in Person.objects.all()) == "申请人0"
    assert keys.rotate(resume=True).reencrypted == 48
    keys.retire("k1")


def test_rotation_is_resumable_after_a_crash(key_file):
    make_people(20)

    class Crash(Exception):
        pass

    def crash_after_first_batch(message):
        raise Crash

    with pytest.raises(Crash):
        keys.rotate(batch_size=6, progress=crash_after_first_batch)
    rows = raw_rows()
    done = sum(r["name"].startswith("sm4gcm:v1:k2:") for r in rows)
    assert done == 6  # the first batch committed (all fields of its rows), the rest still under k1
    assert sum(r["address"].startswith("sm4gcm:v1:k2:") for r in rows) == 6
    usage = {u.label: u for u in keys.usage()}["security.Person.name"]
    assert usage.by_key == {"k1": 14, "k2": 6}
    result = keys.rotate(resume=True, batch_size=6)
    assert result.reencrypted == 14 * 4  # the 14 rows left, each with its four fields
    assert all(
        r[c].startswith("sm4gcm:v1:k2:")
        for r in raw_rows()
        for c in ["name", "phone", "id_number", "address"]
    )
    keys.retire("k1")


def test_index_rotation_recomputes_indexes_and_search_works_throughout(key_file):
    make_people(10)
    old_index = {r["id"]: r["phone_bidx"] for r in raw_rows()}

    seen = []

    def search_midway(message):  # search while the rotation is half done
        seen.append(Person.objects.filter(lookup_q(Person, "phone", "13800130003")).count())

    result = keys.rotate(index=True, batch_size=4, progress=search_midway)
    assert result.added == ["k2", "i2"] and result.reindexed == 40 and result.reencrypted == 40
    assert seen and set(seen) == {1}
    for r in raw_rows():
        assert r["phone_bidx"].startswith("i2:") and r["phone_bidx"] != old_index[r["id"]]
    with pytest.raises(CryptoError, match="当前密钥"):
        keys.retire("i2")
    keys.retire("i1")
    keys.retire("k1")
    assert Person.objects.filter(lookup_q(Person, "phone", "138 0013 0003")).get().name == "申请人3"


def test_rotation_reports_values_it_cannot_decrypt(key_file):
    people = make_people(3)
    raw_update(
        people[1].pk, name=raw_rows()[0]["name"]
    )  # row 0's token pasted into row 1: same column, decrypts
    raw_update(people[2].pk, address=raw_rows()[0]["phone"])  # moved to another column: refused
    result = keys.rotate()
    assert [(label, pk) for label, pk, _ in result.failed] == [
        ("security.Person.address", people[2].pk)
    ]
    with pytest.raises(CryptoError, match="仍有 1 个值"):
        keys.retire("k1")


# --- the command -----------------------------------------------------------------------------


def test_keys_command_status_rotate_retire(key_file):
    assert "尚未生成" in cmd("status")
    out = cmd("init")
    assert "已生成" in out and "k1（当前）" in out and key_file.exists()
    assert "密钥已存在" in cmd("init")
    make_people(5)
    out = cmd("status")
    assert (
        "k1（当前）" in out
        and "加密值 20" in out
        and "security.Person.phone：5 个值（k1 5）" in out
    )
    out = cmd("rotate", "--batch-size", "2")
    assert "已新增密钥 k2" in out and "重新加密 20 个值" in out
    out = cmd("status")
    assert "k2（当前）" in out and "k1  指纹" in out and "加密值 0" in out
    with pytest.raises(CommandError, match="当前密钥"):
        cmd("retire", "k2")
    assert "已退役" in cmd("retire", "k1")
    assert "已退役：k1" in cmd("status")
    with pytest.raises(CommandError, match="不能与 --index 同用"):
        cmd("rotate", "--resume", "--index")
    out = cmd("rotate", "--index")
    assert "已新增密钥 k3、i2" in out and "重算 20 个索引" in out

    from fazhi.audit.models import AuditEntry

    actions = list(
        AuditEntry.objects.filter(object_type="security.keyring").values_list("action", flat=True)
    )
    assert actions == ["keys.init", "keys.rotate", "keys.retire", "keys.rotate"]


def test_status_reports_unfinished_rotation(key_file):
    make_people(2)
    keys.save_keyring(keys.get_keyring().with_new_data_key())
    out = cmd("status")
    assert "有 8 处仍使用旧密钥" in out and "--resume" in out


# --- the field itself ------------------------------------------------------------------------


def test_registry_lists_every_encrypted_field():
    labels = [f.label for _, f in encrypted_fields()]
    assert {
        "security.Person.name",
        "security.Person.id_number",
        "security.Person.phone",
        "security.Person.address",
    } <= set(labels)
    assert len(labels) == len(set(labels))
    contexts = {f.aad_context for _, f in encrypted_fields()}
    assert "security_person.phone" in contexts


@isolate_apps("fazhi.security")
def test_field_checks():
    class Bad(models.Model):
        secret = EncryptedTextField(kind="passport", index_field="missing", db_index=True)

        class Meta:
            app_label = "security"

    ids = {e.id for e in Bad._meta.get_field("secret").check()}
    assert {"fazhi_security.E001", "fazhi_security.E002", "fazhi_security.E003"} <= ids

    class Good(models.Model):
        secret = EncryptedTextField(
            kind="phone", index_field="secret_bidx", context="legacy_table.secret"
        )
        secret_bidx = BlindIndexField()

        class Meta:
            app_label = "security"

    f = Good._meta.get_field("secret")
    assert not f.check() and f.aad_context == "legacy_table.secret"
    *_, kwargs = f.deconstruct()
    assert kwargs == {
        "kind": "phone",
        "index_field": "secret_bidx",
        "context": "legacy_table.secret",
    }


def test_error_reports_show_no_key_or_plaintext(key_file, rf, settings):
    """A failed decryption reported to the administrators (DEBUG off: the error e-mail and
    log): the frames that hold the key and the plaintext show their variables as hidden.
    (With DEBUG on, Django shows every variable by design; DEBUG is never on in production.)"""
    import sys

    from django.views.debug import ExceptionReporter

    settings.DEBUG = False
    p = Person.objects.create(**ZHANG)
    raw_update(p.pk, id_number=raw_rows()[0]["phone"])
    try:
        Person.objects.get(pk=p.pk)
    except AuthenticationFailed:
        reporter = ExceptionReporter(rf.get("/"), *sys.exc_info())
        report = reporter.get_traceback_html() + reporter.get_traceback_text()
    ring = keys.get_keyring()
    assert "无法解密 security.Person.id_number" in report
    for secret in [ring.keys["k1"], ring.index_keys["i1"]]:
        assert repr(secret)[2:20] not in report and base64.b64encode(secret).decode() not in report
    assert "13800138000" not in report
    assert "********************" in report
