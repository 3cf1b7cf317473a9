"""层级监督: a major penalty decision, or a reconsideration decision, reported to the body above
(报送备案, a step of the case) and its review there (备案审查) by the city bureau or the province
department. One review for both kinds of decision."""

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
from .models import EnforcementCase, Reconsideration


def may_review(user, obj) -> bool:
    """Whether `user` is the body above that may review this reported decision now: a
    reviewer (市科技局、省科技厅) whose scope holds the zone, not the zone itself."""
    return bool(
        obj.reported_on
        and not obj.filing_result
        and user.has_role(Role.REVIEWER)
        and in_scope(user, obj.zone)
        and user.org_id != obj.zone_id
    )


def _review(actor, obj, data: dict, today: date, *, action: str, what: str, url: str, to, key):
    if not (
        actor.has_role(Role.REVIEWER) and in_scope(actor, obj.zone) and actor.org_id != obj.zone_id
    ):
        raise PermissionDenied("备案审查由上级机关（市科技局、省科技厅）进行")
    result = str(data.get("result") or "")
    opinion = text(data.get("opinion"), "opinion", "审查意见", limit=2000)
    enf.check_filing_review(bool(obj.reported_on), bool(obj.filing_result), result, opinion)
    obj.filing_result, obj.filing_opinion = result, opinion
    obj.filing_reviewed_on, obj.filing_reviewer = today, actor
    obj.version += 1
    obj.save()
    record(actor, action, obj, after={"result": result, "opinion": opinion})
    notify(
        to,
        key,
        f"{what} {obj.number} 备案审查结论：{enf.FILING_RESULTS[result]}"
        + (f"。意见：{opinion[:60]}" if opinion else ""),
        url=url,
    )
    return obj


@transaction.atomic
def review_filing(actor, case_id: int, data: dict, today: date | None = None) -> EnforcementCase:
    """备案审查 of a major penalty decision: once, audited, the zone's office told."""
    case = (
        EnforcementCase.objects.select_for_update()
        .select_related("zone", "department")
        .filter(pk=case_id)
        .first()
    )
    if case is None or not access.can_see(actor, case.zone, case.department_id):
        raise Http404("执法案件不存在或无权查看")
    return _review(
        actor, case, data, today or clock.today(), action="enforcement.case.filing_review",
        what="执法案件", url=f"/enforcement/cases/{case.pk}/", to=zone_office(case.department),
        key=f"enforcement-filing:{case.pk}",
    )  # fmt: skip


@transaction.atomic
def review_recon_filing(
    actor, recon_id: int, data: dict, today: date | None = None
) -> Reconsideration:
    """备案审查 of a reconsideration decision reported to the body above: as for cases."""
    case = (
        Reconsideration.objects.select_for_update()
        .select_related("zone")
        .filter(pk=recon_id)
        .first()
    )
    if case is None or not access.can_see(actor, case.zone, None):
        raise Http404("行政复议案件不存在或无权查看")
    return _review(
        actor, case, data, today or clock.today(), action="reconsideration.filing_review",
        what="行政复议", url=f"/reconsideration/{case.pk}/", to=zone_office(case.zone),
        key=f"reconsideration-filing:{case.pk}",
    )  # fmt: skip
