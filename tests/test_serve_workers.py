"""`fazhi serve --workers N`: several processes behind one port, nothing kept in one process's
memory that another needs (a session made through one worker is honoured by every one)."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

FAZHI = str(Path(sys.executable).with_name("fazhi"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.fixture
def demo_dir(tmp_path):
    env = {**os.environ, "FAZHI_DATA_DIR": str(tmp_path)}
    env.pop("FAZHI_DATABASE_URL", None)
    r = subprocess.run(
        [FAZHI, "demo", "--no-serve"], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    password = re.search(r"演示用户 office（创建办），密码（只显示这一次）：(\S+)", r.stdout)[1]
    return env, password


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes")
def test_two_workers_share_sessions(demo_dir):
    env, password = demo_dir
    port = _free_port()
    server = subprocess.Popen(
        [FAZHI, "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(150):  # the first worker may answer before the second has started
            if len(_children(server.pid)) == 2:
                break
            time.sleep(0.2)
        assert len(_children(server.pid)) == 2
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = browser.open(base + "/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = {"csrfmiddlewaretoken": token, "username": "office", "password": password}
        request = urllib.request.Request(
            base + "/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": base + "/login/"},
        )
        browser.open(request)
        # every request on a new connection: the two workers take turns
        landed = {browser.open(base + "/").geturl() for _ in range(20)}
        assert landed and all("/login/" not in url for url in landed), landed
        # A kept-alive connection still answers after a pause of a few seconds (a user reading
        # the page, a balancer's pooled connection): the load test met resets at gunicorn's 2 s.
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        kept.request("GET", "/healthz")
        assert kept.getresponse().read() is not None
        time.sleep(3)
        kept.request("GET", "/healthz")
        assert kept.getresponse().status == 200
        kept.close()
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    assert "2 个工作进程" in out, out + err
