"""政策清单 (item 9): policies, measures, beneficiaries; gaps named; pages and API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.assessments.sources import sources_for, summarise
from fazhi.core import policies as rules
from fazhi.core.errors import RuleError
from fazhi.ledgers import policies
from fazhi.ledgers.models import Benefit, Measure, Policy
from fazhi.orgs.models import Org

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 15)


def add(users, **kw):
    body = {
        "title": "关于推动高新区高质量发展的意见",
        "level": "national",
        "issuer": "国务院",
        "issued_on": "2026-01-10",
        **kw,
    }
    return policies.add_policy(users["office"], body, today=TODAY)


def test_gaps_rule():
    assert rules.gaps(
        [
            rules.PolicyState("A", ("issued", "drafting")),
            rules.PolicyState("B", ()),
            rules.PolicyState("C", ("drafting",)),
            rules.PolicyState("D", ("repealed",)),
        ]
    ) == [
        "《B》没有配套措施",
        "《C》的配套措施尚在制定中",
        "《D》没有配套措施",
    ]


def test_policies_measures_and_benefits_with_gaps_named(users):
    with pytest.raises(RuleError) as e:
        add(users, level="city", title="", issued_on="2027-01-01")
    assert set(e.value.errors) == {"title", "level", "issued_on"}
    a = add(users)
    b = add(users, title="四川省科技创新促进条例", level="provincial", issuer="四川省人大常委会")
    with pytest.raises(RuleError, match="须填写出台日期"):
        policies.add_measure(
            users["office"], a.pk, {"title": "实施细则", "status": "issued"}, today=TODAY
        )
    policies.add_measure(
        users["office"],
        a.pk,
        {"title": "实施细则", "status": "issued", "issued_on": "2026-03-01"},
        today=TODAY,
    )
    policies.add_measure(
        users["office"], b.pk, {"title": "办法", "status": "drafting"}, today=TODAY
    )
    policies.add_benefit(
        users["office"],
        a.pk,
        {"enterprise": "甲公司", "amount": "12.5", "on": "2026-04-01"},
        today=TODAY,
    )
    policies.add_benefit(
        users["office"],
        a.pk,
        {"enterprise": "乙公司", "amount": "7.5", "on": "2026-05-01"},
        today=TODAY,
    )
    with pytest.raises(RuleError, match="大于 0"):
        policies.add_benefit(
            users["office"],
            a.pk,
            {"enterprise": "丙", "amount": "0", "on": "2026-05-01"},
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        policies.add_measure(users["kjj"], a.pk, {"title": "x", "status": "drafting"}, today=TODAY)
    assert (Measure.objects.count(), Benefit.objects.count()) == (2, 2)
    zone = Org.objects.get(code="zy-gxq")
    with CaptureQueriesContext(connection) as ctx:
        s = summarise("policies", zone, 2026, TODAY)
    assert len(ctx) == 1
    assert s.missing == ("《四川省科技创新促进条例》的配套措施尚在制定中",)
    assert {f.label: f.value for f in s.figures} == {
        "适用政策": 2,
        "已出台配套措施": 1,
        "缺少配套": 1,
        "受益企业": 2,
        "兑现金额": Decimal("20.00"),
    }
    assert [x.key for x in sources_for("9")] == ["policies"]
    assert not policies.policies_for(users["kjj"]).exists()


def test_pages_and_api(users, login, api):
    office, leader = login("office"), login("leader")
    r = office.post("/policies/new/", {"title": "", "level": "x"})
    assert r.status_code == 422 and "请填写政策名称" in r.content.decode()
    assert not Policy.objects.exists()
    r = api("office").post(
        "/policies",
        {"title": "政策", "level": "provincial", "issuer": "省政府", "issued_on": "2026-01-01"},
    )
    assert r.status_code == 201 and r.json()["supported"] is False
    pid = r.json()["id"]
    r = api("office").post(
        f"/policies/{pid}/measures",
        {"title": "细则", "status": "issued", "issued_on": "2026-02-01"},
    )
    assert r.status_code == 201
    assert api("leader").get(f"/policies/{pid}").json()["supported"] is True
    assert api("office2").get(f"/policies/{pid}").status_code == 404
    assert "登记配套措施" in office.get(f"/policies/{pid}/").content.decode()
    assert "登记配套措施" not in leader.get(f"/policies/{pid}/").content.decode()
    assert "登记政策" not in leader.get("/policies/").content.decode()
