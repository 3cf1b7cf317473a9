"""User management for the administrators, each to their own duty (三权分立):
the system administrator creates accounts, resets passwords and deactivates; the
security administrator assigns roles and lifts locks. Neither sees business content."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fazhi.audit.services import record
from fazhi.core.errors import RuleError

from .models import Org, Role, User
from .security import lock_until, unlock
from .services import add_user, random_password, require_duty, reset_password, set_roles


def _either_admin(user) -> None:
    if not (user.has_role(Role.ADMIN) or user.has_role(Role.SECURITY)):
        raise PermissionDenied("只有系统管理员或安全管理员可以管理用户")


@login_required
def users(request):
    _either_admin(request.user)
    rows = [
        (u, lock_until(u.username)) for u in User.objects.select_related("org").order_by("username")
    ]
    return render(
        request,
        "manage/users.html",
        {
            "rows": rows,
            "orgs": Org.objects.all(),
            "roles": Role.choices,
            "is_admin": request.user.has_role(Role.ADMIN),
            "is_security": request.user.has_role(Role.SECURITY),
            "shown": request.session.pop("fz_shown_password", None),
        },
    )


def _show_once(request, username: str, password: str) -> None:
    # kept in the session for the next page only, never in a message cookie or the log
    request.session["fz_shown_password"] = {"username": username, "password": password}


@login_required
@require_POST
def user_create(request):
    require_duty(request.user, Role.ADMIN)
    password = random_password()
    try:
        with transaction.atomic():
            user = add_user(
                request.POST.get("username", "").strip(),
                password,
                request.POST.get("role", ""),
                request.POST.get("org") or None,
                request.POST.get("name", "").strip()[:50],
                actor=request.user,
            )
    except RuleError as exc:
        messages.error(request, f"未创建：{exc.message}")
        return redirect("manage:users")
    _show_once(request, user.username, password)
    return redirect("manage:users")


@login_required
@require_POST
def user_reset(request, user_id):
    user = get_object_or_404(User, pk=user_id)
    _show_once(request, user.username, reset_password(request.user, user))
    return redirect("manage:users")


@login_required
@require_POST
def user_active(request, user_id):
    require_duty(request.user, Role.ADMIN)
    user = get_object_or_404(User, pk=user_id)
    if user == request.user:
        messages.error(request, "不能停用自己的账号")
        return redirect("manage:users")
    user.is_active = not user.is_active
    user.save(update_fields=["is_active"])
    record(request.user, "user.activate" if user.is_active else "user.deactivate", user)
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
