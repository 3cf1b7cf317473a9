"""Real-browser fixtures: Playwright driving the system Chromium (/usr/bin/chromium).

No browser is ever downloaded: Playwright only launches the executable named by
FAZHI_CHROMIUM (default /usr/bin/chromium). Without it the browser tests are skipped
locally, but fail under CI=true, where a skipped browser test would hide a broken page.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread, which makes Django
# refuse ORM calls from the test code (fixtures creating users, checks reading the DB).
# The test code never shares a connection with async code, so the guard can be lifted.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("FAZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _append_only_sql(vendor: str) -> tuple[list[str], list[str]]:
    """(drop, create) statements of the audit log's append-only triggers, taken from the
    migration that installs them so they cannot drift apart."""
    migration = importlib.import_module("fazhi.audit.migrations.0002_append_only")
    drop = {"sqlite": migration.SQLITE_DROP, "postgresql": migration.POSTGRES_DROP}
    create = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}
    return drop.get(vendor, []), create.get(vendor, [])


@pytest.fixture(autouse=True)
def _audit_log_flushable(transactional_db):
    """Let the transactional test database be flushed despite the append-only audit log.

    live_server needs transactional_db, which empties every table after the test with
    ``flush`` (DELETE on SQLite, TRUNCATE on PostgreSQL). The audit log's triggers refuse
    both, so the teardown would error and leave the rows behind for the next test. The
    triggers are dropped just before the flush (this fixture depends on transactional_db,
    so it is torn down first) and created again by the post_migrate signal that flush
    sends when it is done.
    """
    yield
    from django.apps import apps
    from django.db import connection
    from django.db.models.signals import post_migrate

    drop, create = _append_only_sql(connection.vendor)
    if not drop:
        return
    audit = apps.get_app_config("audit")
    uid = "fazhi-tests-restore-audit-triggers"

    def restore(sender, using="default", **kwargs):
        post_migrate.disconnect(sender=audit, dispatch_uid=uid)
        from django.db import connections

        with connections[using].cursor() as cursor:
            for sql in create:
                cursor.execute(sql)

    with connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
    post_migrate.connect(restore, sender=audit, weak=False, dispatch_uid=uid)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the tests of one module (stopped afterwards, so no
    Playwright event loop outlives the browser tests)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(
                f"未找到 {CHROMIUM}：CI 中浏览器测试不能跳过，请在 CI 镜像中安装 chromium"
                f"（apt-get install chromium）或用 FAZHI_CHROMIUM 指向浏览器。",
                pytrace=False,
            )
        pytest.skip(f"浏览器测试已跳过：未找到 {CHROMIUM}（apt-get install chromium 后可运行）")

    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh page at 1366x768 in its own context (own cookies, downloads allowed).

    Collects every request URL, page JavaScript error and 5xx response so a test can
    check that nothing is loaded from elsewhere and nothing broke silently.
    """
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.requests = []
    pg.js_errors = []
    pg.server_errors = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
    pg.on("response", lambda r: r.status >= 500 and pg.server_errors.append(f"{r.status} {r.url}"))
    try:
        yield pg
    finally:
        context.close()
