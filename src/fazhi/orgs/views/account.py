"""Sign-in with lockout and two-factor step, password change, two-factor enrolment."""

from __future__ import annotations

import io
import time

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fazhi.audit.middleware import client_address
from fazhi.core import totp
from fazhi.core.errors import RuleError

from ..middleware import AUTH_AT, SEEN
from ..models import User
from ..security import disable_totp, enable_totp, lock_until, second_factor_step
from ..services import change_password

PENDING = "fz_pending_user"
ISSUER = "法治示范区平台"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


def _finish_login(request, user):
    auth_login(request, user, backend="fazhi.orgs.backends.OrgModelBackend")
    now = time.time()
    request.session[AUTH_AT] = request.session[SEEN] = now
    return redirect(_next(request))


def login_view(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = AuthenticationForm(request, data=request.POST or None)
    locked = throttled = False
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            if user.totp_enabled:
                request.session[PENDING] = user.pk
                return redirect(f"/login/otp/?next={_next(request)}")
            return _finish_login(request, user)
        throttled = getattr(request, "fazhi_throttled", False)
        locked = not throttled and (
            getattr(request, "fazhi_locked", False)
            or bool(lock_until(request.POST.get("username", "")))
        )
    return render(
        request,
        "account/login.html",
        {"form": form, "locked": locked, "throttled": throttled, "next": _next(request)},
    )


def otp_view(request):
    user = User.objects.filter(pk=request.session.get(PENDING)).first()
    if user is None:
        return redirect("/login/")
    error = None
    if request.method == "POST":
        if second_factor_step(user, request.POST.get("code", ""), client_address.get()):
            del request.session[PENDING]
            return _finish_login(request, user)
        if lock_until(user.username):
            error = "登录失败次数过多，账户已临时锁定，请稍后再试"
        else:
            error = "验证码不正确或已使用，请输入验证器应用中当前的 6 位数字，或一个未用过的恢复码"
    return render(request, "account/otp.html", {"error": error, "next": _next(request)})


@login_required
def password_view(request):
    error = None
    if request.method == "POST":
        new, again = request.POST.get("new_password", ""), request.POST.get("new_password2", "")
        try:
            if new != again:
                raise RuleError("new_password2", "两次输入的新密码不一致")
            change_password(request.user, request.POST.get("old_password", ""), new)
        except RuleError as exc:
            error = exc
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("/")
    reason = "首次登录或管理员重置后，须先修改密码" if request.user.must_change_password else ""
    return render(request, "account/password.html", {"error": error, "reason": reason})


def _qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=False, border=2)
    return out.getvalue().decode()


@login_required
def twofactor_view(request):
    user = request.user
    ctx = {"required": user.needs_totp}
    if user.totp_enabled:
        ctx["enabled"] = True
        ctx["spare"] = user.recovery_codes.filter(used_at__isnull=True).count()
        return render(request, "account/2fa.html", ctx)
    secret = request.session.get("fz_totp_secret") or totp.new_secret()
    request.session["fz_totp_secret"] = secret
    if request.method == "POST":
        try:
            codes = enable_totp(user, secret, request.POST.get("code", ""))
        except RuleError as exc:
            ctx["error"] = exc
        else:
            del request.session["fz_totp_secret"]
            return render(request, "account/2fa_codes.html", {"codes": codes})
    uri = totp.provisioning_uri(secret, user.username, ISSUER)
    ctx.update({"secret": secret, "qr": _qr_svg(uri)})
    return render(request, "account/2fa.html", ctx)


@login_required
@require_POST
def twofactor_disable(request):
    if request.user.needs_totp:
        messages.error(request, "管理员账号必须启用双因素认证，不能关闭")
    else:
        disable_totp(request.user, request.user)
        messages.success(request, "已关闭双因素认证")
    return redirect("account:2fa")
