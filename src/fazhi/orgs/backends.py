from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from fazhi.audit.middleware import client_address

from .security import address_throttled, lock_until, note_attempt


class OrgModelBackend(ModelBackend):
    """Password sign-in with lockout; loads the user's org with the user (every scope
    check needs it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if address_throttled(client_address.get()):
            if request is not None:
                request.fazhi_throttled = True
            return None  # not counted against the name: one client cannot lock every account
        if lock_until(username):
            if request is not None:
                request.fazhi_locked = True
            note_attempt(username, False, client_address.get())
            return None  # the same refusal as a wrong password, even with the right one
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # Failures are noted by the user_login_failed receiver; successes here, and only
        # when no second factor follows (the second step records the complete sign-in).
        if user is not None and not user.totp_enabled:
            note_attempt(username, True, client_address.get())
        return user

    def get_user(self, user_id):
        try:
            user = get_user_model().objects.select_related("org").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
