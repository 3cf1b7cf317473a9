"""Two app instances (two server processes, as on two machines) on one database: optimistic
versions, the public rate limits and the audit chain hold across them, because nothing lives in
one process's memory that the other needs."""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from tests import test_backup
from tests.test_faults import VENDORS, Server

templates = test_backup.templates
clone = test_backup.clone


def call(server: Server, method: str, path: str, body=None, token: str = "") -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        conn.close()


@pytest.mark.parametrize("vendor", VENDORS)
def test_two_instances_share_versions_limits_and_the_audit_chain(clone, vendor):
    inst, seed = clone(vendor)
    before = inst.state()
    # a lookup limit small enough to reach: six lookups per address in the window, in all
    a = Server(inst, FAZHI_PUBLIC_LOOKUP_LIMIT="6")
    b = Server(inst, FAZHI_PUBLIC_LOOKUP_LIMIT="6")
    token, assessment = seed["token"], seed["assessment"]
    url = f"/api/v1/assessments/{assessment}/results/2"
    try:
        # the same version sent to both at once: one write wins, the other is told it is stale
        status, detail = call(a, "GET", f"/api/v1/assessments/{assessment}", token=token)
        version = next(r["version"] for r in detail["results"] if r["indicator_code"] == "2")
        answers = []
        go = threading.Barrier(2)

        def put(server, score):
            go.wait()
            answers.append(
                call(server, "PUT", url, {"version": version, "self_score": score}, token)[0]
            )

        threads = [threading.Thread(target=put, args=(s, n)) for s, n in ((a, "1"), (b, "2"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(answers) == [200, 409]

        # writes that alternate between the instances, each with the version it was given
        for n in range(10):
            server = (a, b)[n % 2]
            status, detail = call(server, "GET", f"/api/v1/assessments/{assessment}", token=token)
            version = next(r["version"] for r in detail["results"] if r["indicator_code"] == "2")
            status, _ = call(
                server, "PUT", url, {"version": version, "self_score": str(n % 4)}, token
            )
            assert status == 200

        # public lookups count together, whichever instance answers them
        lookups = [
            call((a, b)[n % 2], "POST", "/api/v1/public/track", {"tracking_no": "X", "code": "Y"})[
                0
            ]
            for n in range(8)
        ]
        assert lookups == [404] * 6 + [429] * 2
    finally:
        a.stop()
        b.stop()
    after = inst.state()
    # one chain, every write of both instances in it, whole
    assert after["verify"] == [len(before["audit"]) + 11, None, ""]
