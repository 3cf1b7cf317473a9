"""Bearer tokens for the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja.security import HttpBearer

from fazhi.orgs.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user__org")
            .filter(
                digest=ApiToken.digest_of(token),
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        if row.scope == ApiToken.Scope.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise PermissionDenied("该令牌为只读令牌，不能用于修改数据")
        request.user = row.user  # services take the user from here, as for pages
        return row.user
