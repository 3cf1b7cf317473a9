"""The enforcement pages: register, case page with its next steps (refusals beside their
fields, everything typed kept), the officers, 转立案 from a complaint's page, the public 公示
with parties masked, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.enforcement.models import EnforcementCase
from tests.enforcement_fixtures import decided_case, open_clue, step

pytestmark = pytest.mark.django_db


def test_register_lists_cases_with_overdue_highlighted(officers, enf, login):
    open_clue(enf["office"], received="2025-03-05")  # 立案期限 long past on 2025-12-31
    r = login("office").get("/enforcement/")
    html = r.content.decode()
    assert r.status_code == 200 and "zy-gxq-ZF-2025-00001" in html
    assert 'class="overdue"' in html and "已逾期" in html
    assert "登记线索" in html


def test_leader_reads_but_sees_no_actions(officers, enf, login):
    case = open_clue(enf["office"])
    html = login("leader").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "下一步" not in html and "登记立案" not in html
    assert "王*明" in html and "王小明" not in html  # the party masked for readers
    assert "登记线索" not in login("leader").get("/enforcement/").content.decode()


def test_case_page_offers_the_next_steps_and_keeps_what_was_typed(officers, enf, login):
    case = open_clue(enf["office"])
    c = login("office")
    html = c.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "登记立案" in html and "登记不予立案" in html and "登记作出决定" not in html
    r = c.post(
        f"/enforcement/cases/{case.pk}/steps/",
        {
            "kind": "filed",
            "on": "2025-03-10",
            "officers": [officers["wang"].pk],
            "note": "立案审批表已签",
        },
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "执法人员不得少于 2 人" in html and "立案审批表已签" in html
    r = c.post(
        f"/enforcement/cases/{case.pk}/steps/",
        {
            "kind": "filed",
            "on": "2025-03-10",
            "officers": [officers["wang"].pk, officers["zhao"].pk],
        },
    )
    assert r.status_code == 302
    assert EnforcementCase.objects.get(pk=case.pk).state == "filed"


def test_complaint_page_offers_to_open_a_case_and_shows_the_outcome(
    officers, enf, login, complaint
):
    c = login("office")
    html = c.get(f"/registers/cases/{complaint.pk}/").content.decode()
    assert "转立案（登记执法线索）" in html and "尚未转立案" in html
    form = c.get(f"/enforcement/cases/new/?complaint={complaint.tracking_no}").content.decode()
    assert complaint.tracking_no in form
    r = c.post(
        "/enforcement/cases/new/",
        {
            "department": "zy-gxq-kjj", "complaint": complaint.tracking_no, "received_on": "2025-03-05",
            "subject": "虚报项目", "party_kind": "org", "party_org": "某科技有限公司",
        },
    )  # fmt: skip
    assert r.status_code == 302
    case = EnforcementCase.objects.get()
    assert case.complaint_id == complaint.pk
    html = c.get(f"/registers/cases/{complaint.pk}/").content.decode()
    assert case.number in html and "线索待核查" in html


def test_new_case_form_reports_every_error_at_once(enf, login):
    r = login("office").post(
        "/enforcement/cases/new/", {"party_kind": "person", "subject": "保留的案由"}
    )
    html = r.content.decode()
    assert r.status_code == 422
    for msg in (
        "请选择本园区的承办部门",
        "请选择线索来源",
        "请填写线索登记日期",
        "请填写当事人姓名",
    ):
        assert msg in html
    assert "保留的案由" in html
    assert not EnforcementCase.objects.exists()


def test_the_public_notice_masks_natural_persons(officers, enf, client):
    case = decided_case(enf["office"], officers)
    assert "资高科罚〔2025〕1号" not in client.get("/public/enforcement/").content.decode()
    step(enf["office"], case, "published", "2025-04-14")
    html = client.get("/public/enforcement/").content.decode()
    assert "资高科罚〔2025〕1号" in html and "王**" in html
    assert (
        "王小明" not in html
        and "王*明" not in html
        and "11010519491231002X" not in html
        and "某路1号" not in html
    )
    step(enf["office"], case, "revoked", "2025-05-06", note="复议撤销")
    step(enf["office"], case, "publication_withdrawn", "2025-05-07")
    assert "资高科罚〔2025〕1号" not in client.get("/public/enforcement/").content.decode()


def test_officers_page_shows_certificates_needing_attention(officers, enf, login):
    html = login("office").get("/enforcement/officers/").content.decode()
    assert "需要关注的执法证" in html and "孙七" in html and "已过期" in html
    assert "登记执法人员" in html
    html = login("leader").get("/enforcement/officers/").content.decode()
    assert "孙七" in html and "登记执法人员" not in html
    r = login("office").post("/enforcement/officers/", {"name": "钱九"})
    assert (
        r.status_code == 422
        and "请填写执法证号" in r.content.decode()
        and "钱九" in r.content.decode()
    )


def _queries(client, url) -> int:
    client.get(url)  # the session's own bookkeeping and the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_run_a_constant_number_of_queries(officers, enf, login):
    c = login("office")
    open_clue(enf["office"])
    small = {
        u: _queries(c, u)
        for u in (
            "/enforcement/",
            "/enforcement/officers/",
            "/public/enforcement/",
            "/reconsideration/",
        )
    }
    for _ in range(6):
        case = decided_case(enf["office"], officers, received="2025-03-05")
        step(enf["office"], case, "published", "2025-04-14")
    large = {u: _queries(c, u) for u in small}
    assert large == small


def test_the_case_file_cover_and_catalogue(officers, enf, login):
    import io

    from docx import Document as Docx

    case = decided_case(enf["office"], officers)
    r = login("office").get(f"/enforcement/cases/{case.pk}/casefile.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    doc = Docx(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "行政执法案卷" in text and case.number in text and "王小明" in text
    assert "王五（51200001）" in text and "资高科罚〔2025〕1号" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "卷内目录" in text and "立案" in cells and "作出决定" in cells
    leader = Docx(
        io.BytesIO(login("leader").get(f"/enforcement/cases/{case.pk}/casefile.docx").content)
    )
    assert "王小明" not in "\n".join(p.text for p in leader.paragraphs)


def test_the_reporter_sees_the_outcome_when_tracking(officers, enf, client):
    from datetime import date

    from fazhi.registers.services import register_case

    complaint, code = register_case(
        enf["office"],
        {"kind": "complaint", "zone": "zy-gxq", "channel": "hotline", "received_on": "2025-03-03",
         "anonymous": True, "subject": "举报虚报项目", "content": "某公司虚报"},
        today=date(2025, 3, 3),
    )  # fmt: skip
    body = {"tracking_no": complaint.tracking_no, "code": code}
    assert (
        client.post("/api/v1/public/track", body, content_type="application/json").json()[
            "enforcement"
        ]
        == []
    )
    decided_case(enf["office"], officers, complaint=complaint)
    answer = client.post("/api/v1/public/track", body, content_type="application/json").json()
    assert answer["enforcement"] == [{"state_label": "已决定", "decided_on": "2025-04-10"}]
    html = client.post("/public/track/", body).content.decode()
    assert "转立案查处情况" in html and "2025-04-10 作出处理决定" in html


def test_the_rules_page_gives_every_period_with_its_basis(enf, login):
    html = login("kjj").get("/enforcement/rules/").content.decode()
    assert "作出决定期限" in html and "行政处罚法》第六十条" in html
    assert "作出复议决定期限（简易程序）" in html and "第八十八条" in html


def test_a_basis_that_is_not_a_valid_normative_document_is_flagged(officers, enf, login):
    """Issue 12: a normative document cited as the basis of a decision must be on the valid
    list; a zone's number the register does not hold is flagged on the case page."""
    from fazhi.decisions.documents import prefix_of
    from fazhi.enforcement.models import EnforcementCase as Case

    case = decided_case(enf["office"], officers)
    cited = f"{prefix_of(case.zone)}规〔2024〕3号"
    Case.objects.filter(pk=case.pk).update(legal_basis=f"《科学技术进步法》第一百一十二条；{cited}")
    html = login("office").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "引用的规范性文件" in html and cited in html
    assert "未在本园区登记，不能作为依据" in html
    # a basis citing no zone document shows no such section
    Case.objects.filter(pk=case.pk).update(legal_basis="《科学技术进步法》第一百一十二条")
    html = login("office").get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "引用的规范性文件" not in html
