"""Each page of the load test's mix, timed one user at a time on the province's data.

    FAZHI_DATABASE_URL=postgres://…/fazhi_province FAZHI_DATA_DIR=… \\
        python bench/province_pages.py [--runs 20] [--zone z000]

On the data of `bench/province.py generate`: the province's ranking of every application, a
zone office's scoring page, register (with and without filters) and home page, a department's
plan page and home page, a leader's dashboard, and the public portal. Each page is fetched
--runs times in this process (Django's test client, the user signed in without a password
check) after one warm-up, in a process settled as `fazhi serve` settles its own (templates
loaded, the application frozen out of the garbage collector); it prints the median, p95 and
slowest time in ms and the number of database queries. Targets (issue 15): ranking ≤ 200 ms, a zone's home page ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date


def pages(zone: str, year: int) -> list[tuple[str, str | None, str]]:
    """(label, username or None for the public, path) of every page measured."""
    from fazhi.assessments.models import Assessment
    from fazhi.workplan.models import Plan

    assessment = Assessment.objects.filter(zone__code=zone, year=year).order_by("pk")[0].pk
    plan = Plan.objects.filter(zone__code=zone, year=year).order_by("pk")[0].pk
    return [
        ("province ranking", "province", f"/review/campaigns/sc-{year}/"),
        ("scoring page", f"{zone}-office", f"/assessments/{assessment}/"),
        ("register", f"{zone}-office", "/registers/"),
        ("register, overdue", f"{zone}-office", "/registers/?overdue=1"),
        ("register, complaints", f"{zone}-office", "/registers/?kind=complaint"),
        ("office home", f"{zone}-office", "/"),
        ("plan page", f"{zone}-d0", f"/plans/{plan}/"),
        ("department home", f"{zone}-d0", "/"),
        ("leader dashboard", f"{zone}-leader", "/"),
        ("public portal", None, "/public/"),
    ]


def fetch(label: str, username: str | None, path: str, runs: int):
    """(times in ms, queries of the last run) for one page; fails loudly on a non-200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.orgs.models import User

    client = Client(HTTP_HOST="localhost")
    if username:
        client.force_login(User.objects.get(username=username))
    times = []
    for n in range(runs + 1):  # the first is a warm-up
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"{label} {path}: HTTP {answer.status_code}")
        if n:
            times.append(elapsed)
    return times, len(queries)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--zone", default="z000")
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument(
        "--queries", action="store_true", help="print only each page's query count, as JSON"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.db import connection

    if args.queries:
        found = {
            label: fetch(label, user, path, runs=1)[1]
            for label, user, path in pages(args.zone, args.year)
        }
        print(json.dumps(found, ensure_ascii=False))
        return
    from fazhi.ops.warm import settle

    settle()  # as `fazhi serve` does before it serves
    print(
        f"{connection.vendor}, zone {args.zone}, {args.year}, {args.runs} runs each",
        file=sys.stderr,
    )
    print(f"{'page':<24}{'median':>9}{'p95':>9}{'max':>9}{'queries':>9}")
    for label, username, path in pages(args.zone, args.year):
        times, queries = fetch(label, username, path, args.runs)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label:<24}{statistics.median(times):9.1f}{p95:9.1f}{times[-1]:9.1f}{queries:9d}")


if __name__ == "__main__":
    main()
