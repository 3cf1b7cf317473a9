"""等保 2.0 level 3 acceptance checks: identity, lockout, timeouts, two-factor sign-in,
separation of duties, security headers."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from fazhi.audit.models import AuditEntry
from fazhi.core import totp
from fazhi.orgs.models import LoginAttempt, User
from fazhi.orgs.services import add_user, check_roles, reset_password, set_roles
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_even_with_the_right_password(users):
    c = Client()
    for _ in range(4):
        assert "用户名或密码错误" in post_login(c, "office", "wrong").content.decode()
    r = post_login(c, "office", "wrong")
    assert "已临时锁定" in r.content.decode()
    r = post_login(c, "office", PASSWORD)
    assert r.status_code == 200 and "已临时锁定" in r.content.decode()
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 6
    # The API refuses as well
    r = c.post(
        "/api/v1/auth/token",
        {"username": "office", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 401 and "锁定" in r.json()["detail"]


def test_lockout_looks_the_same_for_unknown_names(users):
    c = Client()
    for _ in range(5):
        post_login(c, "nobody", "wrong")
    assert "已临时锁定" in post_login(c, "nobody", "x").content.decode()


def test_lock_ends_after_the_lock_time(users):
    past = timezone.now() - timezone.timedelta(minutes=31)
    LoginAttempt.objects.bulk_create(
        [LoginAttempt(username="office", at=past, success=False) for _ in range(5)]
    )
    assert post_login(Client(), "office", PASSWORD).status_code == 302


def test_security_admin_unlocks(users, capsys):
    from django.core.management import call_command

    for _ in range(5):
        post_login(Client(), "office", "wrong")
    call_command("user", "unlock", "office")
    assert post_login(Client(), "office", PASSWORD).status_code == 302


def test_idle_session_times_out(users, settings):
    c = Client()
    assert post_login(c, "office", PASSWORD).status_code == 302
    assert c.get("/").status_code == 200
    session = c.session
    session["fz_seen"] = time.time() - 31 * 60
    session.save()
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert c.get("/").status_code == 302  # logged out for good


def test_absolute_session_timeout(users):
    c = Client()
    post_login(c, "office", PASSWORD)
    session = c.session
    session["fz_auth_at"] = time.time() - 9 * 3600
    session.save()
    assert c.get("/")["Location"].startswith("/login/")


def test_first_login_forces_a_password_change(orgs):
    add_user("newbie", "Temp-Passw0rd!", "office", "zy-gxq")
    c = Client()
    assert post_login(c, "newbie", "Temp-Passw0rd!").status_code == 302
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    r = c.post(
        "/api/v1/auth/token",
        {"username": "newbie", "password": "Temp-Passw0rd!"},
        content_type="application/json",
    )
    assert r.status_code == 403
    bad = c.post(
        "/account/password/",
        {
            "old_password": "Temp-Passw0rd!",
            "new_password": "newbie-Passw0rd",
            "new_password2": "newbie-Passw0rd",
        },
    )
    assert "不能包含用户名" in bad.content.decode()
    bad = c.post(
        "/account/password/",
        {
            "old_password": "Temp-Passw0rd!",
            "new_password": "Kx8-river-Tiger",
            "new_password2": "Kx8-river-Tigers",
        },
    )
    assert "两次输入的新密码不一致" in bad.content.decode()
    ok = c.post(
        "/account/password/",
        {
            "old_password": "Temp-Passw0rd!",
            "new_password": "Kx8-river-Tiger",
            "new_password2": "Kx8-river-Tiger",
        },
    )
    assert ok.status_code == 302 and c.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="user.password_change").exists()


def test_admin_reset_forces_a_change_again(users):
    password = reset_password(users["admin"], users["office"])
    c = Client()
    assert post_login(c, "office", password).status_code == 302
    assert c.get("/")["Location"] == "/account/password/"


def test_password_maximum_age(users, settings):
    User.objects.filter(username="office").update(
        password_changed_at=timezone.now() - timezone.timedelta(days=91)
    )
    c = Client()
    post_login(c, "office", PASSWORD)
    assert c.get("/")["Location"] == "/account/password/"
    settings.FAZHI_PASSWORD_MAX_AGE_DAYS = 0
    assert c.get("/").status_code == 200


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1!", "至少 8 位"),
        ("abcdefgh", "至少 3 类"),
        ("office-Passw0rd", "不能包含用户名"),
        ("Password123", "过于常见"),
        ("12345678Aa", "连续或键盘上相邻"),  # the probe's example
        ("Qwer!9x7Zm", "连续或键盘上相邻"),
        ("Zyx-Mk9dcba", "连续或键盘上相邻"),
        ("Fazhi@2025", "平台名称"),
        ("2025!!Fazhi", "平台名称"),
    ],
)
def test_password_policy(orgs, password, message):
    from fazhi.core.errors import RuleError

    with pytest.raises(RuleError, match=message):
        add_user("office", password, "office", "zy-gxq")


def test_passwords_are_stored_hashed(users, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    u = add_user("hashme", "Hash-Passw0rd!", "office", "zy-gxq")
    assert u.password.startswith("pbkdf2_sha256$") and "Hash-Passw0rd!" not in u.password


def test_totp_enrolment_and_login(orgs):
    add_user("zhang", "Secure-Passw0rd!", "office", "zy-gxq", must_change=False)
    c = Client()
    post_login(c, "zhang", "Secure-Passw0rd!")
    page = c.get("/account/2fa/").content.decode()
    assert "<svg" in page and "totp-secret" in page
    secret = c.session["fz_totp_secret"]
    r = c.post("/account/2fa/", {"code": "000000"})
    assert "验证码不正确" in r.content.decode()
    r = c.post("/account/2fa/", {"code": totp.code_at(secret, totp.step_of(time.time()))})
    assert "恢复码" in r.content.decode()
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", r.content.decode())
    assert len(codes) == 10
    # Sign in again: password, then the second factor
    c2 = Client()
    r = post_login(c2, "zhang", "Secure-Passw0rd!")
    assert r["Location"].startswith("/login/otp/")
    assert c2.get("/").status_code == 302  # not signed in yet
    assert "验证码不正确" in c2.post("/login/otp/", {"code": "123456"}).content.decode()
    assert c2.post("/login/otp/", {"code": codes[0]}).status_code == 302
    assert c2.get("/").status_code == 200
    # A recovery code works once
    c3 = Client()
    post_login(c3, "zhang", "Secure-Passw0rd!")
    assert c3.post("/login/otp/", {"code": codes[0]}).status_code == 200


def test_totp_reference_values():
    # RFC 6238 appendix B, SHA-1, truncated to 6 digits
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp.code_at(secret, totp.step_of(59)) == "287082"
    assert totp.code_at(secret, totp.step_of(1111111109)) == "081804"
    assert totp.verify(secret, "287082", 59) == 1
    assert totp.verify(secret, "287082", 59, last_step=1) is None  # no replay


def test_administrators_must_use_two_factor(orgs):
    add_user("sysadmin", "Sys-Passw0rd!x", "admin", None, must_change=False)
    c = Client()
    post_login(c, "sysadmin", "Sys-Passw0rd!x")
    assert c.get("/")["Location"] == "/account/2fa/"
    r = c.post(
        "/api/v1/auth/token",
        {"username": "sysadmin", "password": "Sys-Passw0rd!x"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_admin_login_needs_the_second_factor(users):
    c = Client()
    assert post_login(c, "admin", PASSWORD)["Location"].startswith("/login/otp/")
    code = totp.code_at(TOTP_SECRET, totp.step_of(time.time()))
    assert c.post("/login/otp/", {"code": code}).status_code == 302
    assert c.get("/admin/calendar/").status_code == 200
    r = Client().post(
        "/api/v1/auth/token",
        {"username": "admin", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 401 and r.json()["field"] == "otp"


@pytest.mark.parametrize(
    "roles, message",
    [
        (["admin", "security"], "三权分立"),
        (["auditor", "admin"], "三权分立"),
        (["security", "auditor"], "三权分立"),
        (["admin", "office"], "不能同时担任业务角色"),
    ],
)
def test_no_account_holds_two_duties(orgs, roles, message):
    from fazhi.core.errors import RuleError

    with pytest.raises(RuleError, match=message):
        check_roles(roles, orgs["zy-gxq"])


def test_roles_combine_by_union(users, assessment, api):
    from fazhi.orgs.access import SCOPE_OWN, SCOPE_SUBTREE, scope_of

    kjj = users["kjj"]
    assert scope_of(kjj) == SCOPE_OWN
    kjj.extra_roles = ["leader"]  # a union of an own-org and an org-and-below role
    assert scope_of(kjj) == SCOPE_SUBTREE
    set_roles(users["security"], users["leader"], ["leader", "office"])
    assert (
        api("leader")
        .put(f"/assessments/{assessment.pk}/results/1", {"version": 1, "self_score": 2})
        .status_code
        == 200
    )
    assert AuditEntry.objects.filter(action="user.roles").exists()


def test_admin_roles_refused_outside_their_duty(users, assessment, login):
    from tests.conftest import login_with_totp

    for name in ("admin", "security", "auditor"):
        c = login_with_totp(name)
        assert c.get(f"/assessments/{assessment.pk}/").status_code == 404, (
            name
        )  # no business content
    assert login_with_totp("security").get("/admin/calendar/").status_code == 403
    assert login_with_totp("auditor").get("/admin/calendar/").status_code == 403
    assert login_with_totp("admin").get("/audit/").status_code == 403
    assert login_with_totp("security").get("/audit/").status_code == 403
    assert login_with_totp("auditor").get("/audit/").status_code == 200


def test_security_headers_on_every_page(users, assessment, login):
    c = login("office")
    for path in (
        "/",
        "/login/",
        f"/assessments/{assessment.pk}/",
        "/static/css/app.css",
        "/no-such-page/",
        "/api/v1/frameworks",
    ):
        r = c.get(path)
        csp = r["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "http" not in csp
        ), path
        assert (
            r["X-Content-Type-Options"] == "nosniff"
            and r["Referrer-Policy"]
            and r["X-Frame-Options"] == "DENY"
        ), path


def test_session_cookie_flags(users):
    c = Client()
    r = post_login(c, "office", PASSWORD)
    cookie = r.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_csrf_is_enforced(users, assessment):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["office"])
    r = c.post(f"/assessments/{assessment.pk}/results/1/", {"version": 1, "self_score": "3"})
    assert r.status_code == 403


def test_oversized_request_refused(users, settings):
    settings.FAZHI_MAX_REQUEST_BYTES = 100
    r = Client().post("/login/", {"username": "x" * 500, "password": "y"})
    assert r.status_code == 413 and "请求过大" in r.content.decode()


def test_no_stack_trace_when_debug_is_off(users, settings, monkeypatch):
    settings.DEBUG = False
    from fazhi.web.views import site as views

    def boom(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "home", boom)
    from django.urls import clear_url_caches

    clear_url_caches()
    c = Client(raise_request_exception=False)
    c.force_login(users["office"])
    r = c.get("/")
    body = r.content.decode()
    assert r.status_code in (200, 500)
    assert "secret internals" not in body and "Traceback" not in body


def test_nul_characters_refused_everywhere(users):
    c = Client()
    r = c.post("/login/", {"username": "a\x00b", "password": "x"})
    assert r.status_code == 400 and "NUL" in r.content.decode()
    r = c.post(
        "/api/v1/auth/token",
        {"username": "a\x00b", "password": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "NUL" in r.json()["detail"]
    assert c.get("/api/v1/frameworks/a%00b").status_code == 422
