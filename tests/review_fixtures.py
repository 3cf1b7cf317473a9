"""A campaign with one application of 资阳高新区 at each stage, for the review-chain tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fazhi.core import framework as fw
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXPERT_ORGS = ["sc", "sc-cd", "sc", "sc-cd", "sc"]


def campaign_body(**over):
    today = timezone.localdate()
    return {
        "code": "sc-2019",
        "title": "2019年科技创新法治示范区创建试点",
        "notice_title": "关于开展科技创新法治示范区创建试点工作的通知",
        "notice_no": "川科规〔2019〕15号",
        "honour": "四川省科技创新法治示范区",
        "framework": "sc-sti-law-zone-2019",
        "opens_on": (today - timedelta(days=10)).isoformat(),
        "closes_on": (today + timedelta(days=10)).isoformat(),
        "threshold": 80,
        "quota": 2,
        **over,
    }


def fill_assessment(assessment, office, score=lambda ind: ind.max_points):
    """Every scored item scored (full marks by default), one evidence file each."""
    from fazhi.assessments.selectors import items_by_code
    from fazhi.assessments.services import add_evidence, update_result

    for code, ind in items_by_code(assessment).items():
        if ind.kind == fw.SCORED:
            update_result(office, assessment.pk, code, {"version": 1, "self_score": score(ind)})
            add_evidence(office, assessment.pk, code, SimpleUploadedFile(f"证明{code}.pdf", PDF))


@pytest.fixture
def experts(orgs):
    from fazhi.orgs.services import add_user

    made = [
        add_user(f"expert{i}", PASSWORD, "expert", org, f"专家{i}", must_change=False)
        for i, org in enumerate(EXPERT_ORGS, 1)
    ]
    made.append(add_user("expert-zy", PASSWORD, "expert", "sc-zy", "资阳专家", must_change=False))
    return made


@pytest.fixture
def campaign(users, framework):
    from fazhi.review.services import create_campaign

    return create_campaign(users["province"], campaign_body())


@pytest.fixture
def application(campaign, assessment, plan, users):
    """资阳高新区's application, filled in and submitted to the city."""
    from fazhi.review.services import open_application, submit_application

    fill_assessment(assessment, users["office"])
    app = open_application(users["office"], campaign.code, "zy-gxq")
    return submit_application(users["office"], app.pk)


@pytest.fixture
def forwarded(application, users):
    from fazhi.review.services import forward_application

    return forward_application(
        users["city"],
        application.pk,
        {"doc_no": "资科〔2020〕14号", "signer": "肖建华", "conclusion": "eligible"},
    )


@pytest.fixture
def in_review(forwarded, users, experts):
    from fazhi.review.panel import formal_check, set_panel

    app, _ = formal_check(users["province"], forwarded.pk)
    names = [e.username for e in experts[:5]]
    return set_panel(users["province"], app.pk, names, names[0])


def score_sheet(app, expert, score=lambda ind: ind.max_points, submit=True):
    from fazhi.assessments.selectors import items_by_code
    from fazhi.review.models import ExpertResult
    from fazhi.review.panel import submit_sheet, update_expert_result

    versions = dict(
        ExpertResult.objects.filter(member__application=app, member__expert=expert).values_list(
            "indicator__code", "version"
        )
    )
    for code, ind in items_by_code(app.assessment).items():
        if ind.kind == fw.SCORED:
            body = {"version": versions[code], "self_score": score(ind)}
            update_expert_result(expert, app.pk, code, body)
    return submit_sheet(expert, app.pk) if submit else app
