"""Shared fixtures: the seed's table, the demo organisations, users of every role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = [
    "tests.review_fixtures",
    "tests.enforcement_fixtures",
]  # the review chain's fixtures

SEED_NAME = "000_89dc7be4f0a09011.txt"
SEED_CANDIDATES = [Path("/work/shared/seed"), ROOT.parent / "shared" / "seed"]
# The seed document, when shared/ is beside the checkout (as for developers and CI).
SEED = next((d / SEED_NAME for d in SEED_CANDIDATES if (d / SEED_NAME).exists()), None)
LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<msg>[^\n]+)$")


def split_message(message: str) -> tuple[int, str]:
    """(line, text) of a PATH:LINE: message error or warning."""
    m = LINE_RE.match(message)
    assert m, f"not PATH:LINE: message: {message!r}"
    return int(m["line"]), m["msg"]


SEED_FRAMEWORK = ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml"
PASSWORD = "Fz-test-Passw0rd!"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, settings):
    """Each test keeps its evidence files in its own folder on disk; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FAZHI_AUDIT_CHECKPOINT = str(tmp_path / "audit-checkpoint.json")
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def framework(db):
    from fazhi.frameworks.services import load_file

    return load_file(SEED_FRAMEWORK)[0]


@pytest.fixture
def orgs(db):
    from fazhi.orgs.services import add_org

    made = {}
    for code, name, kind, parent in [
        ("sc", "四川省科学技术厅", "province", None),
        ("sc-zy", "资阳市科学技术局", "city", "sc"),
        ("sc-cd", "成都市科学技术局", "city", "sc"),
        ("zy-gxq", "资阳高新区", "zone", "sc-zy"),
        ("zy-gxq-kjj", "科技经济局", "department", "zy-gxq"),
        ("zy-gxq-sfj", "司法分局", "department", "zy-gxq"),
        ("cd-gxq", "成都高新区", "zone", "sc-cd"),
    ]:
        made[code] = add_org(code, name, kind, parent)
    return made


@pytest.fixture
def users(orgs):
    from fazhi.orgs.services import add_user

    spec = {
        "office": ("office", "zy-gxq"),
        "office2": ("office", "cd-gxq"),
        "kjj": ("department", "zy-gxq-kjj"),
        "leader": ("leader", "zy-gxq"),
        "city": ("reviewer", "sc-zy"),
        "city2": ("reviewer", "sc-cd"),
        "province": ("reviewer", "sc"),
        "admin": ("admin", None),
        "security": ("security", None),
        "auditor": ("auditor", None),
    }
    made = {
        name: add_user(name, PASSWORD, role, org, must_change=False)
        for name, (role, org) in spec.items()
    }
    for name in (
        "admin",
        "security",
        "auditor",
    ):  # administrators have enrolled their authenticator
        made[name].totp_secret, made[name].totp_enabled = TOTP_SECRET, True
        made[name].save()
    return made


@pytest.fixture
def assessment(framework, users):
    from fazhi.assessments.services import create_assessment

    return create_assessment(users["office"], "zy-gxq", framework.code, None, 2025)


def token_for(username: str) -> str:
    from fazhi.orgs.models import ApiToken, User

    return ApiToken.issue(User.objects.get(username=username))


class Api:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, username: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_for(username)}"} if username else {}

    def _call(self, method, path, data=None):
        kwargs = {"content_type": "application/json", "headers": self.headers}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path):
        return self._call("get", path)

    def post(self, path, data=None):
        return self._call("post", path, data if data is not None else {})

    def put(self, path, data):
        return self._call("put", path, data)


@pytest.fixture
def api(users):
    return Api


@pytest.fixture
def login(users):
    def _login(username: str) -> Client:
        c = Client()
        assert c.login(username=username, password=PASSWORD)
        return c

    return _login


SEED_PLAN = ROOT / "plans" / "zy-gxq-sti-law-2020.yaml"


@pytest.fixture
def workcalendar(db):
    """The State Council's holiday arrangements for 2024–2026, from chinesecalendar."""
    from fazhi.workdays.services import import_years

    import_years([2024, 2025, 2026])


@pytest.fixture
def plan(framework, users, workcalendar):
    """The seed's plan, instantiated for 资阳高新区 with a report due every month by the 25th."""
    from fazhi.workplan.services import create_plan, load_template

    load_template(SEED_PLAN)
    return create_plan(users["office"], "zy-gxq", "zy-gxq-sti-law-2020", 2025, report_day=25)


def task_of(plan, number):
    return plan.tasks.get(number=number)


def login_with_totp(username: str) -> Client:
    """Sign in through the pages with the password and the current second factor."""
    import time

    from fazhi.core import totp

    c = Client()
    r = c.post("/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.content
    if r["Location"].startswith("/login/otp/"):
        from fazhi.orgs.models import User

        User.objects.filter(username=username).update(totp_last_step=0)
        assert (
            c.post(
                "/login/otp/", {"code": totp.code_at(TOTP_SECRET, totp.step_of(time.time()))}
            ).status_code
            == 302
        )
    return c
