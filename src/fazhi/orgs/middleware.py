"""Session rules for pages: idle and absolute timeouts, a forced password change, and
two-factor enrolment for the administrative roles."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone

AUTH_AT, SEEN = "fz_auth_at", "fz_seen"
# Pages a user may reach while a password change or enrolment is pending.
OPEN_PREFIXES = ("/account/", "/logout/", "/login/", "/static/", "/api/", "/healthz")


def password_expired(user) -> bool:
    days = settings.FAZHI_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return (timezone.now() - user.password_changed_at).days >= days


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # the API authenticates by token: its requests never load a session
        if not request.path.startswith("/api/") and user is not None and user.is_authenticated:
            stop = self._check(request, user)
            if stop is not None:
                return stop
        return self.get_response(request)

    def _check(self, request, user):
        now = time.time()
        session = request.session
        auth_at = session.setdefault(AUTH_AT, now)
        seen = session.get(SEEN, now)
        if (
            now - seen > settings.FAZHI_SESSION_IDLE_MINUTES * 60
            or now - auth_at > settings.FAZHI_SESSION_MAX_HOURS * 3600
        ):
            logout(request)
            messages.info(request, "会话已超时，请重新登录")
            return redirect(f"{settings.LOGIN_URL}?next={request.path}")
        if now - seen > 60:  # write the session at most once a minute, not on every request
            session[SEEN] = now
        if request.path.startswith(OPEN_PREFIXES):
            return None
        if user.must_change_password or password_expired(user):
            return redirect("account:password")
        if user.needs_totp and not user.totp_enabled:
            return redirect("account:2fa")
        return None
