"""The administrators' user management, each to their own duty (三权分立)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from fazhi.audit.models import AuditEntry
from fazhi.orgs.models import User
from tests.conftest import PASSWORD, login_with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """A configured mail server; Django's test runner keeps the messages in mail.outbox."""
    settings.EMAIL_HOST = "mail.example.gov.cn"


def _mailed_password(to: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(r"临时密码为：(\S+)", message.body).group(1)


def test_system_admin_creates_an_account_without_roles_and_never_sees_its_password(users, smtp):
    admin = login_with_totp("admin")
    r = admin.post(
        "/manage/users/new/",
        # a role in the request is ignored: roles are the security administrator's
        {
            "username": "wang",
            "name": "王五",
            "org": "zy-gxq",
            "role": "office",
            "email": "wang@zy.gov.cn",
        },
        follow=True,
    )
    html = r.content.decode()
    wang = User.objects.get(username="wang")
    assert wang.roles == frozenset() and wang.must_change_password and wang.org.code == "zy-gxq"
    password = _mailed_password("wang@zy.gov.cn")
    assert password not in html and "w***@zy.gov.cn" in html
    assert password not in admin.get("/manage/users/").content.decode()
    # the user's first sign-in leads to the password change only; no business page
    c = Client()
    assert c.post("/login/", {"username": "wang", "password": password}).status_code == 302
    assert c.get("/assessments/1/")["Location"].startswith("/account/password/")
    new = "Qz7-unrelated-Passphrase"
    c.post(
        "/account/password/",
        {"old_password": password, "new_password": new, "new_password2": new},
    )
    # no role yet: an ordinary home page, no business content
    assert c.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action="user.add", object_id=str(wang.pk)).get()
    assert "wang@zy.gov.cn" not in entry.after and password not in entry.after


def test_creation_refused_without_mail_server_or_address(users):
    admin = login_with_totp("admin")
    r = admin.post("/manage/users/new/", {"username": "li", "email": "li@zy.gov.cn"}, follow=True)
    assert "未配置邮件服务器" in r.content.decode()
    assert not User.objects.filter(username="li").exists()


def test_reset_sends_the_password_to_the_user_not_the_admin(users, smtp):
    """The probe: the admin resets a business user's password, reads it, signs in as them."""
    leader = users["leader"]
    leader.email = "leader@zy.gov.cn"
    leader.save()
    admin = login_with_totp("admin")
    r = admin.post(f"/manage/users/{leader.pk}/reset/", follow=True)
    html = r.content.decode()
    password = _mailed_password("leader@zy.gov.cn")
    assert password not in html and "l***@zy.gov.cn" in html
    assert 'id="shown-password"' not in html
    # the old password no longer works, and the new one was never on the admin's screen
    c = Client()
    assert c.post("/login/", {"username": "leader", "password": PASSWORD}).status_code == 200
    assert AuditEntry.objects.filter(action="user.password_reset").exists()


def test_reset_without_an_address_changes_nothing(users, smtp):
    admin = login_with_totp("admin")
    kjj = users["kjj"]
    r = admin.post(f"/manage/users/{kjj.pk}/reset/", follow=True)
    assert "没有登记电子邮箱" in r.content.decode()
    assert User.objects.get(pk=kjj.pk).check_password(PASSWORD)


def test_system_admin_deactivates_business_accounts_only(users):
    admin = login_with_totp("admin")
    kjj = users["kjj"]
    admin.post(f"/manage/users/{kjj.pk}/active/")
    assert not User.objects.get(pk=kjj.pk).is_active
    assert AuditEntry.objects.filter(action="user.deactivate", object_id=str(kjj.pk)).exists()
    # the probe: the administrator deactivated the auditor
    assert admin.post(f"/manage/users/{users['auditor'].pk}/active/").status_code == 403
    assert User.objects.get(username="auditor").is_active
    assert admin.post(f"/manage/users/{users['admin'].pk}/active/").status_code == 403
    # not the security administrator's duty either
    assert admin.post(f"/manage/users/{kjj.pk}/roles/", {"roles": ["leader"]}).status_code == 403


def test_security_admin_grants_business_roles_and_unlocks(users):
    sec = login_with_totp("security")
    leader = users["leader"]
    r = sec.post(f"/manage/users/{leader.pk}/roles/", {"roles": ["leader", "office"]}, follow=True)
    assert "已设定" in r.content.decode()
    assert User.objects.get(pk=leader.pk).roles == {"leader", "office"}
    assert (
        sec.post(
            "/manage/users/new/", {"username": "x", "email": "x@zy.gov.cn", "org": "zy-gxq"}
        ).status_code
        == 403
    )
    assert sec.post(f"/manage/users/{leader.pk}/reset/").status_code == 403
    assert login_with_totp("auditor").get("/manage/users/").status_code == 403


@pytest.mark.parametrize(
    ("target", "roles"),
    [
        ("admin", ["auditor"]),  # the probe: admin → auditor
        ("leader", ["admin"]),  # a business account made administrator
        ("auditor", ["leader"]),
        ("security", ["admin"]),  # the probe: its own role
    ],
)
def test_administrative_roles_are_never_granted_on_the_web(users, target, roles):
    sec = login_with_totp("security")
    before = User.objects.get(username=target).roles
    r = sec.post(f"/manage/users/{users[target].pk}/roles/", {"roles": roles})
    assert r.status_code == 403
    assert User.objects.get(username=target).roles == before


def test_security_admin_manages_the_administrative_accounts_but_not_its_own(users, smtp):
    sec = login_with_totp("security")
    auditor = users["auditor"]
    auditor.email = "audit@zy.gov.cn"
    auditor.save()
    r = sec.post(f"/manage/users/{auditor.pk}/reset/", follow=True)
    assert "a***@zy.gov.cn" in r.content.decode()
    assert sec.post(f"/manage/users/{users['security'].pk}/reset/").status_code == 403
    assert sec.post(f"/manage/users/{users['security'].pk}/active/").status_code == 403
    assert sec.post(f"/manage/users/{auditor.pk}/active/").status_code == 302
    assert not User.objects.get(pk=auditor.pk).is_active


def test_users_page_offers_only_allowed_actions(users):
    html = login_with_totp("admin").get("/manage/users/").content.decode()
    for name in ("admin", "security", "auditor"):
        assert f"/manage/users/{users[name].pk}/reset/" not in html
    assert f"/manage/users/{users['kjj'].pk}/reset/" in html
    html = login_with_totp("security").get("/manage/users/").content.decode()
    assert f"/manage/users/{users['security'].pk}/roles/" not in html
    assert f"/manage/users/{users['admin'].pk}/roles/" not in html
    assert f"/manage/users/{users['kjj'].pk}/roles/" in html
    assert '<option value="admin"' not in html
