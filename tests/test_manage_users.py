"""The administrators' user management, each to their own duty."""

from __future__ import annotations

import pytest

from fazhi.audit.models import AuditEntry
from fazhi.orgs.models import User
from tests.conftest import login_with_totp

pytestmark = pytest.mark.django_db


def test_system_admin_creates_resets_and_deactivates(users, orgs):
    admin = login_with_totp("admin")
    r = admin.post(
        "/manage/users/new/",
        {"username": "wang", "name": "王五", "org": "zy-gxq", "role": "office"},
        follow=True,
    )
    html = r.content.decode()
    assert "临时密码" in html and 'id="shown-password"' in html
    wang = User.objects.get(username="wang")
    assert wang.must_change_password and wang.org.code == "zy-gxq"
    assert "临时密码" not in admin.get("/manage/users/").content.decode()  # shown once
    r = admin.post(
        "/manage/users/new/", {"username": "li", "org": "zy-gxq-kjj", "role": "office"}, follow=True
    )
    assert "创建办用户须属于园区" in r.content.decode()
    r = admin.post(f"/manage/users/{wang.pk}/reset/", follow=True)
    assert "临时密码" in r.content.decode()
    admin.post(f"/manage/users/{wang.pk}/active/")
    assert not User.objects.get(username="wang").is_active
    assert (
        AuditEntry.objects.filter(
            action__in=["user.add", "user.password_reset", "user.deactivate"]
        ).count()
        >= 3
    )
    # not the security administrator's duty
    assert admin.post(f"/manage/users/{wang.pk}/roles/", {"roles": ["leader"]}).status_code == 403


def test_security_admin_assigns_roles_and_unlocks(users):
    sec = login_with_totp("security")
    leader = users["leader"]
    r = sec.post(f"/manage/users/{leader.pk}/roles/", {"roles": ["leader", "office"]}, follow=True)
    assert "已设定" in r.content.decode()
    assert User.objects.get(pk=leader.pk).roles == {"leader", "office"}
    r = sec.post(
        f"/manage/users/{users['admin'].pk}/roles/", {"roles": ["admin", "auditor"]}, follow=True
    )
    assert "三权分立" in r.content.decode()
    assert (
        sec.post(
            "/manage/users/new/", {"username": "x", "role": "office", "org": "zy-gxq"}
        ).status_code
        == 403
    )
    assert sec.post(f"/manage/users/{leader.pk}/reset/").status_code == 403
    assert login_with_totp("auditor").get("/manage/users/").status_code == 403
