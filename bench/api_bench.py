"""Benchmark of the self-assessment API on the embedded default (SQLite + `fazhi serve`).

Prints the median and p95 of: loading the seed framework, creating an assessment,
updating one item, reading the totals, exporting the xlsx; and the queries each
makes, with the scoring page's. Run: `make bench` (or python bench/api_bench.py).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml"
PASSWORD = "Bench-Passw0rd!"
N = int(os.environ.get("BENCH_N", "100"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary(name: str, samples: list[float], queries: int | str = "") -> str:
    ms = sorted(x * 1000 for x in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:<28} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   n={len(ms):<4} queries {queries}"


def setup_django(data_dir: Path):
    os.environ["FAZHI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    setup_django(data_dir)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fazhi.frameworks.services import load_file
    from fazhi.orgs.services import add_org, add_user

    call_command("migrate", verbosity=0)

    # 1. Loading the seed framework (parse, validate, insert), rolled back each time.
    load_times = []
    for _ in range(20):
        t0 = time.perf_counter()
        try:
            with transaction.atomic():
                load_file(FRAMEWORK)
                load_times.append(time.perf_counter() - t0)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    load_file(FRAMEWORK)
    add_org("sc", "四川省科学技术厅", "province")
    add_org("zy", "资阳高新区", "zone", "sc")
    add_user("office", PASSWORD, "office", "zy", must_change=False)
    connection.close()

    # 2. The real server, as a user would reach it.
    port = free_port()
    env = {**os.environ, "FAZHI_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("fazhi")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError as err:
                if time.time() > deadline:
                    raise SystemExit(
                        "server did not start: " + server.stderr.read().decode()
                    ) from err
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port)

        def call(method, path, body=None, token=None):
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            t0 = time.perf_counter()
            conn.request(
                method,
                "/api/v1" + path,
                body=json.dumps(body) if body is not None else None,
                headers=headers,
            )
            resp = conn.getresponse()
            data = resp.read()
            elapsed = time.perf_counter() - t0
            if resp.status >= 300:
                raise SystemExit(f"{method} {path} -> {resp.status} {data[:200]!r}")
            return elapsed, data

        _, data = call("POST", "/auth/token", {"username": "office", "password": PASSWORD})
        token = json.loads(data)["token"]
        # warm up the process (imports, caches) as a running server would be
        call("GET", "/frameworks", token=token)

        creates, ids = [], []
        for year in range(2000, 2000 + min(N, 100)):
            t, data = call(
                "POST",
                "/assessments",
                {"zone": "zy", "framework": "sc-sti-law-zone-2019", "year": year},
                token,
            )
            creates.append(t)
            ids.append(json.loads(data)["id"])
        target = ids[-1]
        updates, version = [], {}
        codes = [str(i) for i in range(1, 15)]
        for i in range(N * 2):
            code = codes[i % len(codes)]
            v = version.get(code, 1)
            t, data = call(
                "PUT",
                f"/assessments/{target}/results/{code}",
                {"version": v, "self_score": (i % 5)},
                token,
            )
            version[code] = json.loads(data)["version"]
            updates.append(t)
        reads = [call("GET", f"/assessments/{target}/totals", token=token)[0] for _ in range(N * 2)]
        details = [call("GET", f"/assessments/{target}", token=token)[0] for _ in range(N * 2)]
        exports = [
            call("GET", f"/assessments/{target}/export.xlsx", token=token)[0] for _ in range(N)
        ]
    finally:
        server.terminate()
        server.wait(10)

    # 3. Query counts, through the same views in this process.
    from fazhi.orgs.models import ApiToken, User

    office = User.objects.get(username="office")
    client = Client(SERVER_NAME="localhost")  # only its token, as integrations do
    page_client = Client(SERVER_NAME="localhost")
    page_client.force_login(office)
    headers = {"Authorization": f"Bearer {ApiToken.issue(office)}"}

    def count(fn) -> int:
        """SQL statements a request runs, transaction control (BEGIN, SAVEPOINT…) left out."""
        with CaptureQueriesContext(connection) as ctx:
            resp = fn()
        assert resp.status_code < 300, resp.content[:200]
        control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
        if os.environ.get("BENCH_SHOW_SQL"):
            print(*(q["sql"][:100] for q in ctx.captured_queries), sep="\n")
        return sum(1 for q in ctx.captured_queries if not q["sql"].startswith(control))

    client.get(
        f"/api/v1/assessments/{target}", headers=headers
    )  # warm the framework cache, as in the server

    q_create = count(
        lambda: client.post(
            "/api/v1/assessments",
            {"zone": "zy", "framework": "sc-sti-law-zone-2019", "year": 2100},
            content_type="application/json",
            headers=headers,
        )
    )
    v = version.get("1", 1)
    q_update = count(
        lambda: client.put(
            f"/api/v1/assessments/{target}/results/1",
            {"version": v, "self_score": 1},
            content_type="application/json",
            headers=headers,
        )
    )
    q_read = count(lambda: client.get(f"/api/v1/assessments/{target}/totals", headers=headers))
    q_detail = count(lambda: client.get(f"/api/v1/assessments/{target}", headers=headers))
    q_export = count(
        lambda: client.get(f"/api/v1/assessments/{target}/export.xlsx", headers=headers)
    )
    page_client.get(f"/assessments/{target}/")  # the session's first request writes its timestamps
    q_page = count(lambda: page_client.get(f"/assessments/{target}/"))

    print(
        f"Fazhi API benchmark — SQLite (WAL), fazhi serve (waitress), seed table ({len(codes)} scored items), {time.strftime('%Y-%m-%d')}"
    )
    print(summary("load seed framework", load_times, "(in process)"))
    print(summary("create assessment", creates, q_create))
    print(summary("update one item", updates, q_update))
    print(summary("read totals", reads, q_read))
    print(summary("read assessment (detail)", details, q_detail))
    print(summary("export xlsx", exports, q_export))
    print(f"{'scoring page':<28} queries {q_page}")


if __name__ == "__main__":
    main()
