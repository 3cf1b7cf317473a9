"""Reminders of the decision-making registers, sent from `fazhi tick` once per event:
filings due within 5 working days or overdue, documents expiring within 60 days, cleanup due,
comment periods ending within 5 working days, legality reviews due or past due."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.workplan.supervision import department_staff, notify, zone_office

from .models import MajorDecision, NormativeDocument

DUE_WORKDAYS = 5
EXPIRING_DAYS = 60


def _who(record) -> list:
    staff = department_staff(record.department) if record.department_id else []
    return staff + zone_office(record.zone)


def remind_due(today: date, cal) -> int:
    """Returns the number of reminders sent (each event once per user)."""
    cal = cal.tentative()
    horizon = cal.add_workdays(today, DUE_WORKDAYS)
    sent = 0
    docs = NormativeDocument.objects.select_related("zone", "department")
    for doc in docs.filter(state=nd.PUBLISHED, filing_due__lte=horizon):
        late = doc.filing_due < today
        text = f"规范性文件《{doc.title}》（{doc.doc_no}）" + (
            f"已超过报送备案期限 {doc.filing_due}，请立即报送"
            if late
            else f"须于 {doc.filing_due} 前报送备案"
        )
        key = f"normative-filing:{doc.pk}:{'late' if late else 'due'}:{doc.filing_due}"
        sent += len(notify(_who(doc), key, text, url=reverse("decisions:document", args=[doc.pk])))
    expiring = docs.filter(
        state__in=(nd.PUBLISHED, nd.FILED, nd.RETURNED, nd.ACCEPTED),
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=EXPIRING_DAYS),
    )
    for doc in expiring:
        text = f"规范性文件《{doc.title}》（{doc.doc_no}）有效期至 {doc.valid_until}，请及时评估是否延续或修订"
        key = f"normative-expiring:{doc.pk}:{doc.valid_until}"
        sent += len(notify(_who(doc), key, text, url=reverse("decisions:document", args=[doc.pk])))
    try:
        two_years_ago = today.replace(year=today.year - nd.CLEANUP_EVERY_YEARS)
    except ValueError:  # 29 February
        two_years_ago = today.replace(year=today.year - nd.CLEANUP_EVERY_YEARS, day=28)
    cleanup = docs.filter(
        state__in=(nd.PUBLISHED, nd.FILED, nd.RETURNED, nd.ACCEPTED),
        published_on__lte=two_years_ago,
    ).exclude(last_cleanup_on__gt=two_years_ago)
    for doc in cleanup:
        due = nd.cleanup_due(doc.published_on, doc.last_cleanup_on)
        text = f"规范性文件《{doc.title}》（{doc.doc_no}）已到清理期限（{due}），请作出继续有效、修改、废止或失效的结论"
        key = f"normative-cleanup:{doc.pk}:{due}"
        sent += len(notify(_who(doc), key, text, url=reverse("decisions:document", args=[doc.pk])))
    decisions = MajorDecision.objects.select_related("zone", "department").exclude(
        state__in=("decided", "published", "archived")
    )
    for d in decisions.filter(comment_end__gte=today, comment_end__lte=horizon):
        if ds.PARTICIPATION in d.done:
            continue
        text = f"重大行政决策《{d.title}》公开征求意见将于 {d.comment_end} 截止，请汇总处理意见"
        key = f"decision-comment:{d.pk}:{d.comment_end}"
        sent += len(notify(_who(d), key, text, url=reverse("decisions:decision", args=[d.pk])))
    for d in decisions.filter(review_due__lte=horizon):
        if ds.LEGALITY in d.done:
            continue
        late = d.review_due < today
        text = f"重大行政决策《{d.title}》合法性审查" + (
            f"已超过期限 {d.review_due}，尚无审查意见"
            if late
            else f"期限为 {d.review_due}，尚无审查意见"
        )
        key = f"decision-review:{d.pk}:{'late' if late else 'due'}:{d.review_due}"
        sent += len(notify(_who(d), key, text, url=reverse("decisions:decision", args=[d.pk])))
    return sent
