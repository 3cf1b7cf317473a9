"""Remember the client address of the current request, for the audit log."""

from __future__ import annotations

import contextvars

from django.conf import settings

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def address_of(request) -> str:
    if getattr(settings, "FAZHI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
