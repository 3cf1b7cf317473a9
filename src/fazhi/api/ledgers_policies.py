"""Policies API under /api/v1/policies (政策清单, item 9)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status

from fazhi.core import policies as rules
from fazhi.ledgers import access, policies

from .ledgers import only
from .schemas.common import READ, WRITE
from .schemas.ledgers import (
    BenefitIn,
    BenefitOut,
    MeasureIn,
    MeasureOut,
    PolicyDetailOut,
    PolicyIn,
    PolicyOut,
)

router = Router(tags=["policies"])


def policy_dict(p) -> dict:
    return {
        "id": p.pk,
        "zone": p.zone.code,
        "title": p.title,
        "level": p.level,
        "issuer": p.issuer,
        "doc_no": p.doc_no,
        "issued_on": p.issued_on,
        "supported": rules.supported(policies.state_of(p)),
        "beneficiaries": p.beneficiaries,
        "benefit_total": str(p.benefit_total),
    }


def measure_dict(m) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "status": m.status,
        "doc_no": m.doc_no,
        "issued_on": m.issued_on,
    }


def benefit_dict(b) -> dict:
    return {"id": b.pk, "enterprise": b.enterprise, "amount": str(b.amount), "on": b.on}


@router.get("/policies", response={200: list[PolicyOut], **READ}, summary="政策清单")
def list_policies(request, zone: str | None = None):
    access.require_reader(request.user)
    z = access.zone_for(request.user, zone)
    qs = policies.policies_for(request.user).filter(zone=z).select_related("zone")
    return [policy_dict(p) for p in qs[:1000]]


@router.post("/policies", response={201: PolicyOut, **WRITE}, summary="登记政策")
def create_policy(request, payload: PolicyIn):
    p = policies.add_policy(
        request.user, only(payload.data(), PolicyIn), today=timezone.localdate()
    )
    return Status(201, policy_dict(p))


@router.get(
    "/policies/{int:policy_id}", response={200: PolicyDetailOut, **READ}, summary="政策详情"
)
def get_policy(request, policy_id: int):
    access.require_reader(request.user)
    p = policies.get_policy(request.user, policy_id)
    return {
        **policy_dict(p),
        "measures": [measure_dict(m) for m in p.measures.order_by("pk")],
        "benefits": [benefit_dict(b) for b in p.benefits.order_by("on", "pk")],
    }


@router.post(
    "/policies/{int:policy_id}/measures",
    response={201: MeasureOut, **WRITE},
    summary="登记配套措施",
)
def create_measure(request, policy_id: int, payload: MeasureIn):
    access.require_reader(request.user)
    m = policies.add_measure(
        request.user, policy_id, only(payload.data(), MeasureIn), today=timezone.localdate()
    )
    return Status(201, measure_dict(m))


@router.post(
    "/policies/{int:policy_id}/benefits",
    response={201: BenefitOut, **WRITE},
    summary="登记受益企业及金额",
)
def create_benefit(request, policy_id: int, payload: BenefitIn):
    access.require_reader(request.user)
    b = policies.add_benefit(
        request.user, policy_id, only(payload.data(), BenefitIn), today=timezone.localdate()
    )
    return Status(201, benefit_dict(b))
