"""The public 公示 of enforcement decisions (行政处罚决定公示): parties masked."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in

from .. import selectors


@require_GET
def decisions(request):
    try:
        page_no = int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)
    except RuleError:
        page_no = 1
    page = selectors.published((request.GET.get("zone") or "")[:40], page_no)
    return render(
        request,
        "enforcement/public.html",
        {
            "page": page,
            "prev_page": page.page - 1 if page.page > 1 else None,
            "next_page": page.page + 1 if page.page < page.pages else None,
        },
    )
