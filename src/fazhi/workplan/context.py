"""Template context: the count of the user's unread reminders for the navigation bar."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def reminders(request) -> dict:
    """One query, and only on a page that shows the count; none for an anonymous visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .models import Notification

        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_reminders": SimpleLazyObject(count)}
