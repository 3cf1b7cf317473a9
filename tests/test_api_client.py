"""A client generated from the live OpenAPI document drives a real server.

openapi-python-client (httpx-based) generates the client from /api/v1/openapi.json as served
by `fazhi serve` on a free loopback port, over a fresh data folder; the generated code then
signs in, creates an assessment, scores an item and reads the totals, and meets the
declared error answers (409, 422) as typed objects.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Client-Passw0rd!"
PACKAGE = "fazhi_client"
SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from fazhi.frameworks.services import load_file
from fazhi.orgs.services import add_org, add_user
call_command("migrate", verbosity=0)
load_file({str(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")!r})
add_org("sc", "四川省科学技术厅", "province")
add_org("zy", "资阳高新区", "zone", "sc")
add_user("office", {PASSWORD!r}, "office", "zy", must_change=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`fazhi serve` over its own SQLite data folder; yields the base URL."""
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_DATABASE_URL"}
    env.update(FAZHI_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="fazhi.settings")
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("fazhi")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "fazhi serve did not start in 60 s"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def generated(server, tmp_path):
    """The client package generated from the document the server serves."""
    document = tmp_path / "openapi.json"
    document.write_bytes(httpx.get(f"{server}/api/v1/openapi.json").raise_for_status().content)
    config = tmp_path / "client.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    out = tmp_path / "client" / PACKAGE
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(out),
            "--config",
            str(config),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(out.parent))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(out.parent))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_generated_client_scores_an_item_and_reads_the_totals(server, generated):
    client_mod, models = generated("client"), generated("models")
    auth = generated("api.auth.issue_token")
    create = generated("api.assessments.create_assessment")
    update = generated("api.assessments.update_result")
    totals_of = generated("api.assessments.get_totals")

    anonymous = client_mod.Client(base_url=server, raise_on_unexpected_status=True)
    refused = auth.sync(client=anonymous, body=models.TokenIn(username="office", password="wrong"))
    assert isinstance(refused, models.ErrorOut) and refused.detail == "用户名或密码错误"
    issued = auth.sync(client=anonymous, body=models.TokenIn(username="office", password=PASSWORD))
    assert isinstance(issued, models.TokenOut)
    client = client_mod.AuthenticatedClient(
        base_url=server, token=issued.token, raise_on_unexpected_status=True
    )

    made = create.sync_detailed(
        client=client,
        body=models.AssessmentIn(zone="zy", framework="sc-sti-law-zone-2019", year=2025),
    )
    assert made.status_code == 201
    assessment = made.parsed
    assert isinstance(assessment, models.AssessmentOut)
    assert assessment.zone.name == "资阳高新区" and assessment.status == "draft"
    item = next(r for r in assessment.results if r.indicator_code == "1")
    assert item.kind == "scored" and item.max_points == "5" and item.self_score is None

    scored = update.sync(
        assessment.id,
        "1",
        client=client,
        body=models.ResultIn(version=item.version, self_score="4.5", note="已印发年度计划"),
    )
    assert isinstance(scored, models.ResultUpdateOut)
    assert scored.result.self_score == "4.5" and scored.version == item.version + 1

    totals = totals_of.sync(assessment.id, client=client)
    assert isinstance(totals, models.TotalsOut)
    assert totals.scored == "4.5" and totals.final == "4.5" and totals.items_done == 1
    group = next(g for g in totals.groups if g.code == "一")
    assert group.scored == "4.5" and group.items_done == 1

    # The declared errors come back typed: a stale version, then a score over the maximum.
    stale = update.sync_detailed(
        assessment.id,
        "1",
        client=client,
        body=models.ResultIn(version=item.version, self_score="3"),
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.parsed.detail
    too_high = update.sync_detailed(
        assessment.id,
        "1",
        client=client,
        body=models.ResultIn(version=scored.version, self_score="6"),
    )
    assert too_high.status_code == 422
    assert too_high.parsed.field == "self_score" and "5" in too_high.parsed.detail
    assert totals_of.sync(assessment.id, client=client).final == "4.5"
