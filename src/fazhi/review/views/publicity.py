"""The public portal's publicity page (公示): the proposed lists during their period, with a
link to file an objection (公示异议) through the public complaint channel. No sign-in."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from fazhi.registers.catalog import PUBLICITY_OBJECTION

from .. import panel
from ..models import Campaign


def publicity(request):
    today = timezone.localdate()
    campaigns = Campaign.objects.filter(
        publicity_starts_on__lte=today, publicity_ends_on__gte=today
    ).select_related("province")
    lists = [(c, panel.proposed(c)) for c in campaigns]
    return render(
        request,
        "portal/publicity.html",
        {"lists": lists, "category": PUBLICITY_OBJECTION},
    )
