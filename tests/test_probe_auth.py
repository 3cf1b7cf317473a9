"""The outside probe's attacks on sign-in and tokens, replayed through HTTP (issue 8, items 2,
3 and 9, and the address throttle)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from fazhi.audit.models import AuditEntry
from fazhi.core import totp
from fazhi.orgs.models import LoginAttempt, User
from tests.conftest import PASSWORD, TOTP_SECRET, login_with_totp

pytestmark = pytest.mark.django_db

NEW = "Qz7-unrelated-Passphrase"


def token_call(c, body, ip="10.0.0.1"):
    return c.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=ip)


def current_code():
    User.objects.filter(username="admin").update(totp_last_step=0)
    return totp.code_at(TOTP_SECRET, totp.step_of(time.time()))


def test_second_factor_cannot_be_brute_forced_through_the_api(users):
    """The probe: right password, otp 000000, 000001, … with no lockout."""
    c = Client()
    real = current_code()
    wrong = [f"{n:06d}" for n in range(30) if f"{n:06d}" != real][:5]
    for code in wrong:
        r = token_call(c, {"username": "admin", "password": PASSWORD, "otp": code})
        assert r.status_code == 401
    # the right password and the right code: still locked, the count was not reset
    r = token_call(c, {"username": "admin", "password": PASSWORD, "otp": current_code()})
    assert r.status_code == 401 and "锁定" in r.json()["detail"]
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    assert not LoginAttempt.objects.filter(username="admin", success=True).exists()


def test_second_factor_failures_survive_a_new_password_step_on_the_pages(users):
    """The probe: signing in again every 4 wrong codes reset the count."""
    c = Client(REMOTE_ADDR="10.0.0.2")
    real = current_code()
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != real][:5]
    for i, code in enumerate(wrong):
        if i % 2 == 0:  # a fresh, correct password step every two codes
            r = c.post("/login/", {"username": "admin", "password": PASSWORD})
            assert r["Location"].startswith("/login/otp/")
        r = c.post("/login/otp/", {"code": code})
    assert "已临时锁定" in r.content.decode()
    r = c.post("/login/", {"username": "admin", "password": PASSWORD})
    assert r.status_code == 200 and "已临时锁定" in r.content.decode()
    assert c.get("/admin/calendar/").status_code == 302


def test_a_sign_in_counts_as_successful_only_after_both_factors(users):
    c = Client()
    c.post("/login/", {"username": "admin", "password": PASSWORD})
    assert not LoginAttempt.objects.filter(username="admin", success=True).exists()
    c.post("/login/otp/", {"code": current_code()})
    assert LoginAttempt.objects.filter(username="admin", success=True, second_factor=True).exists()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def issue(username="office", **extra):
    r = token_call(Client(), {"username": username, "password": PASSWORD, **extra})
    assert r.status_code == 200, r.content
    return r.json()["token"]


def test_tokens_die_with_a_password_change_on_the_pages(users, login):
    """The probe: a token still worked after the password change."""
    token = issue()
    c = Client()
    assert c.get("/api/v1/assessments", headers=bearer(token)).status_code == 200
    page = login("office")
    r = page.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password": NEW, "new_password2": NEW},
    )
    assert r.status_code == 302
    assert c.get("/api/v1/assessments", headers=bearer(token)).status_code == 401


def test_reactivation_does_not_revive_old_tokens(users):
    token = issue("kjj")
    admin = login_with_totp("admin")
    admin.post(f"/manage/users/{users['kjj'].pk}/active/")
    admin.post(f"/manage/users/{users['kjj'].pk}/active/")
    assert User.objects.get(username="kjj").is_active
    assert Client().get("/api/v1/assessments", headers=bearer(token)).status_code == 401


def test_role_change_revokes_tokens(users):
    token = issue("leader")
    sec = login_with_totp("security")
    sec.post(f"/manage/users/{users['leader'].pk}/roles/", {"roles": ["leader", "office"]})
    assert Client().get("/api/v1/assessments", headers=bearer(token)).status_code == 401


def test_a_user_lists_and_revokes_their_own_tokens(users):
    first = issue(name="12345 热线", scope="read", hours=2)
    second = issue()
    c = Client()
    r = c.get("/api/v1/auth/tokens", headers=bearer(first))
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 2 and {t["name"] for t in rows} == {"12345 热线", ""}
    assert all("token" not in t and "digest" not in t for t in rows)
    other = issue("kjj")
    other_id = Client().get("/api/v1/auth/tokens", headers=bearer(other)).json()[0]["id"]
    assert c.delete(f"/api/v1/auth/tokens/{other_id}", headers=bearer(second)).status_code == 404
    first_id = next(t["id"] for t in rows if t["name"])
    assert c.delete(f"/api/v1/auth/tokens/{first_id}", headers=bearer(second)).json() == {
        "revoked": 1
    }
    assert c.get("/api/v1/assessments", headers=bearer(first)).status_code == 401
    assert c.delete("/api/v1/auth/tokens", headers=bearer(second)).json() == {"revoked": 1}
    assert c.get("/api/v1/assessments", headers=bearer(second)).status_code == 401
    assert c.get("/api/v1/assessments", headers=bearer(other)).status_code == 200


def test_read_only_tokens_cannot_write(users, framework):
    token = issue(scope="read")
    c = Client()
    assert c.get("/api/v1/assessments", headers=bearer(token)).status_code == 200
    r = c.post(
        "/api/v1/assessments",
        {"zone": "zy-gxq", "framework": framework.code, "year": 2030},
        content_type="application/json",
        headers=bearer(token),
    )
    assert r.status_code == 403 and "只读" in r.json()["detail"]


def test_token_limits_are_set_by_the_security_admin(users):
    sec = login_with_totp("security")
    r = sec.post("/manage/token-policy/", {"max_hours": "4"}, follow=True)
    assert "已设定" in r.content.decode()
    body = {"username": "office", "password": PASSWORD}
    r = token_call(Client(), {**body, "hours": 5})
    assert (
        r.status_code == 422
        and r.json()["field"] == "hours"
        and "1 至 4 小时" in r.json()["detail"]
    )
    r = token_call(Client(), {**body, "scope": "write"})
    assert r.status_code == 422 and r.json()["field"] == "scope"
    assert token_call(Client(), {**body, "scope": "read", "hours": 4}).status_code == 200
    r = sec.post("/manage/token-policy/", {"max_hours": "0"}, follow=True)
    assert "1 至 2160" in r.content.decode()
    assert (
        login_with_totp("admin").post("/manage/token-policy/", {"max_hours": "9"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(action="auth.token_policy").count() == 1


def test_an_integrating_system_changes_a_temporary_password(orgs):
    from fazhi.orgs.services import add_user

    add_user("hotline", PASSWORD, "office", "zy-gxq")  # a temporary password
    c = Client()
    r = token_call(c, {"username": "hotline", "password": PASSWORD})
    assert r.status_code == 403 and "/api/v1/auth/password" in r.json()["detail"]
    body = {"username": "hotline", "password": PASSWORD, "new_password": "12345678Aa"}
    r = c.post("/api/v1/auth/password", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "new_password"
    r = c.post(
        "/api/v1/auth/password", {**body, "password": "wrong"}, content_type="application/json"
    )
    assert r.status_code == 401
    r = c.post(
        "/api/v1/auth/password", {**body, "new_password": NEW}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert token_call(c, {"username": "hotline", "password": NEW}).status_code == 200


def test_one_address_cannot_lock_every_account(users, settings):
    settings.FAZHI_LOGIN_ADDRESS_LIMIT = 8
    c = Client(REMOTE_ADDR="10.9.9.9")
    for name in ("office", "kjj", "leader", "city"):
        for _ in range(2):
            c.post("/login/", {"username": name, "password": "wrong"})
    # the address is slowed down now; further failures count against no account
    for _ in range(5):
        r = c.post("/login/", {"username": "office2", "password": "wrong"})
    assert "本地址登录失败次数过多" in r.content.decode()
    r = token_call(c, {"username": "office2", "password": "wrong"}, ip="10.9.9.9")
    assert r.status_code == 429
    assert (
        Client(REMOTE_ADDR="10.1.1.1")
        .post("/login/", {"username": "office2", "password": PASSWORD})
        .status_code
        == 302
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/token", '{"username":"\\ud800","password":"x"}'),  # the probe
        ("/api/v1/auth/password", '{"username":"a","password":"x","new_password":"\\udfff"}'),
        (
            "/api/v1/public/complaints",
            '{"zone":"zy-gxq","anonymous":true,"subject":"s\\ud83d","content":"c"}',
        ),
        ("/api/v1/assessments", '{"zone":"zy-gxq","framework":"x","year":2030,"\\udc00":1}'),
    ],
)
def test_lone_surrogates_are_refused_with_a_chinese_message(users, path, body):
    r = Client().post(path, body, content_type="application/json", headers=bearer(issue()))
    assert r.status_code == 422 and "代理项" in r.json()["detail"]


def test_a_surrogate_pair_is_ordinary_text(users):
    body = '{"username":"\\ud83d\\ude00","password":"x"}'  # 😀, a valid pair
    r = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert r.status_code == 401
