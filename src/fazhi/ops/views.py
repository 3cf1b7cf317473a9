from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .middleware import RETRY_AFTER, close_broken_connections


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} when the database answers, 503 otherwise. No login, no data."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except DatabaseError:
        close_broken_connections()
        response = JsonResponse({"status": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok"})
