"""Public pages of the registers (no sign-in): the landing page, the two intake forms and
the tracker. Every rule, the challenge and the rate limits are registers.public's; these
views only show its questions, its refusals (next to their fields) and its answers."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from fazhi.audit.middleware import address_of
from fazhi.core.errors import RuleError
from fazhi.registers import catalog, public, speech, states

# The form fields each kind sends to public.submit (besides the challenge).
FIELDS = {
    states.DISCLOSURE: (
        "zone",
        "applicant_kind",
        "name",
        "id_number",
        "phone",
        "email",
        "address",
        "subject",
        "content",
        "delivery",
    ),
    states.COMPLAINT: (
        "zone",
        "anonymous",
        "name",
        "phone",
        "email",
        "address",
        "category",
        "subject",
        "content",
        "respondent",
    ),
}
TITLES = {states.DISCLOSURE: "申请政府信息公开", states.COMPLAINT: "投诉举报"}
# Refusals of inputs the form shows elsewhere: the token beside the answer, a file's
# (an upload refused as evidence would be) beside the file input.
SHOWN_AT = {"challenge_token": "challenge_answer", "file": "files"}


def _limited(request, exc: public.RateLimited):
    """The friendly 429 page, with Retry-After."""
    until = timezone.localtime() + timedelta(seconds=exc.retry_after)
    response = render(
        request,
        "portal/limited.html",
        {
            "message": exc.message,
            "minutes": math.ceil(exc.retry_after / 60),
            "until": until,
        },
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def landing(request):
    zones = public.public_zones()
    return render(request, "portal/landing.html", {"zones": zones})


def audio_url(token: str) -> str:
    """Where the challenge is read aloud ("" when no speech engine is installed)."""
    if not speech.available():
        return ""
    return reverse("portal:challenge-audio") + "?" + urlencode({"token": token})


def _challenge(request):
    """A fresh challenge when it is on (None when off); RateLimited passes through."""
    if not public.challenge_on():
        return None
    challenge = public.issue_challenge(address_of(request))
    return {**challenge, "audio_url": audio_url(challenge["token"])}


@require_GET
def challenge_audio(request):
    """The challenge's sum spoken in Mandarin (WAV), for people who cannot see the drawing."""
    try:
        audio = public.challenge_audio(request.GET.get("token", ""), address_of(request))
    except public.RateLimited as exc:
        return _limited(request, exc)
    except RuleError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    except speech.SpeechUnavailable as exc:
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(audio, content_type="audio/wav")
    response["Content-Disposition"] = 'inline; filename="challenge.wav"'
    response["Cache-Control"] = "no-store"
    return response


def _intake(request, kind: str):
    zones = public.public_zones(kind)
    form = {
        "values": {"applicant_kind": "person", "category": "complaint"},
        "errors": {},
        "top": "",
    }
    if len(zones) == 1:
        form["values"]["zone"] = zones[0]["code"]
    # A link may preselect the zone and the category (the publicity page's 公示异议 link).
    if request.GET.get("zone") in {z["code"] for z in zones}:
        form["values"]["zone"] = request.GET["zone"]
    if kind == states.COMPLAINT and request.GET.get("category") in catalog.COMPLAINT_CATEGORIES:
        form["values"]["category"] = request.GET["category"]
    status = 200
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in FIELDS[kind]}
        if kind == states.COMPLAINT:
            data["anonymous"] = "1" if request.POST.get("anonymous") else ""
        form["values"] = data
        if public.challenge_on():
            data = {
                **data,
                "challenge_token": request.POST.get("challenge_token", ""),
                "challenge_answer": request.POST.get("challenge_answer", ""),
            }
        try:
            receipt = public.submit(
                kind, data, address=address_of(request), files=request.FILES.getlist("files")
            )
        except public.RateLimited as exc:
            return _limited(request, exc)
        except RuleError as exc:
            status = 422
            for name, message in getattr(exc, "errors", {exc.field: exc.message}).items():
                field = SHOWN_AT.get(name, name)
                if field in FIELDS[kind] or field in ("files", "challenge_answer"):
                    form["errors"].setdefault(field, message)
                else:
                    form["top"] = form["top"] or message
        else:
            return render(
                request,
                "portal/receipt.html",
                {
                    "receipt": receipt,
                    "kind": kind,
                    "title": TITLES[kind],
                    "notice": receipt.as_dict()["notice"],
                },
                status=200,
            )
    try:
        challenge = _challenge(request)
    except public.RateLimited as exc:
        return _limited(request, exc)
    return render(
        request,
        "portal/intake.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "zones": zones,
            "form": form,
            "challenge": challenge,
            "applicant_kinds": catalog.APPLICANT_KINDS,
            "delivery": catalog.DELIVERY,
            "categories": catalog.COMPLAINT_CATEGORIES,
            "error_count": len(form["errors"]) + (1 if form["top"] else 0),
            "had_files": request.method == "POST" and bool(request.FILES),
            "max_files": public.max_files(),
            "max_upload_mb": f"{settings.FAZHI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    return _intake(request, states.COMPLAINT)


@require_http_methods(["GET", "POST"])
def disclosure_new(request):
    return _intake(request, states.DISCLOSURE)


@require_http_methods(["GET", "POST"])
def track(request):
    """The number and the code are posted, never put in the address (it would reach logs)."""
    values = {"tracking_no": "", "code": ""}
    result, error, status = None, "", 200
    if request.method == "POST":
        values = {"tracking_no": request.POST.get("tracking_no", "").strip()[:40], "code": ""}
        try:
            result = public.track(
                values["tracking_no"], request.POST.get("code", ""), address=address_of(request)
            )
        except public.RateLimited as exc:
            return _limited(request, exc)
        except (public.NotFound, RuleError):
            error, status = public.NOT_FOUND_MESSAGE, 404
    return render(
        request,
        "portal/track.html",
        {"values": values, "result": result, "error": error},
        status=status,
    )
