"""Faults, made real: a process killed inside a use case, a database that goes away.

- The kill test: a real process runs a use case and stops inside its transaction (after
  its rows and its audit entry are written, before the commit); it is killed with
  SIGKILL. The database must hold none of the change, the audit chain must verify, and
  the same use case must then go through (no lock is left behind).
- The outage test: a real server process (waitress) whose database cannot be reached
  answers 503 (a Chinese page, or JSON under /api/) with Retry-After, and serves again
  as soon as the database is back, without being restarted.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import dj_database_url
import pytest

from tests import test_backup
from tests.conftest import SEED_FRAMEWORK
from tests.test_backup import SETUP, Instance, postgres_url

NO_PG = postgres_url() is None
VENDORS = [
    "sqlite",
    pytest.param(
        "postgresql", marks=pytest.mark.skipif(NO_PG, reason="需要 FAZHI_DATABASE_URL=postgres://…")
    ),
]

# The instances of test_backup: initialised and seeded once per module, cloned per test.
templates = test_backup.templates
clone = test_backup.clone

# ------------------------------------------------------------------ the kill test

USE_CASE = (
    SETUP
    + """
import time
from django.db import connection
from fazhi.assessments import services
from fazhi.assessments.models import Assessment, Result
from fazhi.orgs.models import User

action, ready = sys.argv[1], sys.argv[2]


def hold():
    # Tell the test where we are, then wait to be killed, the transaction still open.
    with open(ready + ".tmp", "w") as f:
        json.dump({"pid": os.getpid(), "in_transaction": connection.in_atomic_block}, f)
    os.replace(ready + ".tmp", ready)
    time.sleep(600)
    sys.exit("not killed")


if ready != "-":
    if action == "framework":
        from fazhi.frameworks.models import Indicator
        real_save, saved = Indicator.save, []

        def save(self, *args, **kwargs):
            real_save(self, *args, **kwargs)
            saved.append(self.pk)
            if len(saved) == 5:  # midway through the table
                hold()

        Indicator.save = save
    else:
        import fazhi.audit.services as audit_services
        real_record = audit_services.record

        def record(*args, **kwargs):
            entry = real_record(*args, **kwargs)  # the audit entry is written too
            hold()
            return entry

        audit_services.record = record
        services.record = record  # the use cases call it by this name

office = User.objects.get(username="office")
a = Assessment.objects.get(year=2025)
if action == "score":
    version = Result.objects.get(assessment=a, indicator__code="1").version
    services.update_result(office, a.pk, "1", {"self_score": "4", "version": version})
elif action == "upload":
    content = b"%PDF-1.4\\n% " + os.urandom(2048) + b"\\n%%EOF\\n"
    services.add_evidence(office, a.pk, "1", SimpleUploadedFile("会议纪要.pdf", content))
elif action == "submit":
    services.submit(office, a.pk)
elif action == "framework":
    from fazhi.frameworks.services import load_file
    load_file(sys.argv[3])
print("done")
"""
)

FILL = (
    SETUP
    + """
from fazhi.assessments import selectors, services
from fazhi.assessments.models import Assessment, Result
from fazhi.core import framework as fw
from fazhi.orgs.models import User
office = User.objects.get(username="office")
a = Assessment.objects.get(year=2025)
for code, ind in selectors.items_by_code(a).items():
    if ind.kind == fw.SCORED:
        r = Result.objects.get(assessment=a, indicator__code=code)
        services.update_result(office, a.pk, code, {"self_score": "0", "version": r.version})
print(1)
"""
)

STATUS = (
    SETUP
    + """
from fazhi.assessments.models import Assessment
from fazhi.frameworks.models import Framework, Indicator
print(json.dumps({
    "status": Assessment.objects.get(year=2025).status,
    "kill_framework": Framework.objects.filter(code="kill-test").count(),
    "kill_indicators": Indicator.objects.filter(framework__code="kill-test").count(),
}))
"""
)


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(
                f"the use case ended before reaching the transaction (exit {proc.returncode}):\n{out}\n{err}"
            )
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the use case never reached the point inside its transaction")


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("action", ["score", "upload", "submit", "framework"])
def test_killed_use_case_leaves_all_or_nothing(tmp_path, clone, vendor, action):
    inst, _ = clone(vendor)
    if action == "submit":
        assert inst.json(FILL) == 1
    framework_file = tmp_path / "kill-test.yaml"
    framework_file.write_text(
        SEED_FRAMEWORK.read_text(encoding="utf-8").replace(
            "code: sc-sti-law-zone-2019", "code: kill-test", 1
        ),
        encoding="utf-8",
    )
    assert "code: kill-test" in framework_file.read_text(encoding="utf-8")
    before = inst.state()
    before_status = inst.json(STATUS)

    ready = tmp_path / "ready.json"
    proc = inst.popen_python(USE_CASE, action, ready, framework_file)
    where = _wait_for(ready, proc)
    assert where["pid"] == proc.pid and where["in_transaction"] is True
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Nothing of the change is there, and the chain is whole.
    after = inst.state()
    assert after == before
    assert inst.json(STATUS) == before_status
    assert after["verify"] == [len(before["audit"]), None, ""]
    v = inst.fazhi("audit", "verify")
    assert v.returncode == 0, v.stderr
    if vendor == "sqlite":
        with sqlite3.connect(inst.data / "fazhi.sqlite3") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # No lock or half-state is left behind: the same use case now goes through, whole.
    r = inst.python(USE_CASE, action, "-", framework_file)
    assert r.returncode == 0 and "done" in r.stdout, r.stderr
    done = inst.state()
    status = inst.json(STATUS)
    assert done["verify"][1] is None and len(done["audit"]) == len(before["audit"]) + 1
    if action == "score":
        assert done["score"] == "4.00"
    elif action == "upload":
        assert len(done["evidence"]) == len(before["evidence"]) + 1
    elif action == "submit":
        assert status["status"] == "submitted" and before_status["status"] == "draft"
    else:
        assert status["kill_framework"] == 1 and status["kill_indicators"] > 5
        assert before_status["kill_indicators"] == 0


# ------------------------------------------------------------------ the outage test

SERVE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
from waitress.server import create_server
from fazhi.wsgi import application
# One worker thread: one database connection, so each step below is deterministic.
server = create_server(application, host="127.0.0.1", port=0, threads=1)
print(server.effective_port, flush=True)
server.run()
"""


class Server:
    """The app in a real WSGI server process."""

    def __init__(self, inst: Instance, **env):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=inst.env(**env),
        )
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.proc.kill()
            pytest.fail(f"the server did not start: {line}{self.proc.stderr.read()}")
        self.port = int(line)

    def get(self, path: str, **headers) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8")
        finally:
            conn.close()

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


MESSAGE = "数据库暂时不可用，请稍后重试"


def assert_unavailable(server: Server, token: str) -> None:
    # The API first: right after a drop, this request meets the broken connection itself.
    status, headers, body = server.get("/api/v1/assessments", Authorization=f"Bearer {token}")
    assert status == 503, (status, body)
    assert headers["content-type"].startswith("application/json") and json.loads(body) == {
        "detail": MESSAGE
    }
    assert headers["retry-after"] == "30"

    # A browser with a session: the session lookup needs the database.
    status, headers, body = server.get(
        "/", Cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345", Accept="text/html"
    )
    assert status == 503, (status, body)
    assert headers["content-type"].startswith("text/html") and headers["retry-after"] == "30"
    assert MESSAGE in body and "服务暂时不可用" in body and "Traceback" not in body

    status, headers, body = server.get("/healthz")
    assert status == 503 and json.loads(body) == {"status": "unavailable"}, (status, body)
    assert headers["retry-after"] == "30"


def assert_serving(server: Server, token: str, assessment: int) -> None:
    status, _, body = server.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}, (status, body)
    status, _, body = server.get("/api/v1/assessments", Authorization=f"Bearer {token}")
    assert status == 200 and [a["id"] for a in json.loads(body)] == [assessment], (status, body)
    status, headers, _ = server.get(
        "/", Cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345", Accept="text/html"
    )
    assert status == 302 and headers["location"].startswith("/login/")


def test_sqlite_database_unreachable_gives_503_then_recovers_without_restart(clone):
    inst, seed = clone("sqlite")
    away, place = inst.root / "db.away", inst.root / "db"
    away.mkdir()
    for p in inst.data.glob("fazhi.sqlite3*"):
        p.rename(away / p.name)
    # The database's folder is missing: opening it fails, as for a lost mount.
    server = Server(inst, FAZHI_DATABASE_URL=f"sqlite:///{place / 'fazhi.sqlite3'}")
    try:
        pid = server.proc.pid
        assert_unavailable(server, seed["token"])
        assert_unavailable(server, seed["token"])  # stays so, and says so each time
        away.rename(place)  # the database comes back
        assert_serving(server, seed["token"], seed["assessment"])
        assert server.proc.poll() is None and server.proc.pid == pid  # the same process
    finally:
        err = server.stop()
    assert "数据库不可用" in err  # logged as a warning, once per request


class Relay:
    """A TCP relay between the app and PostgreSQL: stopping it is the network (or the
    server) going away — open connections drop and new ones are refused."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, 0
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.1)
        self.port, self.listener = listener.getsockname()[1], listener
        self.acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self.acceptor.start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:  # closed here, by the one thread that waits on it
            while self.listener is listener:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        client.settimeout(None)
        try:
            upstream = socket.create_connection(self.target, timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            return
        with self.lock:
            self.sockets |= {client, upstream}
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.listener = None
        self.acceptor.join(timeout=10)
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@pytest.mark.skipif(NO_PG, reason="需要 FAZHI_DATABASE_URL=postgres://…")
def test_postgres_connection_lost_gives_503_then_recovers_without_restart(clone):
    inst, seed = clone("postgresql")
    cfg = dj_database_url.parse(inst.db_url)
    relay = Relay((cfg["HOST"] or "127.0.0.1", int(cfg["PORT"] or 5432)))
    relay.start()
    user = f"{cfg['USER']}:{cfg['PASSWORD']}@" if cfg.get("PASSWORD") else f"{cfg['USER']}@"
    server = Server(
        inst, FAZHI_DATABASE_URL=f"postgres://{user}127.0.0.1:{relay.port}/{cfg['NAME']}"
    )
    try:
        pid = server.proc.pid
        assert_serving(server, seed["token"], seed["assessment"])  # a live, persistent connection
        relay.stop()  # the connection drops; new ones are refused
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", relay.port)) != 0  # really nobody there
        assert_unavailable(server, seed["token"])
        assert_unavailable(server, seed["token"])
        relay.start()  # the database is back at the same address
        assert_serving(server, seed["token"], seed["assessment"])
        assert server.proc.poll() is None and server.proc.pid == pid
    finally:
        err = server.stop()
        if relay.listener is not None:
            relay.stop()
    assert "数据库不可用" in err


def test_healthz_needs_no_login_and_shows_no_data(db, client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert "no-cache" in r["Cache-Control"] or "no-store" in r["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_query_errors_on_a_healthy_connection_are_not_outages(db):
    """Only a lost or refused connection is an outage; other database errors stay errors."""
    from django.db import OperationalError, connection, transaction

    from fazhi.ops.middleware import is_connection_failure

    with pytest.raises(OperationalError) as exc, transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT * FROM no_such_table")
        else:  # a cancelled statement
            cur.execute("SET LOCAL statement_timeout = 10")
            cur.execute("SELECT pg_sleep(1)")
    assert not is_connection_failure(exc.value)
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
