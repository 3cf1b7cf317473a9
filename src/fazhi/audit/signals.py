"""Logins, failed logins and logouts go to the audit chain."""

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from .middleware import client_address
from .services import record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, "auth.login", object_type="user", object_id=str(user.pk))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, "auth.logout", object_type="user", object_id=str(user.pk))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is kept (it may be mistyped); the password never is.
    name = str(credentials.get("username", ""))[:150]
    record(name, "auth.login_failed", object_type="user", after={"username": name})
    # the backend noted a locked attempt itself; a throttled address counts against no name
    if not (getattr(request, "fazhi_locked", False) or getattr(request, "fazhi_throttled", False)):
        from fazhi.orgs.security import note_attempt

        note_attempt(name, False, client_address.get())
