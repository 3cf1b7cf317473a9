"""What the enforcement pages share: the form state of a refused POST, file answers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from fazhi.core.errors import RuleError


def form_state(data: dict, exc: RuleError | None = None) -> dict:
    """values (everything typed, kept) and errors (field -> message) for the templates."""
    errors = getattr(exc, "errors", None) or ({exc.field: exc.message} if exc else {})
    return {"values": data, "errors": errors}


def post_data(request, multi: tuple[str, ...] = ()) -> dict:
    data = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
    for k in multi:
        if k in request.POST:
            data[k] = request.POST.getlist(k)
    return data


def file_response(name: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
