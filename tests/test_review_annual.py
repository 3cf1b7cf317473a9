"""After naming (动态管理): yearly review, 限期整改, revocation, history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fazhi.core.review import PASSED, RECTIFY, REVOKED, annual_outcome
from fazhi.review.models import Application

pytestmark = pytest.mark.django_db


def test_annual_outcome_rule():
    t = Decimal(80)
    assert annual_outcome(Decimal(80), t, False) == PASSED
    assert annual_outcome(Decimal("79.99"), t, False) == RECTIFY
    assert annual_outcome(Decimal("79.99"), t, True) == REVOKED
    assert annual_outcome(Decimal(85), t, True) == PASSED


@pytest.fixture
def named(in_review, experts, users):
    from fazhi.assessments.services import create_assessment
    from tests.review_fixtures import score_sheet

    for e in experts[:5]:
        score_sheet(in_review, e)
    Application.objects.filter(pk=in_review.pk).update(status=Application.Status.NAMED)
    in_review.campaign.__class__.objects.filter(pk=in_review.campaign_id).update(
        named_on=date(2025, 12, 1), naming_doc_no="川科函〔2025〕1号"
    )
    create_assessment(users["office"], "zy-gxq", "sc-sti-law-zone-2019", None, 2026)
    return in_review


def test_review_rectify_then_revoke(api, named):
    prov = api("province")
    base = f"/applications/{named.pk}/annual-reviews"
    r = prov.post(base, {"year": 2025})
    assert (
        r.status_code == 422
        and r.json()["field"] == "year"
        and "晚于命名年度" in r.json()["detail"]
    )
    r = prov.post(base, {"year": 2027})
    assert r.status_code == 422 and "尚无 2027 年度" in r.json()["detail"]
    assert api("office").post(base, {"year": 2026}).status_code == 403
    r = prov.post(base, {"year": 2026})
    assert r.status_code == 201 and r.json()["status"] == "open"
    rid = r.json()["id"]
    assert prov.post(base, {"year": 2026}).status_code == 409
    r = prov.post(f"/annual-reviews/{rid}/decision", {"score": 70})
    assert r.status_code == 422 and r.json()["field"] == "due_on"
    r = prov.post(
        f"/annual-reviews/{rid}/decision", {"score": 70, "due_on": "2026-12-31", "note": "制度不全"}
    )
    assert r.json()["status"] == "rectifying" and r.json()["due_on"] == "2026-12-31"
    r = prov.post(f"/annual-reviews/{rid}/decision", {"score": 75})
    assert r.json()["status"] == "revoked" and r.json()["second_score"] == "75"
    assert Application.objects.get(pk=named.pk).status == "revoked"
    assert prov.post(f"/annual-reviews/{rid}/decision", {"score": 90}).status_code == 409
    history = api("office").get(base).json()
    assert [(h["year"], h["status"]) for h in history] == [(2026, "revoked")]


def test_review_passes_and_page_shows_history(api, named, login):
    prov = api("province")
    rid = prov.post(f"/applications/{named.pk}/annual-reviews", {"year": 2026}).json()["id"]
    assert prov.post(f"/annual-reviews/{rid}/decision", {"score": 88}).json()["status"] == "passed"
    page = login("office").get(f"/review/applications/{named.pk}/").content.decode()
    assert "动态管理" in page and "复核通过" in page and "记录复核结果" not in page
    page = login("province").get(f"/review/applications/{named.pk}/").content.decode()
    assert "开始年度复核" in page
