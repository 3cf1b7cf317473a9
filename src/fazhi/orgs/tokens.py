"""API tokens: sign-in for a token, issue within the security administrator's limits, list
and revoke one's own, and change a password without a browser."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from fazhi.audit.middleware import client_address
from fazhi.audit.services import record
from fazhi.core.errors import RuleError

from .middleware import password_expired
from .models import ApiToken, TokenPolicy
from .security import second_factor_step
from .services import change_password, require_duty, revoke_tokens


class SignInRefused(Exception):
    """status 401 or 403 with a Chinese message (and the field at fault, if any)."""

    def __init__(self, status: int, detail: str, field: str = ""):
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field

    def body(self) -> dict:
        return {"detail": self.detail, **({"field": self.field} if self.field else {})}


def sign_in(request, username: str, password: str, otp: str):
    """Both factors, with the lockouts of the sign-in page. Returns the user or raises."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "fazhi_throttled", False):
            raise SignInRefused(429, "本地址登录失败次数过多，请稍后再试")
        if getattr(request, "fazhi_locked", False):
            raise SignInRefused(401, "登录失败次数过多，账户已临时锁定，请稍后再试")
        raise SignInRefused(401, "用户名或密码错误")
    if user.totp_enabled and not second_factor_step(user, otp, client_address.get()):
        raise SignInRefused(401, "请提供正确的双因素验证码 otp", "otp")
    return user


def check_request(name: str, scope: str, hours: int | None) -> TokenPolicy:
    policy = TokenPolicy.current()
    if len(name) > 50:
        raise RuleError("name", f"令牌名称最长 50 字（当前 {len(name)} 字）")
    if hours is not None and not 1 <= hours <= policy.max_hours:
        raise RuleError("hours", f"有效期须为 1 至 {policy.max_hours} 小时（安全管理员设定）")
    if scope not in ApiToken.Scope.values:
        raise RuleError("scope", "权限须为 read（只读）或 write（读写）")
    if scope == ApiToken.Scope.WRITE and not policy.allow_write:
        raise RuleError("scope", "安全管理员只允许签发只读令牌（scope 须为 read）")
    return policy


@transaction.atomic
def issue(user, name: str = "", scope: str = "write", hours: int | None = None) -> str:
    if user.must_change_password or password_expired(user):
        raise SignInRefused(
            403, "请先修改密码（POST /api/v1/auth/password 或网页），再获取令牌", "password"
        )
    if user.needs_totp and not user.totp_enabled:
        raise SignInRefused(403, "管理员账号须先在网页上启用双因素认证")
    policy = check_request(name, scope, hours)
    raw = ApiToken.issue(user, name=name, scope=scope, hours=hours or policy.max_hours)
    record(
        user,
        "auth.token",
        object_type="user",
        object_id=str(user.pk),
        after={"name": name, "scope": scope, "hours": hours or policy.max_hours},
    )
    return raw


def own_tokens(user):
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at")


@transaction.atomic
def revoke_own(user, token_id: int | None = None) -> int:
    """Revoke one of the user's tokens, or all of them (token_id None)."""
    if token_id is None:
        return revoke_tokens(user, user, "本人撤销")
    n, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if n:
        record(user, "auth.token_revoked", object_type="orgs.apitoken", object_id=str(token_id))
    return n


def change_password_by_api(request, username: str, password: str, new_password: str, otp: str):
    # no outer transaction: a refused sign-in must still count towards the lockout
    user = sign_in(request, username, password, otp)
    change_password(user, password, new_password)
    return user


@transaction.atomic
def set_policy(actor, max_hours: int, allow_write: bool) -> TokenPolicy:
    """The security administrator's limits on tokens issued from now on."""
    require_duty(actor, "security")
    if not 1 <= max_hours <= 24 * 90:
        raise RuleError("max_hours", "最长有效期须为 1 至 2160 小时（90 天）")
    policy = TokenPolicy.current()
    before = {"max_hours": policy.max_hours, "allow_write": policy.allow_write}
    policy.max_hours, policy.allow_write = max_hours, allow_write
    policy.save()
    record(
        actor,
        "auth.token_policy",
        policy,
        before=before,
        after={"max_hours": max_hours, "allow_write": allow_write},
    )
    return policy
