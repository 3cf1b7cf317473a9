"""Organisations and users: create, with the tree's rules."""

from __future__ import annotations

import re
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import duties
from fazhi.core.errors import RuleError
from fazhi.core.passwords import weakness
from fazhi.core.personal import mask

from .models import ADMIN_ROLES, ApiToken, Org, Role

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
KIND_LABELS = dict(Org.Kind.choices)


@transaction.atomic
def add_org(code: str, name: str, kind: str, parent_code: str | None = None, actor=None) -> Org:
    if not CODE_RE.match(code or ""):
        raise RuleError(
            "code", "组织代码只能由字母、数字、- 和 _ 组成，以字母或数字开头，最长 40 位"
        )
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
    record(
        actor,
        "org.add",
        org,
        after={"code": code, "name": name, "kind": kind, "parent": parent_code},
    )
    return org


def random_password(length: int = 16) -> str:
    """Random, with all four character classes, for accounts created by a command."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if not weakness(pw) and all(
            any(c in cls for c in pw)
            for cls in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.!@#%")
        ):
            return pw


BUSINESS_ORG_KINDS = {
    Role.OFFICE: ({Org.Kind.ZONE}, "创建办用户须属于园区"),
    Role.DEPARTMENT: ({Org.Kind.DEPARTMENT}, "部门填报员须属于部门"),
    Role.REVIEWER: ({Org.Kind.CITY, Org.Kind.PROVINCE}, "审核用户须属于市或省"),
    Role.LEADER: ({Org.Kind.ZONE, Org.Kind.CITY, Org.Kind.PROVINCE}, "领导用户须属于园区、市或省"),
}


def check_roles(roles: list[str], org: Org | None) -> list[str]:
    """Roles must exist, fit the org, and never join two administrative duties (三权分立)."""
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise RuleError("role", "至少需要一个角色")
    for role in roles:
        if role not in Role.values:
            raise RuleError("role", f"角色须为 {', '.join(Role.values)} 之一")
    admin = [r for r in roles if r in ADMIN_ROLES]
    if len(admin) > 1:
        names = "、".join(Role(r).label for r in admin)
        raise RuleError(
            "role",
            f"系统管理员、安全管理员、审计管理员须由不同账号担任（三权分立），不能同时担任：{names}",
        )
    if admin and len(roles) > 1:
        raise RuleError("role", "管理员账号不能同时担任业务角色")
    for role in roles:
        if role in BUSINESS_ORG_KINDS:
            kinds, message = BUSINESS_ORG_KINDS[role]
            if org is None or org.kind not in kinds:
                raise RuleError("org", message)
    return roles


def _validate_password(password: str, user, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RuleError(field, "；".join(exc.messages)) from None


def _new_account_checks(username: str, org_code: str | None) -> Org | None:
    """A free, well-formed user name and an existing org (if any); returns the org."""
    if not username or not re.match(r"^[\w.@+-]{1,150}$", username):
        raise RuleError("username", "用户名只能由字母、数字和 @ . + - _ 组成，最长 150 位")
    if get_user_model().objects.filter(username=username).exists():
        raise RuleError("username", f"用户名 {username} 已存在")
    org = Org.objects.filter(code=org_code).first() if org_code else None
    if org_code and org is None:
        raise RuleError("org", f"组织 {org_code} 不存在")
    return org


@transaction.atomic
def add_user(
    username: str,
    password: str,
    role: str,
    org_code: str | None,
    display_name: str = "",
    actor=None,
    *,
    extra_roles: list[str] | None = None,
    must_change: bool = True,
):
    """A new account. Its first password is a temporary one: it must be changed at first login."""
    User = get_user_model()
    org = _new_account_checks(username, org_code)
    roles = check_roles([role, *(extra_roles or [])], org)
    if roles[0] not in ADMIN_ROLES and org is None:
        raise RuleError("org", "除管理员外，用户必须属于一个组织（--org）")
    user = User(
        username=username,
        role=roles[0],
        extra_roles=roles[1:],
        org=org,
        display_name=display_name,
        must_change_password=must_change,
    )
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    record(actor, "user.add", user, after={"username": username, "roles": roles, "org": org_code})
    return user


def _on_web(actor) -> bool:
    """A signed-in administrator, as opposed to the operator's command line (trusted)."""
    return bool(getattr(actor, "is_authenticated", False))


def require_duty(actor, role: str) -> None:
    """Administrative acts belong to one administrator each; the command line is trusted."""
    if _on_web(actor) and not actor.has_role(role):
        raise PermissionDenied(f"该操作属于{Role(role).label}的职责")


def check_duty(actor, action: str, user=None, new_roles=()) -> None:
    """三权分立 for an administrator's act on an account (see fazhi.core.duties)."""
    if not _on_web(actor):
        return
    why = duties.refusal(
        action,
        actor.roles,
        own_account=user is not None and user.pk == actor.pk,
        target_roles=user.roles if user is not None else (),
        new_roles=new_roles,
    )
    if why:
        raise PermissionDenied(why)


def revoke_tokens(actor, user, reason: str) -> int:
    """Every API token of user stops working now (password, role or status changed)."""
    n, _ = ApiToken.objects.filter(user=user).delete()
    if n:
        record(actor, "auth.tokens_revoked", user, after={"count": n, "reason": reason})
    return n


@transaction.atomic
def set_roles(actor, user, roles: list[str]) -> None:
    """The security administrator assigns business roles; administrative ones only at the server."""
    check_duty(actor, "roles", user, roles)
    roles = check_roles(roles, user.org)
    before = sorted(user.roles)
    user.role, user.extra_roles = roles[0], roles[1:]
    user.save(update_fields=["role", "extra_roles"])
    record(actor, "user.roles", user, before={"roles": before}, after={"roles": sorted(roles)})
    revoke_tokens(actor, user, "角色变更")


@transaction.atomic
def set_active(actor, user, active: bool) -> None:
    check_duty(actor, "active", user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(actor, "user.activate" if active else "user.deactivate", user)
    if not active:
        revoke_tokens(actor, user, "账号停用")


@transaction.atomic
def change_password(user, old: str, new: str) -> None:
    if not user.check_password(old):
        raise RuleError("old_password", "原密码不正确")
    if old == new:
        raise RuleError("new_password", "新密码不能与原密码相同")
    _validate_password(new, user, "new_password")
    user.set_password(new)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record(user, "user.password_change", user)
    revoke_tokens(user, user, "修改密码")


def _set_temporary(user) -> str:
    password = random_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    return password


def _mail_password(user, password: str, why: str) -> str:
    """Send a temporary password to the user's own mailbox; the administrator never sees it.
    Returns the masked address for the administrator's confirmation."""
    if not settings.EMAIL_HOST:
        raise RuleError(
            "email",
            "未配置邮件服务器（FAZHI_SMTP_HOST）：临时密码只能发送到用户本人的邮箱，管理员不能看到；"
            "请配置邮件服务器，或由运维人员在服务器上执行 fazhi user 命令",
        )
    if not user.email:
        raise RuleError("email", f"用户 {user.username} 没有登记电子邮箱，无法发送临时密码")
    try:
        send_mail(
            "【法治示范区平台】临时密码",
            f"{user.username}，您好：\n\n{why}，临时密码为：{password}\n"
            "请尽快登录并修改密码；临时密码只能用于修改密码。如非本人申请，请联系安全管理员。",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=False,
        )
    except OSError as exc:
        raise RuleError(
            "email", f"邮件发送失败（{exc.__class__.__name__}），未作任何改动"
        ) from None
    return mask(user.email, "email")


@transaction.atomic
def create_account(actor, username: str, display_name: str, org_code: str | None, email: str):
    """The system administrator's new account: no role (the security administrator grants
    roles), its temporary password sent to the user's mailbox. Returns (user, masked address)."""
    check_duty(actor, "create")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise RuleError("email", "请填写用户本人的电子邮箱（用于接收临时密码）") from None
    User = get_user_model()
    org = _new_account_checks(username, org_code)
    user = User(username=username, role="", org=org, display_name=display_name[:50], email=email)
    user.set_unusable_password()
    user.save()
    password = _set_temporary(user)
    record(
        actor,
        "user.add",
        user,
        after={"username": username, "roles": [], "org": org_code, "email": mask(email, "email")},
    )
    return user, _mail_password(user, password, "您的账号已创建")


@transaction.atomic
def reset_password(actor, user) -> str:
    """The command line's reset: a temporary password printed once to the operator."""
    check_duty(actor, "reset", user)
    password = _set_temporary(user)
    record(actor, "user.password_reset", user)
    revoke_tokens(actor, user, "重置密码")
    return password


@transaction.atomic
def reset_password_by_mail(actor, user) -> str:
    """An administrator's reset on the web: the temporary password goes to the user's mailbox,
    never to the administrator. Returns the masked address."""
    check_duty(actor, "reset", user)
    password = _set_temporary(user)
    where = _mail_password(user, password, "您的密码已被管理员重置")
    record(actor, "user.password_reset", user, after={"sent_to": where})
    revoke_tokens(actor, user, "重置密码")
    return where
