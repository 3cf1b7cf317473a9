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
from .common import page_no, today


def _zone(code) -> Org:
    zone = Org.objects.filter(code=code, kind=Org.Kind.ZONE).first()
    if zone is None:
        raise Http404("园区不存在")
    return zone


LISTS = (nd.VALID, nd.V_ABOLISHED, nd.V_EXPIRED)


@require_GET
def documents(request, zone_code):
    """The three catalogues, one shown at a time (?list=valid|abolished|expired, ?page=)."""
    zone = _zone(zone_code)
    day = today()
    shown = request.GET.get("list") if request.GET.get("list") in LISTS else nd.VALID
    counts = selectors.catalogue_counts(zone, day)
    page = selectors.public_catalogue(zone, shown, day, page_no(request))
    return render(
        request,
        "decisions/portal_documents.html",
        {
            "zone": zone,
            "today": day,
            "tabs": [(key, nd.VALIDITY[key], counts[key]) for key in LISTS],
            "shown": shown,
            "shown_label": nd.VALIDITY[shown],
            "page": page,
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
            "query": f"list={shown}",
        },
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
