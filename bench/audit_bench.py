"""Benchmark of audit chain verification (HMAC-SM3, OpenSSL through hashlib/hmac).

Fills a fresh SQLite database with N keyed entries (default 200,000; BENCH_AUDIT_N), then
prints entries per second for: the pure chain check over rows in memory, and
`fazhi.audit.services.verify()` end to end (reading the rows from the database). Goal:
≥ 200,000 entries/s. Run: `make bench` (or python bench/audit_bench.py).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

N = int(os.environ.get("BENCH_AUDIT_N", "200000"))


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fazhi-audit-bench-"))
    os.environ["FAZHI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from fazhi.audit.models import AuditEntry
    from fazhi.audit.services import entries, verify
    from fazhi.core import chain
    from fazhi.core.crypto import AUDIT_KEY_ID
    from fazhi.security.keys import audit_keys

    call_command("migrate", verbosity=0)
    keys = audit_keys()
    key = keys[AUDIT_KEY_ID]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    prev = chain.GENESIS
    t0 = time.perf_counter()
    batch = []
    for i in range(N):
        e = AuditEntry(
            at=start + timedelta(seconds=i),
            actor_id=i % 50,
            actor_name=f"user{i % 50}",
            action="assessment.result.update",
            object_type="assessments.result",
            object_id=str(i),
            before='{"self_score":"1.00","version":3}',
            after='{"self_score":"2.00","version":4}',
            ip="10.0.0.1",
            prev_hash=prev,
            key_id=AUDIT_KEY_ID,
        )
        e.hash = prev = chain.link(prev, e.chain_fields(), key)
        batch.append(e)
        if len(batch) == 5000:
            with transaction.atomic():
                AuditEntry.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            AuditEntry.objects.bulk_create(batch)
    print(f"filled {N} entries in {time.perf_counter() - t0:.1f} s")

    rows = list(entries())
    t0 = time.perf_counter()
    found = chain.first_break(rows, keys)
    pure = time.perf_counter() - t0
    assert found.entry_id is None and found.checked == N, found
    print(f"chain check in memory   {N / pure:12,.0f} entries/s  ({pure:.2f} s)")

    t0 = time.perf_counter()
    checked, broken, _ = verify()
    whole = time.perf_counter() - t0
    assert broken is None and checked == N
    print(f"verify() from SQLite    {N / whole:12,.0f} entries/s  ({whole:.2f} s)")


if __name__ == "__main__":
    main()
