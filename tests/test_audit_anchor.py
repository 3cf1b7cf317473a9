"""The probe on the audit chain: with the triggers dropped, an entry edited and the SM3 chain
recomputed, or the newest entries deleted. Both must be reported, naming the first entry
concerned (issue 8, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from fazhi.audit.models import AuditEntry
from fazhi.audit.services import checkpoint, verify
from fazhi.core import chain
from tests.test_audit import _drop_guards

pytestmark = pytest.mark.django_db


def rehash_from(first_id: int, *, strip_keys: bool = False):
    """What the probe did: recompute SM3(prev || content) from first_id to the head."""
    prev = (
        AuditEntry.objects.filter(id__lt=first_id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
        or chain.GENESIS
    )
    for e in AuditEntry.objects.filter(id__gte=first_id).order_by("id"):
        new = chain.link(prev, e.chain_fields())
        AuditEntry.objects.filter(id=e.id).update(
            prev_hash=prev, hash=new, **({"key_id": ""} if strip_keys else {})
        )
        prev = new


def many_entries(n: int):
    from fazhi.audit.services import record

    for i in range(n):
        record("cli", "test.entry", object_type="test", object_id=str(i))


def test_editing_an_entry_and_recomputing_the_chain_is_reported(assessment):
    many_entries(10)
    target = AuditEntry.objects.order_by("id")[5]
    _drop_guards()
    AuditEntry.objects.filter(id=target.id).update(action="assessment.nothing")
    rehash_from(target.id)
    checked, broken, reason = verify()
    assert broken == target.id and "重新计算" in reason and checked == 5
    with pytest.raises(SystemExit):
        call_command("audit", "verify")


def test_stripping_the_keys_is_reported_against_the_checkpoint(assessment):
    many_entries(5)
    cp = checkpoint()
    _drop_guards()
    first = AuditEntry.objects.order_by("id").first().id
    rehash_from(first, strip_keys=True)  # a chain in the old, unkeyed form
    checked, broken, reason = verify()
    assert broken == cp.keyed_from and "签名" in reason


def test_deleting_the_newest_entries_is_reported(assessment):
    many_entries(60)
    call_command("audit", "checkpoint")
    last = AuditEntry.objects.order_by("-id").first().id
    _drop_guards()
    doomed = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:50])
    AuditEntry.objects.filter(id__in=doomed).delete()
    checked, broken, reason = verify()
    assert broken == last - 49 and "截断" in reason
    with pytest.raises(SystemExit):
        call_command("audit", "verify")


def test_a_forged_checkpoint_is_reported(assessment):
    checkpoint()
    path = Path(settings.FAZHI_AUDIT_CHECKPOINT)
    data = json.loads(path.read_text())
    data["id"] -= 1
    path.write_text(json.dumps(data))
    checked, broken, reason = verify()
    assert broken == 0 and "签名不符" in reason


def test_tick_and_command_anchor_the_head_outside_the_database(assessment, capsys):
    call_command("tick")
    head = AuditEntry.objects.order_by("-id").first()
    data = json.loads(Path(settings.FAZHI_AUDIT_CHECKPOINT).read_text())
    assert data["id"] == head.id and data["hash"] == head.hash
    assert oct(Path(settings.FAZHI_AUDIT_CHECKPOINT).stat().st_mode & 0o777) == "0o600"
    many_entries(3)
    call_command("audit", "checkpoint")
    assert "已写入审计检查点" in capsys.readouterr().out
    assert verify() == (AuditEntry.objects.count(), None, "")


def test_entries_from_before_the_key_stay_protected(assessment):
    """A chain begun before this change (plain SM3) continues keyed; editing an old entry
    shows at the first keyed entry, which commits to the old head."""
    _drop_guards()
    first = AuditEntry.objects.order_by("id").first().id
    rehash_from(first, strip_keys=True)  # the whole chain as an older version wrote it
    many_entries(3)  # new entries are keyed
    assert verify()[1] is None
    old = AuditEntry.objects.filter(key_id="").order_by("id")[2]
    AuditEntry.objects.filter(id=old.id).update(actor_name="someone-else")
    rehash_from(old.id, strip_keys=False)
    broken = verify()[1]
    first_keyed = AuditEntry.objects.exclude(key_id="").order_by("id").first().id
    assert broken == first_keyed


def test_the_auditor_sees_a_forged_checkpoint(assessment, users):
    from tests.conftest import login_with_totp

    checkpoint()
    path = Path(settings.FAZHI_AUDIT_CHECKPOINT)
    path.write_text(path.read_text().replace('"id": ', '"id": 1'))
    html = login_with_totp("auditor").get("/audit/verify/").content.decode()
    assert "审计检查点不可信" in html


@pytest.mark.parametrize("micro", [0, 7, 123456])
def test_stored_times_read_as_the_chain_covers_them(micro):
    """SQLite's stored text is rewritten, not parsed; it must match the datetime's form."""
    from datetime import UTC, datetime

    from fazhi.audit.services import _iso

    at = datetime(2025, 1, 2, 3, 4, 5, micro, tzinfo=UTC)
    stored = str(at.replace(tzinfo=None))  # as Django's SQLite backend writes it
    assert _iso(stored) == at.isoformat(timespec="microseconds") == _iso(at)
