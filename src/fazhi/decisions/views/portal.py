"""Public pages (no sign-in): the catalogues of valid, abolished and expired normative
documents of a zone, and its published 决策事项目录."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.core import normative as nd
from fazhi.orgs.models import Org

from .. import selectors
from ..models import DecisionCatalogue, MajorDecision
from .common import today


def _zone(code) -> Org:
    zone = Org.objects.filter(code=code, kind=Org.Kind.ZONE).first()
    if zone is None:
        raise Http404("园区不存在")
    return zone


@require_GET
def documents(request, zone_code):
    zone = _zone(zone_code)
    day = today()
    lists = [
        (key, nd.VALIDITY[key], selectors.public_catalogue(zone, key, day))
        for key in (nd.VALID, nd.V_ABOLISHED, nd.V_EXPIRED)
    ]
    return render(
        request, "decisions/portal_documents.html", {"zone": zone, "lists": lists, "today": day}
    )


@require_GET
def decisions(request, zone_code):
    zone = _zone(zone_code)
    day = today()
    cats = list(
        DecisionCatalogue.objects.filter(zone=zone, published_on__lte=day).order_by("-year")
    )
    items = {}
    for title, cat_id, state, dept in (
        MajorDecision.objects.filter(catalogue__in=cats)
        .order_by("launched_on", "id")
        .values_list("title", "catalogue_id", "state", "department__name")
    ):
        items.setdefault(cat_id, []).append((title, dept, state))
    return render(
        request,
        "decisions/portal_decisions.html",
        {"zone": zone, "cats": [(c, items.get(c.pk, [])) for c in cats]},
    )
