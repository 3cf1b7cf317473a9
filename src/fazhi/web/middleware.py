"""Security headers on every response, and a limit on request size."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


NUL_MESSAGE = "提交的内容含有不允许的控制字符（NUL），请删除后重试"


def has_nul(request) -> bool:
    """A NUL in the path, the query, a form field or a JSON body (file contents may hold any byte).
    PostgreSQL cannot store it, and no legitimate text contains it."""
    if (
        "\x00" in request.path
        or "%00" in request.META.get("QUERY_STRING", "")
        or "\x00" in request.META.get("QUERY_STRING", "")
    ):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type.startswith("application/json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body.lower()
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return any("\x00" in v for values in request.POST.lists() for v in values[1])
    return False


SURROGATE_MESSAGE = "提交的内容含有无效的字符（不成对的 Unicode 代理项），请删除后重试"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def has_lone_surrogate(request) -> bool:
    """A JSON text (key or value) with a lone surrogate (\\ud800 not in a pair): no valid
    UTF-8 can store it, so it would fail deep inside a write. Forms and query strings are
    decoded by Django with replacement characters and cannot carry one."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if not request.META.get("CONTENT_TYPE", "").startswith("application/json"):
        return False
    body = request.body
    if b"\\u" not in body:  # only an escape can carry one
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False  # not JSON: the API answers that itself
    return any(_SURROGATE.search(s) for s in _strings(data))


class RejectNulMiddleware:
    """Refuses input with NUL characters or lone surrogates with a clear 400/422 before any
    view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = (
            NUL_MESSAGE
            if has_nul(request)
            else SURROGATE_MESSAGE
            if has_lone_surrogate(request)
            else None
        )
        if message:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=422)
            return HttpResponse(
                message.encode(), status=400, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.FAZHI_MAX_REQUEST_BYTES:
            limit = settings.FAZHI_MAX_REQUEST_BYTES // (1024 * 1024)
            return HttpResponse(
                f"请求过大：单次提交不能超过 {limit} MB".encode(),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault(
                "Cache-Control", "no-store"
            )  # pages with personal data stay out of caches
        return response
