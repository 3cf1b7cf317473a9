"""The probe's smaller findings (issue 8, "Also"): the API's 404 shape, allowed hosts,
personal data in audit entries, the tracking code out of URLs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fazhi.audit.models import AuditEntry
from fazhi.registers.models import Case
from tests.test_public_api import Public, disclosure_body, open_intake  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/assessments/x/y/z", "/api/v2/"])
def test_unknown_api_paths_answer_json(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json()["detail"]


def test_pages_still_answer_html(client):
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


def test_testserver_is_not_a_default_allowed_host():
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_ALLOWED_HOSTS"}
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    r = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "fazhi.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "testserver" not in r.stdout and "localhost" in r.stdout


def test_tracking_by_post_keeps_the_code_out_of_the_url(open_intake):  # noqa: F811
    web = Public()
    receipt = web.post("/disclosure-requests", disclosure_body()).json()
    r = web.post("/track", {"tracking_no": receipt["tracking_no"], "code": receipt["query_code"]})
    assert r.status_code == 200 and r.json()["state"] == "received"
    r = web.post("/track", {"tracking_no": receipt["tracking_no"], "code": "WRONG123"})
    assert r.status_code == 404


def test_audit_entries_hold_no_personal_data_in_plain_text(open_intake, users):  # noqa: F811
    from fazhi.audit.services import record

    web = Public()
    body = disclosure_body(email="wangwu@example.com", address="资阳市雁江区某路 1 号")
    receipt = web.post("/disclosure-requests", body).json()
    case = Case.objects.get(tracking_no=receipt["tracking_no"])
    # a change of an encrypted field, as a use case would record it
    person = case.person
    record(
        users["office"],
        "person.update",
        person,
        before={"phone": person.phone},
        after={"phone": "13900001111", "name": "王小五"},
    )
    texts = " ".join(e.before + e.after for e in AuditEntry.objects.all())
    for secret in ("13812345678", "13900001111", "wangwu@example.com", "王小五", "雁江区某路"):
        assert secret not in texts, secret
    entry = AuditEntry.objects.get(action="person.update")
    assert "139****1111" in entry.after and "王*五" in entry.after
