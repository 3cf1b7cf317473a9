"""The audit chain: what is recorded, that the database refuses changes, that tampering shows."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from fazhi.audit.models import AuditEntry
from fazhi.audit.services import verify
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.values_list("action", flat=True))


def test_writes_logins_exports_downloads_are_recorded(client, assessment, api):
    client.post("/login/", {"username": "office", "password": "bad"}, REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "office", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post(f"/assessments/{assessment.pk}/results/1/", {"version": 1, "self_score": "3"})
    client.get(f"/assessments/{assessment.pk}/export.xlsx")
    client.post("/logout/")
    got = actions()
    for expected in (
        "framework.load",
        "org.add",
        "user.add",
        "assessment.create",
        "auth.login_failed",
        "auth.login",
        "assessment.result.update",
        "assessment.export",
        "auth.logout",
    ):
        assert expected in got, expected
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.ip == "10.1.2.3" and json.loads(failed.after) == {"username": "office"}
    change = AuditEntry.objects.get(action="assessment.result.update")
    assert json.loads(change.before)["self_score"] is None
    assert json.loads(change.after)["self_score"] == "3.00"
    assert change.actor_name == "office" and change.object_type == "assessments.result"
    assert verify() == (AuditEntry.objects.count(), None, "")


def test_chain_links_each_entry_to_the_previous(assessment):
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == "0" * 64
    for prev, cur in zip(entries, entries[1:], strict=False):
        assert cur.prev_hash == prev.hash


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"]
)
def test_database_refuses_update_and_delete(assessment, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()


def _drop_guards():
    """What an attacker with database rights would do first."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER audit_entry_no_update")
            cur.execute("DROP TRIGGER audit_entry_no_delete")
        else:
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")


def test_tampering_is_detected_by_verify(assessment, capsys):
    call_command("audit", "verify")
    assert "审计链完好" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("id")[2]
    _drop_guards()
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET actor_name = 'someone' WHERE id = %s", [victim.pk])
    checked, broken, reason = verify()
    assert broken == victim.pk and checked == 2 and "改动" in reason
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert f"第 {victim.pk} 条" in capsys.readouterr().err


def test_deleting_an_entry_is_detected(assessment):
    entries = list(AuditEntry.objects.order_by("id"))
    _drop_guards()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[3].pk])
    assert verify()[1] == entries[4].pk


def test_verify_inside_a_transaction_walks_in_one_process(assessment):
    """A backup checks the chain inside the snapshot it dumps: asking for worker processes
    there gives one walk's answer and leaves the transaction and its connection usable (the
    processes would not see the snapshot, and closing the connection for them ended it)."""
    n = AuditEntry.objects.count()
    assert n > 0
    with transaction.atomic():
        assert verify(use_checkpoint=False, workers=2) == (n, None, "")
        assert AuditEntry.objects.count() == n  # the connection still answers
