"""Organisations and users: create, with the tree's rules."""

from __future__ import annotations

import re
import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.audit.services import record
from fazhi.core.errors import RuleError

from .models import Org, Role

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
KIND_LABELS = dict(Org.Kind.choices)


@transaction.atomic
def add_org(code: str, name: str, kind: str, parent_code: str | None = None, actor=None) -> Org:
    if not CODE_RE.match(code or ""):
        raise RuleError("code", "组织代码只能由字母、数字、- 和 _ 组成，以字母或数字开头，最长 40 位")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise RuleError("name", "组织名称不能为空，最长 100 字")
    if kind not in KIND_LABELS:
        raise RuleError("kind", f"组织类型须为 {', '.join(KIND_LABELS)} 之一")
    parent = None
    if parent_code:
        parent = Org.objects.filter(code=parent_code).first()
        if parent is None:
            raise RuleError("parent", f"上级组织 {parent_code} 不存在")
    allowed = Org.PARENT_KINDS[kind]
    if (parent.kind if parent else None) not in allowed:
        need = "、".join(KIND_LABELS[k] for k in allowed if k) or "无"
        raise RuleError("parent", f"{KIND_LABELS[kind]}的上级须为：{need}")
    if Org.objects.filter(code=code).exists():
        raise RuleError("code", f"组织代码 {code} 已存在")
    org = Org.objects.create(code=code, name=name, kind=kind, parent=parent)
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    record(actor, "org.add", org, after={"code": code, "name": name, "kind": kind, "parent": parent_code})
    return org


def random_password(length: int = 16) -> str:
    """Random, with all four character classes, for accounts created by a command."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in cls for c in pw) for cls in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.!@#%")):
            return pw


@transaction.atomic
def add_user(username: str, password: str, role: str, org_code: str | None, display_name: str = "", actor=None):
    User = get_user_model()
    if not username or not re.match(r"^[\w.@+-]{1,150}$", username):
        raise RuleError("username", "用户名只能由字母、数字和 @ . + - _ 组成，最长 150 位")
    if User.objects.filter(username=username).exists():
        raise RuleError("username", f"用户名 {username} 已存在")
    if role not in Role.values:
        raise RuleError("role", f"角色须为 {', '.join(Role.values)} 之一")
    org = None
    if org_code:
        org = Org.objects.filter(code=org_code).first()
        if org is None:
            raise RuleError("org", f"组织 {org_code} 不存在")
    if role != Role.ADMIN and org is None:
        raise RuleError("org", "除系统管理员外，用户必须属于一个组织（--org）")
    if role == Role.OFFICE and org.kind != Org.Kind.ZONE:
        raise RuleError("org", "创建办用户须属于园区")
    if role == Role.DEPARTMENT and org.kind != Org.Kind.DEPARTMENT:
        raise RuleError("org", "部门填报员须属于部门")
    if role == Role.REVIEWER and org.kind not in (Org.Kind.CITY, Org.Kind.PROVINCE):
        raise RuleError("org", "审核用户须属于市或省")
    user = User(username=username, role=role, org=org, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RuleError("password", "；".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    record(actor, "user.add", user, after={"username": username, "role": role, "org": org_code})
    return user
