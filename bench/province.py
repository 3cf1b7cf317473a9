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
from contextlib import contextmanager
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
    from fazhi.audit.models import AuditEntry
    from fazhi.frameworks.services import load_file
    from fazhi.orgs.models import Org, Role, User
    from fazhi.orgs.services import add_org
    from fazhi.registers.models import Case
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

    _campaign(zone_codes, orgs, offices, framework, rnd, today)
    step(f"a review campaign with {zones:,} reviewed applications")

    from fazhi.registers.models import CaseEvent

    with _indexes_later(Case, CaseEvent) as rebuild:
        made_cases, made_events = _cases(cases, zone_codes, orgs, rules, rnd, first_year, today)
        step(f"cases ({made_cases:,}) and their events ({made_events:,})")
    step(f"their indexes and constraints ({rebuild[0]})")
    overdue = Case.objects.filter(overdue=True).count()
    step(f"{overdue:,} of the cases overdue")

    with _indexes_later(AuditEntry) as rebuild:
        added = _audit_to(audit)
        step(f"audit log filled to {audit:,} entries (+{added:,})")
    step(f"its indexes and constraints ({rebuild[0]})")
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
        "audit": AuditEntry.objects.count(),
    }


def _campaign(zone_codes, orgs, offices, framework, rnd, today):
    """This year's pilot: every zone applied with this year's self-assessment and plan, and the
    experts' panel has scored it (what the province's ranking page ranks)."""
    from decimal import Decimal

    from fazhi.assessments.models import Assessment
    from fazhi.review.models import Application, Campaign
    from fazhi.workplan.models import Plan

    province = orgs["sc"]
    campaign = Campaign.objects.create(
        code=f"sc-{today.year}",
        title=f"{today.year}年度科技创新法治示范区创建试点",
        notice_title="关于开展科技创新法治示范区创建试点工作的通知",
        notice_no=f"川科规〔{today.year}〕1号",
        honour="四川省科技创新法治示范区",
        province=province,
        framework=framework,
        opens_on=date(today.year, 1, 1),
        closes_on=date(today.year, 12, 31),
        threshold=Decimal("80"),
        quota=max(1, len(zone_codes) // 10),
    )
    assessments = {
        a.zone_id: a for a in Assessment.objects.filter(year=today.year, zone__kind="zone")
    }
    plans = {p.zone_id: p for p in Plan.objects.filter(year=today.year)}
    apps = []
    for z in zone_codes:
        zone = orgs[z]
        scored = Decimal(rnd.randrange(7000, 9900)) / 100
        bonus = Decimal(rnd.randrange(0, 300)) / 100
        apps.append(
            Application(
                campaign=campaign,
                zone=zone,
                assessment=assessments[zone.pk],
                plan=plans.get(zone.pk),
                status=Application.Status.REVIEWED,
                report_title=f"{zone.name}关于申报科技创新法治示范区创建试点的报告",
                report_issuers=f"{zone.name}管理委员会",
                report_addressee="四川省科学技术厅",
                report_body="（略）",
                city_conclusion="eligible",
                panel_scored=scored,
                panel_bonus=bonus,
                panel_score=scored + bonus,
                disqualified=rnd.random() < 0.02,
                created_by=offices[z],
            )
        )
    Application.objects.bulk_create(apps, batch_size=BATCH)


@contextmanager
def _indexes_later(*models):
    """On PostgreSQL, drop the tables' secondary indexes, unique and foreign-key constraints for
    the bulk load and build them again after it: one sorted build per index instead of millions
    of random inserts (at full size the load otherwise spends most of its time on index pages),
    the foreign keys checked in one pass each. The body must not read the tables by those
    indexes. Yields a one-item list that afterwards holds how many were rebuilt."""
    from django.db import connection

    rebuilt = [0]
    if connection.vendor != "postgresql":
        yield rebuilt
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')",
            [tables],
        )
        constraints = cur.fetchall()
        # A table with deferred foreign-key checks pending cannot be altered (inside a test's
        # transaction): run those checks now.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
            " AND c.conrelid = i.indrelid)",
            [tables],
        )
        indexes = cur.fetchall()
        for table, name, _ in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")
    yield rebuilt
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cur.execute(definition)
        # Unique constraints before the foreign keys that may rely on them.
        for table, name, definition in sorted(constraints, key=lambda c: "FOREIGN" in c[2]):
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("RESET maintenance_work_mem")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
    rebuilt[0] = len(indexes) + len(constraints)


class _Rows:
    """Rows of one table written straight to the database, ids assigned here: COPY on
    PostgreSQL, executemany on SQLite. Model instances and bulk_create cost more than the
    data at millions of rows. Columns not given take the field's default, prepared once."""

    def __init__(self, model, given: tuple[str, ...]):
        from django.db import connection

        self.model = model
        self.table = model._meta.db_table
        self.given = given
        fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
        self.columns = ["id", *given, *(f.column for f in fields if f.attname not in given)]
        self.defaults = tuple(
            f.get_db_prep_save(f.get_default(), connection)
            for f in fields
            if f.attname not in given
        )
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            self.next_id = cur.fetchone()[0] + 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def write(self, rows: list[tuple]) -> None:
        from django.db import connection, transaction

        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        full = [(*row, *self.defaults) for row in rows]
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in full:
                        copy.write_row(row)
            else:  # SQLite keeps datetimes as Django writes them (text, UTC, no offset)
                adapt = connection.ops.adapt_datetimefield_value
                full = [tuple(adapt(v) if isinstance(v, datetime) else v for v in r) for r in full]
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", full)

    def finish(self) -> None:
        """Move the id sequence past the ids assigned here (PostgreSQL)."""
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), "
                    f"(SELECT MAX(id) FROM {self.table}))"
                )


def _cases(total, zone_codes, orgs, rules, rnd, first_year, today):
    """Register cases spread over the zones and years, with the events that brought each to its
    state and the cached deadlines the engine computes from them (registers.clock.cache_values,
    what the refresh writes)."""
    import json

    from django.utils import timezone

    from fazhi.core import deadlines as dl
    from fazhi.registers import codes
    from fazhi.registers.clock import CACHE_COLUMNS, cache_values
    from fazhi.registers.models import Case, CaseEvent
    from fazhi.workdays.selectors import get_calendar

    cal = get_calendar()

    cases = _Rows(
        Case,
        (
            "kind", "tracking_no", "query_digest", "zone_id", "department_id", "rules_id",
            "state", "channel", "received_on", "submitted_at", "anonymous", "subject",
            "content", "reply_type", "replied_on", "closed_on", "updated_at", *CACHE_COLUMNS,
        ),
    )  # fmt: skip
    events = _Rows(CaseEvent, ("case_id", "kind", "on", "data", "created_at"))
    per_zone = max(1, total // len(zone_codes))
    days = (today - date(first_year, 1, 2)).days
    now = timezone.now()
    made = made_events = serial = 0
    case_rows, event_rows = [], []
    for z in zone_codes:
        zone = orgs[z]
        for _ in range(per_zone):
            serial += 1
            kind = "disclosure" if serial % 3 else "complaint"
            received = date(first_year, 1, 2) + timedelta(days=rnd.randrange(days))
            path = _path((today - received).days, rnd)
            last = path[-1][1]
            dept = orgs[f"{z}-d{rnd.randrange(DEPARTMENTS)}"]
            assigned = any(k == "assigned" for _, k in path)
            closed = last == "closed"
            case_id = cases.take_id()
            steps = [dl.Event(kind=k, on=received + timedelta(days=o)) for o, k in path]
            cached = cache_values(rules[kind].pk, steps, cal, today)
            case_rows.append(
                (
                    case_id, kind, f"{codes.PREFIX[kind]}-{received.year}-{serial:09d}",
                    "0" * 64, zone.pk, dept.pk if assigned else None, rules[kind].pk,
                    _STATE_AFTER[last], "online" if kind == "disclosure" else "hotline",
                    received, now, True, f"事项 {serial}", "内容",
                    _reply_type(kind) if closed else "",
                    received + timedelta(days=path[3][0]) if closed else None,
                    received + timedelta(days=path[-1][0]) if closed else None, now,
                    *(cached[c] for c in CACHE_COLUMNS),
                )
            )  # fmt: skip
            for offset, k in path:
                data = {"department": dept.code} if k == "assigned" else {}
                if k == "replied":
                    data = {"reply_type": _reply_type(kind)}
                event_rows.append(
                    (
                        events.take_id(), case_id, k, received + timedelta(days=offset),
                        json.dumps(data, ensure_ascii=False), now,
                    )
                )  # fmt: skip
            if len(case_rows) >= BATCH * 4:
                cases.write(case_rows)
                events.write(event_rows)
                made, made_events = made + len(case_rows), made_events + len(event_rows)
                case_rows, event_rows = [], []
    cases.write(case_rows)
    events.write(event_rows)
    cases.finish()
    events.finish()
    return made + len(case_rows), made_events + len(event_rows)


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


def _audit_to(total: int) -> int:
    """Append keyed entries until the log holds `total`, continuing the chain from its head
    with the chain's own link function."""
    from fazhi.audit.models import AuditEntry, chain_fields
    from fazhi.core import chain
    from fazhi.core.crypto import AUDIT_KEY_ID
    from fazhi.security.keys import audit_keys

    key = audit_keys()[AUDIT_KEY_ID]
    head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    prev = head or chain.GENESIS
    have = AuditEntry.objects.count()
    rows = _Rows(AuditEntry, (*AuditEntry.CHAIN_COLUMNS, "prev_hash", "hash", "key_id"))
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    batch = []
    for i in range(have, total):
        values = (
            start + timedelta(seconds=i * 18),
            i % 2400,
            f"user{i % 2400}",
            "assessment.result.update" if i % 3 else "register.event.record",
            "assessments.result" if i % 3 else "registers.case",
            str(i % 100_000),
            '{"self_score":"1.00","version":3}',
            '{"self_score":"2.00","version":4}',
            f"10.{i % 250}.{i % 7}.1",
        )
        digest = chain.link(prev, chain_fields(values), key)
        batch.append((rows.take_id(), *values, prev, digest, AUDIT_KEY_ID))
        prev = digest
        if len(batch) == BATCH * 4:
            rows.write(batch)
            batch = []
    rows.write(batch)
    rows.finish()
    return max(0, total - have)


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
