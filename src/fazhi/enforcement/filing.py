"""层级监督: a major penalty decision reported to the body above (报送备案, a step of the case)
and its review there (备案审查) by the city bureau or the province department."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import enforcement as enf
from fazhi.core.validate import text
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Role
from fazhi.registers import clock
from fazhi.workplan.supervision import notify, zone_office

from . import access
from .models import EnforcementCase


@transaction.atomic
def review_filing(actor, case_id: int, data: dict, today: date | None = None) -> EnforcementCase:
    """备案审查 by the body above (the city or the province reviewing the zone): once, audited,
    the zone's office told."""
    today = today or clock.today()
    case = (
        EnforcementCase.objects.select_for_update()
        .select_related("zone", "department")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not access.can_see(actor, case.zone, case.department_id):
        raise Http404("执法案件不存在或无权查看")
    if not (
        actor.has_role(Role.REVIEWER)
        and in_scope(actor, case.zone)
        and actor.org_id != case.zone_id
    ):
        raise PermissionDenied("备案审查由上级机关（市科技局、省科技厅）进行")
    result = str(data.get("result") or "")
    opinion = text(data.get("opinion"), "opinion", "审查意见", limit=2000)
    enf.check_filing_review(bool(case.reported_on), bool(case.filing_result), result, opinion)
    case.filing_result, case.filing_opinion = result, opinion
    case.filing_reviewed_on, case.filing_reviewer = today, actor
    case.version += 1
    case.save()
    record(
        actor, "enforcement.case.filing_review", case, after={"result": result, "opinion": opinion}
    )
    notify(
        zone_office(case.department),
        f"enforcement-filing:{case.pk}",
        f"执法案件 {case.number} 备案审查结论：{enf.FILING_RESULTS[result]}"
        + (f"。意见：{opinion[:60]}" if opinion else ""),
        url=f"/enforcement/cases/{case.pk}/",
    )
    return case
