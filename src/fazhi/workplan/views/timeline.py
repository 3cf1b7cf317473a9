"""The timeline (甘特图) of a plan, drawn on the server."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.core import lights
from fazhi.orgs.models import Role

from .. import selectors
from . import common
from .common import SUPERVISORS, due_of, has_any_role, light_color, require_business, visible_ids

# ---------------------------------------------------------------- timeline (甘特图)

TL_WIDTH, TL_LABEL, TL_RIGHT, TL_HEAD, TL_ROW = 1200, 400, 20, 36, 34


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def timeline_geometry(rows, day: date) -> dict:
    """Numbers for the server-drawn chart: one bar per dated task, month ticks, today."""
    dated = [r for r in rows if due_of(r.task)]
    if not dated:
        return {"bars": [], "ticks": [], "today_x": None, "width": TL_WIDTH, "height": TL_HEAD + 20}
    first = min(min(r.task.start_date or due_of(r.task), due_of(r.task)) for r in dated)
    last = max(due_of(r.task) for r in dated)
    first, last = min(first, day), max(last, day)
    lo, hi = _month_start(first), _next_month(last)
    span = (hi - lo).days
    x0, x1 = TL_LABEL + 10, TL_WIDTH - TL_RIGHT
    scale = (x1 - x0) / span

    def x(d: date) -> float:
        return round(x0 + (d - lo).days * scale, 1)

    months = []
    m = lo
    while m < hi:
        months.append(m)
        m = _next_month(m)
    step = 1 if len(months) <= 14 else 2 if len(months) <= 28 else 3
    ticks = [
        {
            "x": x(m),
            "label": f"{m.year}年{m.month}月" if (i == 0 or m.month == 1) else f"{m.month}月",
        }
        for i, m in enumerate(months)
        if i % step == 0
    ]
    bars = []
    for i, r in enumerate(dated):
        t, due = r.task, due_of(r.task)
        start = t.start_date if t.start_date and t.start_date <= due else None
        left = x(start) if start else x(due) - 3
        right = x(due + timedelta(days=1)) if start else x(due) + 3
        top = TL_HEAD + i * TL_ROW
        label = {
            lights.RED: "红灯",
            lights.YELLOW: "黄灯",
            lights.GREEN: "绿灯",
            lights.DONE: "已办结",
        }.get(r.light.color if r.light else "", "未定时限")
        lead = t.lead_org.name if t.lead_org_id else "未分配牵头单位"
        span_text = f"{start} 至 {due}" if start else f"完成时限 {due}（未设开始时间）"
        bars.append(
            {
                "task": t,
                "light": r.light,
                "color": light_color(r.light),
                "x": left,
                "width": round(max(right - left, 6), 1),
                "y": top + 8,
                "height": TL_ROW - 16,
                "row_y": top,
                "text_y": top + 15,
                "sub_y": top + 29,
                "mid_y": top + TL_ROW / 2,
                "name": _short(f"{t.number} {t.title}", 24),
                "sub": _short(f"{label}：{r.light.reason if r.light else ''} · {lead}", 34),
                "title": f"{t.number} {t.title}：{span_text}，{label}（{r.light.reason if r.light else '未定时限'}），牵头单位 {lead}，进度 {t.progress}%",
                "status": label,
                "span_text": span_text,
                "lead": lead,
            }
        )
    height = TL_HEAD + len(dated) * TL_ROW + 10
    today_x = x(day) if lo <= day < hi else None
    return {
        "bars": bars,
        "ticks": ticks,
        "today_x": today_x,
        "width": TL_WIDTH,
        "height": height,
        "x0": x0,
        "x1": x1,
        "grid_bottom": height - 4,
    }


@login_required
def plan_timeline(request, plan_id):
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    day = common.today()
    visible = visible_ids(request.user, plan)
    rows = [r for r in selectors.task_rows(plan, day) if r.task.pk in visible]
    return render(
        request,
        "workplan/timeline.html",
        {
            "plan": plan,
            "today": day,
            "chart": timeline_geometry(rows, day),
            "is_office": has_any_role(request.user, Role.OFFICE),
            "is_supervisor": has_any_role(request.user, *SUPERVISORS),
        },
    )
