"""The review chain's pages: each role sees its part; refused input comes back beside its field."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.review.models import Application
from tests.review_fixtures import score_sheet

pytestmark = pytest.mark.django_db


def test_office_sees_its_application_with_report_form_and_documents(
    login, campaign, assessment, plan, users
):
    from tests.review_fixtures import fill_assessment

    fill_assessment(assessment, users["office"])
    c = login("office")
    page = c.get(f"/review/campaigns/{campaign.code}/").content.decode()
    assert "发起申报" in page
    r = c.post(f"/review/campaigns/{campaign.code}/apply/", {"zone": "zy-gxq"})
    app = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/review/applications/{app.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "保存报告" in page and "提交市科技局" in page and "报送报告（含附件）.pdf" in page
    assert "市级评估" not in page and "评审组" not in page
    # a refused change keeps what was typed, the error beside its field
    r = c.post(
        f"/review/applications/{app.pk}/report/",
        {
            "version": app.version,
            "report_title": "",
            "report_issuers": "管委会甲",
            "report_addressee": "省科学技术厅",
            "report_body": "正文甲",
        },
    )
    page = r.content.decode()
    assert (
        r.status_code == 422
        and "请填写报告标题" in page
        and "管委会甲" in page
        and "正文甲" in page
    )
    assert c.get(f"/review/applications/{app.pk}/documents/report.docx").status_code == 200


def test_city_page_forward_errors_and_success(login, application):
    c = login("city")
    page = c.get(f"/review/applications/{application.pk}/").content.decode()
    assert "转报省科技厅" in page and "退回园区" in page and 'id="cs-1"' in page
    r = c.post(
        f"/review/applications/{application.pk}/forward/",
        {"conclusion": "eligible", "doc_no": "资科(2020)14号", "signer": "肖建华"},
    )
    page = r.content.decode()
    assert (
        r.status_code == 422
        and "六角括号" in page
        and 'value="资科(2020)14号"' in page
        and 'value="肖建华"' in page
    )
    r = c.post(f"/review/applications/{application.pk}/city-score/", {"code": "1", "score": "7"})
    assert r.status_code == 422 and "不能超过分值 5" in r.content.decode()
    r = c.post(
        f"/review/applications/{application.pk}/forward/",
        {"conclusion": "eligible", "doc_no": "资科〔2020〕14号", "signer": "肖建华"},
    )
    assert r.status_code == 302
    page = c.get(f"/review/applications/{application.pk}/").content.decode()
    assert "情况报告 资科〔2020〕14号 .pdf" in page and "转报省科技厅</button>" not in page
    assert login("city2").get(f"/review/applications/{application.pk}/").status_code == 404


def test_province_checks_seats_the_panel_and_ranks(login, forwarded, experts, users):
    c = login("province")
    assert c.post(f"/review/applications/{forwarded.pk}/formal-check/").status_code == 302
    r = c.post(
        f"/review/applications/{forwarded.pk}/panel/",
        {"experts": "expert1 expert2 expert3 expert4 expert-zy", "leader": "expert1"},
    )
    page = r.content.decode()
    assert r.status_code == 422 and "须回避" in page and "expert-zy" in page
    r = c.post(
        f"/review/applications/{forwarded.pk}/panel/",
        {"experts": "expert1 expert2 expert3 expert4 expert5", "leader": "expert1"},
    )
    assert r.status_code == 302
    for e in experts[:5]:
        score_sheet(Application.objects.get(pk=forwarded.pk), e)
    page = c.get(f"/review/campaigns/{forwarded.campaign.code}/").content.decode()
    assert "拟命名" in page and "在门户网站公示拟命名名单" in page
    assert (
        "拟命名"
        not in login("office").get(f"/review/campaigns/{forwarded.campaign.code}/").content.decode()
    )


def test_expert_sheet_hides_others_until_submitted(login, in_review, experts):
    score_sheet(in_review, experts[1])  # expert2 has submitted
    c = login("expert1")
    page = c.get(f"/review/applications/{in_review.pk}/").content.decode()
    assert "我的评分表" in page and "评审得分" not in page
    r = c.post(f"/review/applications/{in_review.pk}/sheet/submit/")
    assert r.status_code == 422 and "未评分" in r.content.decode()
    assert login("expert-zy").get(f"/review/applications/{in_review.pk}/sheet/").status_code == 404


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_evidence_or_applications(login, application, users):
    from fazhi.assessments.models import Evidence, Result
    from fazhi.assessments.services import create_assessment
    from fazhi.orgs.services import add_org
    from fazhi.review.services import open_application

    c = login("city")
    path = f"/review/applications/{application.pk}/"
    _count(c, path)  # the first request fills the caches (the table's tree)
    before = _count(c, path)
    blob = Evidence.objects.first().blob
    for r in Result.objects.filter(assessment=application.assessment)[:5]:
        Evidence.objects.bulk_create(
            [Evidence(result=r, blob=blob, name=f"x{i}.pdf") for i in range(3)]
        )
    assert _count(c, path) == before
    lists = _count(c, "/review/")

    for i in range(3):
        add_org(f"z{i}", f"园区{i}", "zone", "sc-zy")
        office = __import__("fazhi.orgs.services", fromlist=["add_user"]).add_user(
            f"o{i}", "Fz-test-Passw0rd!", "office", f"z{i}", must_change=False
        )
        create_assessment(office, f"z{i}", "sc-sti-law-zone-2019", None, 2025)
        open_application(office, application.campaign.code, f"z{i}")
    assert _count(c, "/review/") == lists


def test_publicity_on_the_portal_and_objections_for_the_province(
    login, in_review, experts, users, settings, workcalendar
):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from fazhi.registers.rules import load_shipped
    from fazhi.review.models import Campaign
    from tests.conftest import ROOT

    for e in experts[:5]:
        score_sheet(in_review, e)
    today = timezone.localdate()
    settings.FAZHI_TODAY = today
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    load_shipped(ROOT / "rules")
    public = Client(REMOTE_ADDR="203.0.113.9")
    assert "目前没有正在公示的名单" in public.get("/public/publicity/").content.decode()
    Campaign.objects.update(
        publicity_starts_on=today - timedelta(days=1), publicity_ends_on=today + timedelta(days=6)
    )
    page = public.get("/public/publicity/").content.decode()
    assert "拟命名名单公示" in page and "资阳高新区" in page
    link = "/public/complaints/new/?category=objection&zone=zy-gxq"
    assert link.replace("&", "&amp;") in page
    form = public.get(link).content.decode()
    assert "公示异议" in form
    r = public.post(
        "/public/complaints/new/",
        {
            "zone": "zy-gxq",
            "anonymous": "1",
            "category": "objection",
            "subject": "对资阳高新区的异议",
            "content": "得分依据不实",
        },
    )
    assert r.status_code == 200, r.content.decode()[:500]
    page = login("province").get(f"/review/campaigns/{in_review.campaign.code}/").content.decode()
    assert "对资阳高新区的异议" in page
    from tests.conftest import Api

    rows = Api("province").get(f"/campaigns/{in_review.campaign.code}/objections").json()
    assert rows[0]["zone"] == "资阳高新区" and not rows[0]["late"]
    assert (
        "对资阳高新区的异议"
        not in login("office").get(f"/review/campaigns/{in_review.campaign.code}/").content.decode()
    )
