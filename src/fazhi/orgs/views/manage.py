"""User management for the administrators, each to their own duty (三权分立, rules in
fazhi.core.duties): the system administrator creates accounts without roles and resets or
deactivates business accounts; the security administrator grants business roles, lifts
locks and manages the administrative accounts. Temporary passwords go to the user's
mailbox, never to the administrator's screen. Neither sees business content."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fazhi.core import duties
from fazhi.core.errors import RuleError

from ..models import ADMIN_ROLES, Org, Role, TokenPolicy, User
from ..security import lock_until, unlock
from ..services import create_account, reset_password_by_mail, set_active, set_roles
from ..tokens import set_policy


def _either_admin(user) -> None:
    if not (user.has_role(Role.ADMIN) or user.has_role(Role.SECURITY)):
        raise PermissionDenied("只有系统管理员或安全管理员可以管理用户")


def _may(actor, action: str, user) -> bool:
    return (
        duties.refusal(
            action, actor.roles, own_account=user.pk == actor.pk, target_roles=user.roles
        )
        is None
    )


@login_required
def users(request):
    actor = request.user
    _either_admin(actor)
    rows = [
        {
            "u": u,
            "locked": lock_until(u.username),
            "may": {a: _may(actor, a, u) for a in ("reset", "active", "roles", "unlock")},
        }
        for u in User.objects.select_related("org").order_by("username")
    ]
    return render(
        request,
        "manage/users.html",
        {
            "rows": rows,
            "orgs": Org.objects.all(),
            "roles": [(v, label) for v, label in Role.choices if v not in ADMIN_ROLES],
            "may_create": _may(actor, "create", actor),
            "policy": TokenPolicy.current() if actor.has_role(Role.SECURITY) else None,
        },
    )


@login_required
@require_POST
def user_create(request):
    try:
        user, where = create_account(
            request.user,
            request.POST.get("username", "").strip(),
            request.POST.get("name", "").strip(),
            request.POST.get("org") or None,
            request.POST.get("email", ""),
        )
    except RuleError as exc:
        messages.error(request, f"未创建：{exc.message}")
    else:
        messages.success(
            request,
            f"已创建账号 {user.username}（尚无角色，由安全管理员授予）；临时密码已发送至 {where}",
        )
    return redirect("manage:users")


@login_required
@require_POST
def user_reset(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    try:
        where = reset_password_by_mail(request.user, user)
    except RuleError as exc:
        messages.error(request, f"{user.username} 的密码未重置：{exc.message}")
    else:
        messages.success(request, f"已重置 {user.username} 的密码；临时密码已发送至 {where}")
    return redirect("manage:users")


@login_required
@require_POST
def user_active(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    set_active(request.user, user, not user.is_active)
    messages.success(request, f"已{'启用' if user.is_active else '停用'}账号 {user.username}")
    return redirect("manage:users")


@login_required
@require_POST
def user_roles(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    try:
        set_roles(request.user, user, request.POST.getlist("roles"))
    except RuleError as exc:
        messages.error(request, f"{user.username} 的角色未改变：{exc.message}")
    else:
        messages.success(request, f"已设定 {user.username} 的角色")
    return redirect("manage:users")


@login_required
@require_POST
def user_unlock(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    unlock(request.user, user.username)
    messages.success(request, f"已解除 {user.username} 的登录锁定")
    return redirect("manage:users")


@login_required
@require_POST
def token_policy(request):
    try:
        hours = int(request.POST.get("max_hours", ""))
    except ValueError:
        hours = 0
    try:
        set_policy(request.user, hours, request.POST.get("allow_write") == "1")
    except RuleError as exc:
        messages.error(request, f"令牌规则未改变：{exc.message}")
    else:
        messages.success(request, "已设定 API 令牌规则（对此后签发的令牌生效）")
    return redirect("manage:users")
