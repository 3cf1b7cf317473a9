"""Sign-in security: lockout after repeated failures, the login log, two-factor codes."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import totp

from .models import LoginAttempt, RecoveryCode, Role


def _locked_by(failures: list, now, window: timedelta) -> object | None:
    """When threshold failures within the window lock until (in the future), or None."""
    threshold = settings.FAZHI_LOCKOUT_THRESHOLD
    failures = sorted(failures)
    for i in range(len(failures) - threshold + 1):
        if failures[i + threshold - 1] - failures[i] <= window:
            until = failures[i + threshold - 1] + timedelta(minutes=settings.FAZHI_LOCKOUT_MINUTES)
            if until > now:
                return until
    return None


def lock_until(username: str, now=None):
    """When a name's lock ends, or None. Five password failures, or five second-factor
    failures, within the window lock it. The two are counted apart, and only a complete
    sign-in (both factors) or an unlock starts the count again: a correct password alone
    never wipes out wrong codes. Unknown names lock the same way, so the answer never
    tells whether an account exists."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.FAZHI_LOCKOUT_WINDOW_MINUTES)
    attempts = LoginAttempt.objects.filter(
        username=username,
        at__gte=now - window - timedelta(minutes=settings.FAZHI_LOCKOUT_MINUTES),
    ).order_by("-at")
    by_kind: dict[bool, list] = {False: [], True: []}
    for at, success, second in attempts.values_list("at", "success", "second_factor")[:100]:
        if success:
            break
        by_kind[second].append(at)
    ends = [u for u in (_locked_by(f, now, window) for f in by_kind.values()) if u]
    return max(ends) if ends else None


def address_throttled(ip: str, now=None) -> bool:
    """Too many failed sign-ins from one address: further attempts from it are refused before
    any password is checked and count against no account, so one client cannot lock every
    account. Kept in the database, so every app process sees the same count."""
    if not ip:
        return False
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.FAZHI_LOCKOUT_WINDOW_MINUTES)
    failures = LoginAttempt.objects.filter(ip=ip[:64], at__gte=since, success=False).count()
    return failures >= settings.FAZHI_LOGIN_ADDRESS_LIMIT


def note_attempt(
    username: str, success: bool, ip: str = "", *, second_factor: bool = False
) -> None:
    """Log an attempt; the failure that reaches the threshold locks the name (audited)."""
    was_locked = not success and lock_until(username) is not None
    LoginAttempt.objects.create(
        username=username[:150],
        success=success,
        ip=ip[:64],
        at=timezone.now(),
        second_factor=second_factor,
    )
    if not success and not was_locked and lock_until(username):
        record(
            username[:150],
            "auth.lockout",
            object_type="user",
            after={"username": username, "minutes": settings.FAZHI_LOCKOUT_MINUTES},
        )


def second_factor_step(user, code: str, ip: str) -> bool:
    """The second step of a sign-in (pages and API alike): refused while the name is locked;
    a wrong code is counted as a second-factor failure; a right one completes the sign-in."""
    if lock_until(user.username):
        return False
    if check_second_factor(user, code):
        note_attempt(user.username, True, ip, second_factor=True)
        return True
    note_attempt(user.username, False, ip, second_factor=True)
    record(user.username, "auth.2fa_failed", object_type="user", object_id=str(user.pk))
    return False


@transaction.atomic
def unlock(actor, username: str) -> None:
    from .models import User
    from .services import check_duty, require_duty

    require_duty(actor, Role.SECURITY)
    user = User.objects.filter(username=username).first()
    if user is not None:
        check_duty(actor, "unlock", user)
    LoginAttempt.objects.create(username=username, success=True, ip="(unlock)", at=timezone.now())
    record(actor, "auth.unlock", object_type="user", after={"username": username})


def _digest(code: str) -> str:
    return hashlib.new("sm3", code.strip().lower().encode()).hexdigest()


def check_second_factor(user, code: str) -> bool:
    """A current TOTP code (not used before) or an unused recovery code."""
    code = (code or "").strip()
    step = (
        totp.verify(user.totp_secret, code, time.time(), user.totp_last_step)
        if user.totp_secret
        else None
    )
    if step is not None:
        user.totp_last_step = step
        user.save(update_fields=["totp_last_step"])
        return True
    spare = RecoveryCode.objects.filter(
        user=user, digest=_digest(code), used_at__isnull=True
    ).first()
    if spare:
        spare.used_at = timezone.now()
        spare.save(update_fields=["used_at"])
        record(user, "auth.recovery_code_used", object_type="user", object_id=str(user.pk))
        return True
    return False


@transaction.atomic
def enable_totp(user, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on once the user proves the app works; returns recovery codes (shown once)."""
    from fazhi.core.errors import RuleError

    step = totp.verify(secret, code, time.time())
    if step is None:
        raise RuleError("code", "验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字")
    user.totp_secret, user.totp_enabled, user.totp_last_step = secret, True, step
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=_digest(c)) for c in codes])
    record(user, "auth.2fa_enable", object_type="user", object_id=str(user.pk))
    return codes


@transaction.atomic
def disable_totp(actor, user) -> None:
    user.totp_secret, user.totp_enabled, user.totp_last_step = "", False, 0
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    RecoveryCode.objects.filter(user=user).delete()
    record(actor, "auth.2fa_disable", object_type="user", object_id=str(user.pk))
