"""A province's worth of data, for measuring Fazhi at the scale it will run at.

    python bench/province.py generate            # on FAZHI_DATABASE_URL (PostgreSQL), full size
    python bench/province.py generate --zones 4 --cases 2000 --audit 20000   # smaller

Full size (the defaults): 1 province, 21 cities, 200 zones with 10 departments each, 3 years per
zone of self-assessments on the seed table (scored, with evidence rows), the seed's work plan for
each zone and year (tasks assigned, progress reported), 2.5 million register cases with their
events and cached deadlines, and the audit log filled to 5 million entries (keyed HMAC-SM3 chain,
anchored). Everything is deterministic from --seed. It goes through the services where one exists
(orgs, assessments, plans, the deadline refresh, the audit chain's own link function) and builds
rows in bulk where the services write one at a time (users, cases, events, reports, audit entries).

The database must be empty (a fresh one): `createdb fazhi_province` first. Prints each step's
time. Every generated account's password is printed once at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Province-Bench-2026!"
YEARS = 3
DEPARTMENTS = 10
BATCH = 5000


def _steps():
    started = time.perf_counter()
    last = [started]

    def step(label: str) -> None:
        now = time.perf_counter()
        print(f"{label:<44} {now - last[0]:8.1f} s   (total {now - started:7.1f} s)", flush=True)
        last[0] = now

    return step


def generate(zones=200, cities=21, cases=2_500_000, audit=5_000_000, seed=2026, today=None):
    """Build the data set in the current (empty) database. Returns the counts it made."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from fazhi.assessments.models import Evidence, Result
    from fazhi.assessments.services import create_assessment
    from fazhi.frameworks.services import load_file
    from fazhi.orgs.models import Org, Role, User
    from fazhi.orgs.services import add_org
    from fazhi.registers.models import Case
    from fazhi.registers.refresh import refresh
    from fazhi.registers.rules import load_shipped
    from fazhi.workdays.services import import_years
    from fazhi.workplan.models import ProgressReport, Task
    from fazhi.workplan.services import create_plan, load_template

    step = _steps()
    rnd = random.Random(seed)
    today = today or date.today()
    first_year = today.year - YEARS + 1
    call_command("migrate", verbosity=0)
    if Org.objects.exists():
        raise SystemExit("数据库不是空的：请用新建的数据库（createdb）运行")
    import_years(list(range(first_year - 1, today.year + 1)))
    framework = load_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")[0]
    template = load_template(ROOT / "plans" / "zy-gxq-sti-law-2020.yaml")[0]
    rules = {r.kind: r for r, _ in load_shipped(ROOT / "rules")}
    step("migrate, calendar, table, plan template, rules")

    add_org("sc", "四川省科学技术厅", "province")
    city_codes = [f"c{i:02d}" for i in range(cities)]
    for i, code in enumerate(city_codes):
        add_org(code, f"第{i + 1}市科学技术局", "city", "sc")
    zone_codes = [f"z{i:03d}" for i in range(zones)]
    for i, code in enumerate(zone_codes):
        add_org(code, f"第{i + 1}高新技术产业开发区", "zone", city_codes[i % cities])
        for d in range(DEPARTMENTS):
            add_org(f"{code}-d{d}", f"第{i + 1}高新区部门{d + 1}", "department", code)
    orgs = {o.code: o for o in Org.objects.all()}
    step(f"orgs ({len(orgs):,})")

    hashed = make_password(PASSWORD)  # one hash for all: hashing thousands would take minutes
    now = datetime.now(UTC)

    def account(username, role, org):
        return User(
            username=username,
            role=role,
            org=orgs[org],
            password=hashed,
            must_change_password=False,
            password_changed_at=now,
        )

    accounts = [account("province", Role.REVIEWER, "sc")]
    accounts += [account(f"{c}-city", Role.REVIEWER, c) for c in city_codes]
    for z in zone_codes:
        accounts += [account(f"{z}-office", Role.OFFICE, z), account(f"{z}-leader", Role.LEADER, z)]
        accounts += [account(f"{z}-d{d}", Role.DEPARTMENT, f"{z}-d{d}") for d in range(DEPARTMENTS)]
    User.objects.bulk_create(accounts, batch_size=BATCH)
    offices = {u.org.code: u for u in User.objects.filter(role=Role.OFFICE).select_related("org")}
    step(f"users ({len(accounts):,})")

    # Self-assessments: three years per zone, scored; five evidence rows each, on one stored file.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.assessments import evidence as evidence_store

    blob = evidence_store.store(
        SimpleUploadedFile("佐证材料.pdf", b"%PDF-1.4\n% province bench\n%%EOF\n")
    )
    evidence = []
    for z in zone_codes:
        for year in range(first_year, today.year + 1):
            a = create_assessment(offices[z], z, framework.code, None, year)
            results = list(Result.objects.filter(assessment=a).select_related("indicator"))
            for r in results:
                if r.indicator.kind == "scored":
                    top = float(r.indicator.max_points or 0)
                    r.self_score = round(top * rnd.uniform(0.6, 1.0), 1)
            Result.objects.bulk_update(results, ["self_score"])
            evidence += [
                Evidence(result=r, blob=blob, name=f"佐证材料{i + 1}.pdf", uploaded_by=offices[z])
                for i, r in enumerate(results[:5])
            ]
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    step(f"assessments ({zones * YEARS:,}) and evidence rows ({len(evidence):,})")

    reports = []
    for z in zone_codes:
        for year in range(first_year, today.year + 1):
            plan = create_plan(offices[z], z, template.code, year, report_day=25)
            tasks = list(Task.objects.filter(plan=plan))
            for n, t in enumerate(tasks):
                t.lead_org = orgs[f"{z}-d{n % DEPARTMENTS}"]
                t.start_date = date(year, 1, 2)
                t.due_date = t.due_in_force = date(year, 3 + n % 10, 28)
                t.progress = 100 if year < today.year else rnd.randrange(0, 101, 10)
                t.done_at = t.due_date if t.progress == 100 else None
                for month in range(1, 13 if year < today.year else today.month):
                    if rnd.random() < 0.3:
                        reports.append(
                            ProgressReport(
                                task=t,
                                reported_on=date(year, month, 25),
                                percent=min(100, month * 9),
                                text=f"{month}月进展：按计划推进",
                            )
                        )
            Task.objects.bulk_update(
                tasks, ["lead_org", "start_date", "due_date", "due_in_force", "progress", "done_at"]
            )
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    step(f"plans ({zones * YEARS:,}), tasks and progress reports ({len(reports):,})")

    made_cases, made_events = _cases(cases, zone_codes, orgs, rules, rnd, first_year, today)
    step(f"cases ({made_cases:,}) and their events ({made_events:,})")
    refreshed = refresh(today=today)
    step(f"cached deadlines of every case ({refreshed.cases:,}, {refreshed.overdue:,} overdue)")

    added = _audit_to(audit)
    step(f"audit log filled to {audit:,} entries (+{added:,})")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        step("VACUUM ANALYZE")
    with transaction.atomic():
        from fazhi.audit.services import checkpoint

        cp = checkpoint()
    step(f"audit checkpoint at entry {cp.id:,}")
    return {
        "orgs": len(orgs),
        "users": len(accounts),
        "cases": Case.objects.count(),
        "audit": cp.id,
    }


def _cases(total, zone_codes, orgs, rules, rnd, first_year, today):
    """Register cases spread over the zones and years, with the events that brought each to its
    state; the cached deadlines are left to the refresh (the engine is the one that computes)."""
    from django.db import transaction

    from fazhi.registers import codes
    from fazhi.registers.models import Case, CaseEvent

    per_zone = max(1, total // len(zone_codes))
    days = (today - date(first_year, 1, 2)).days
    made = events = 0
    serial = 0
    for z in zone_codes:
        zone = orgs[z]
        batch = []
        for _ in range(per_zone):
            serial += 1
            kind = "disclosure" if serial % 3 else "complaint"
            received = date(first_year, 1, 2) + timedelta(days=rnd.randrange(days))
            age = (today - received).days
            dept = orgs[f"{z}-d{rnd.randrange(DEPARTMENTS)}"]
            path = _path(age, rnd)
            last = path[-1]
            batch.append(
                (
                    Case(
                        kind=kind,
                        tracking_no=f"{codes.PREFIX[kind]}-{received.year}-{serial:09d}",
                        query_digest="0" * 64,
                        zone=zone,
                        department=dept if any(k == "assigned" for _, k in path) else None,
                        rules=rules[kind],
                        state=_STATE_AFTER[last[1]],
                        channel="online" if kind == "disclosure" else "hotline",
                        received_on=received,
                        anonymous=True,  # no personal data: the bench needs none to be encrypted
                        subject=f"事项 {serial}",
                        content="内容",
                        reply_type=_reply_type(kind) if last[1] == "closed" else "",
                        replied_on=received + timedelta(days=path[3][0])
                        if last[1] == "closed"
                        else None,
                        closed_on=received + timedelta(days=last[0])
                        if last[1] == "closed"
                        else None,
                    ),
                    [(kind_, received + timedelta(days=offset)) for offset, kind_ in path],
                )
            )
        for start in range(0, len(batch), BATCH):
            chunk = batch[start : start + BATCH]
            with transaction.atomic():
                rows = Case.objects.bulk_create([c for c, _ in chunk])
                evs = [
                    CaseEvent(case=row, kind=k, on=on, data=_data(k, row))
                    for row, (_, steps) in zip(rows, chunk, strict=True)
                    for k, on in steps
                ]
                CaseEvent.objects.bulk_create(evs, batch_size=BATCH)
            made += len(rows)
            events += len(evs)
    return made, events


# Each generated case's steps: (days after receipt, event). The state follows from the last.
_STATE_AFTER = {
    "received": "received",
    "accepted": "accepted",
    "assigned": "accepted",
    "replied": "replied",
    "closed": "closed",
}


def _path(age: int, rnd) -> list[tuple[int, str]]:
    """Old cases and half the recent ones are answered (5 % of them late) and closed; the
    others are somewhere between receipt and assignment."""
    start = [(0, "received"), (1, "accepted"), (1, "assigned")]
    if age > 40 or rnd.random() < 0.5:
        late = rnd.random() < 0.05
        return [*start, (35 if late else 12, "replied"), (37 if late else 14, "closed")]
    return [s for s in start[: rnd.randrange(1, 4)] if s[0] <= age]


def _reply_type(kind: str) -> str:
    return "disclosed" if kind == "disclosure" else "substantiated"


def _data(kind: str, case) -> dict:
    if kind == "assigned":
        return {"department": case.department.code}
    if kind == "replied":
        return {"reply_type": _reply_type(case.kind)}
    return {}


def _audit_to(total: int) -> int:
    """Append keyed entries until the log holds `total`, continuing the chain from its head."""
    from django.db import transaction

    from fazhi.audit.models import AuditEntry
    from fazhi.core import chain
    from fazhi.core.crypto import AUDIT_KEY_ID
    from fazhi.security.keys import audit_keys

    key = audit_keys()[AUDIT_KEY_ID]
    head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    prev = head or chain.GENESIS
    have = AuditEntry.objects.count()
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    added = 0
    while have + added < total:
        batch = []
        for _ in range(min(BATCH * 2, total - have - added)):
            i = have + added + len(batch)
            e = AuditEntry(
                at=start + timedelta(seconds=i * 18),
                actor_id=i % 2400,
                actor_name=f"user{i % 2400}",
                action="assessment.result.update" if i % 3 else "register.event.record",
                object_type="assessments.result" if i % 3 else "registers.case",
                object_id=str(i % 100_000),
                before='{"self_score":"1.00","version":3}',
                after='{"self_score":"2.00","version":4}',
                ip=f"10.{i % 250}.{i % 7}.1",
                prev_hash=prev,
                key_id=AUDIT_KEY_ID,
            )
            e.hash = prev = chain.link(prev, e.chain_fields(), key)
            batch.append(e)
        with transaction.atomic():
            AuditEntry.objects.bulk_create(batch)
        added += len(batch)
    return added


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="build the province data set in an empty database")
    g.add_argument("--zones", type=int, default=200)
    g.add_argument("--cities", type=int, default=21)
    g.add_argument("--cases", type=int, default=2_500_000)
    g.add_argument("--audit", type=int, default=5_000_000)
    g.add_argument("--seed", type=int, default=2026)
    g.add_argument(
        "--today", type=date.fromisoformat, help="the day the data is as of (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    if not os.environ.get("FAZHI_DATABASE_URL"):
        print("注意：未设置 FAZHI_DATABASE_URL，将写入数据目录中的 SQLite", file=sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    counts = generate(
        args.zones, min(args.cities, args.zones), args.cases, args.audit, args.seed, args.today
    )
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"每个生成的账号（如 z000-office、c00-city、province）的密码：{PASSWORD}")


if __name__ == "__main__":
    main()
