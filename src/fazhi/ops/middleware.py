"""A database outage answers 503 with a clear message instead of a 500, and heals itself.

When the database cannot be reached (a connect that fails, or a connection the server
dropped), pages get a Chinese 503 page and /api/ paths get {"detail": ...} JSON, both
with Retry-After. The broken connection is closed, so the next request connects afresh:
when the database is back, the app is back, without a restart.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static

logger = logging.getLogger("fazhi.ops")

MESSAGE = "数据库暂时不可用，请稍后重试"
RETRY_AFTER = 30
_FLAG = "_fazhi_db_unavailable"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>服务暂时不可用 · 科技创新法治示范区创建管理平台</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<header class="topbar"><span class="brand">科技创新法治示范区创建管理平台</span></header>
<main id="main">
<section class="card narrow" role="alert"><h1>服务暂时不可用</h1>
<p>{message}。</p>
<p>系统暂时无法连接数据库，刚才的操作没有保存。本页将在 {retry} 秒后自动刷新；如果持续出现，请联系系统管理员。</p>
</section>
</main>
</body>
</html>
"""


def is_connection_failure(exc: BaseException) -> bool:
    """True when the database could not be reached: the connect failed, or the server
    dropped the connection. A query error on a healthy connection is not an outage."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    raw = connections[DEFAULT_DB_ALIAS].connection
    if raw is None:  # the connect itself failed
        return True
    return bool(getattr(raw, "broken", False) or getattr(raw, "closed", False))


def close_broken_connections() -> None:
    """Forget a connection the server dropped, so the next request reconnects."""
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None:
            continue
        if getattr(raw, "broken", False) or getattr(raw, "closed", False) or not _usable(conn):
            try:
                conn.close()
            except Exception:
                conn.connection = None


def _usable(conn) -> bool:
    try:
        return conn.is_usable()
    except Exception:
        return False


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/healthz"):
        response = JsonResponse({"status": "unavailable"}, status=503)
    elif request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        page = PAGE.format(message=MESSAGE, retry=RETRY_AFTER, css=static("css/app.css"))
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # This response may bypass the inner middleware that adds these.
    response.setdefault("X-Content-Type-Options", "nosniff")
    response.setdefault("X-Frame-Options", "DENY")
    response.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
    return response


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE, so it sees what every other layer lets through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            if not is_connection_failure(exc):
                raise
            return self._unavailable(request, exc)
        if response.status_code >= 500 and getattr(request, _FLAG, None) is not None:
            # Another layer turned the failure into an error page already.
            return self._unavailable(request, getattr(request, _FLAG))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) and is_connection_failure(
            exception
        ):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, exc) -> HttpResponse:
        logger.warning(
            "数据库不可用（%s %s）：%s", request.method, request.path, str(exc).strip()[:300]
        )
        close_broken_connections()
        return unavailable_response(request)


def _note_failure(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and is_connection_failure(exc):
        setattr(request, _FLAG, exc)


def connect_signals() -> None:
    got_request_exception.connect(_note_failure, dispatch_uid="fazhi.ops.db_unavailable")
