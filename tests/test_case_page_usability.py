"""The case page: departments by name, files that open, windows that close with the case;
the office's registration form reports every error at once."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.audit.models import AuditEntry
from fazhi.registers.events import record_event
from fazhi.registers.models import Case
from fazhi.registers.services import register_case
from tests.test_register_pages import TODAY, new_case, reg  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def anonymous_complaint(users, channel: str, files=()):
    data = {
        "kind": "complaint",
        "zone": "zy-gxq",
        "channel": channel,
        "received_on": "2025-03-07",
        "anonymous": "1",
        "subject": "执法不规范",
        "content": "来信",
    }
    return register_case(users["office"], data, today=TODAY, files=files)[0]


def step(users, case, kind, **data):
    return record_event(
        users["office"], case.pk, {"kind": kind, "on": TODAY.isoformat(), **data}, today=TODAY
    )


def test_timeline_names_departments_not_codes(reg, login):  # noqa: F811
    case = new_case(reg)
    step(reg, case, "accepted")
    step(reg, case, "assigned", department="zy-gxq-kjj")
    step(reg, case, "transferred", department="zy-gxq-sfj", reason="职责调整")
    html = login("office").get(f"/registers/cases/{case.pk}/").content.decode()
    assert "承办部门 科技经济局" in html
    assert "由 科技经济局 转至 司法分局" in html
    assert "zy-gxq-kjj" not in html.split('id="timeline"')[1].split("</section>")[0]


def test_attachments_download_as_files_for_the_handling_staff_audited(reg, login):  # noqa: F811
    case = anonymous_complaint(reg, "post", [SimpleUploadedFile("来信扫描件.pdf", PDF)])
    item = case.attachments.get()
    url = f"/registers/cases/{case.pk}/files/{item.pk}/"
    page = login("office").get(f"/registers/cases/{case.pk}/").content.decode()
    assert f'<a href="{url}">来信扫描件.pdf</a>' in page
    r = login("office").get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment;")
    assert "%E6%9D%A5%E4%BF%A1" in r["Content-Disposition"]  # 来信…, encoded
    entry = AuditEntry.objects.filter(action="case.attachment.download").get()
    assert json.loads(entry.after)["name"] == "来信扫描件.pdf"
    # the leader sees the case but not its files (they may name the person); other zones: 404
    assert url not in login("leader").get(f"/registers/cases/{case.pk}/").content.decode()
    assert login("leader").get(url).status_code == 403
    assert login("office2").get(url).status_code == 404
    assert login("kjj").get(url).status_code == 404  # not assigned to kjj: case not visible
    step(reg, case, "accepted")
    step(reg, case, "assigned", department="zy-gxq-kjj")
    assert login("kjj").get(url).status_code == 200
    assert login("office").get(f"/registers/cases/{case.pk}/files/999999/").status_code == 404


def test_a_correction_window_no_longer_runs_once_the_request_is_answered(reg, login):  # noqa: F811
    case = new_case(reg)  # received 2025-03-03; today 2025-03-10
    html = login("office").get(f"/registers/cases/{case.pk}/").content.decode()
    row = re.search(r"<th scope=\"row\">补正告知期限</th>.*?</tr>", html, re.S).group(0)
    assert "进行中" in row
    step(reg, case, "accepted")
    step(reg, case, "assigned", department="zy-gxq-kjj")
    step(reg, case, "replied", reply_type="disclosed", text="已公开")
    html = login("office").get(f"/registers/cases/{case.pk}/").content.decode()
    row = re.search(r"<th scope=\"row\">补正告知期限</th>.*?</tr>", html, re.S).group(0)
    assert "进行中" not in row and "未使用，已不再适用（案件已答复）" in row


def test_registering_reports_every_error_at_once(reg, login):  # noqa: F811
    office = login("office")
    page = office.get("/registers/new/complaint/").content.decode()
    # required unless anonymous: the labels say so, none says 选填
    assert '姓名 <span class="req">（必填，匿名时不填）</span>' in page
    assert "选填" not in page.split("联系地址")[0].split("投诉举报人信息")[1]
    r = office.post("/registers/new/complaint/", {"received_on": "2025-03-07", "email": "bad"})
    html = r.content.decode()
    assert r.status_code == 422
    for field, message in {
        "channel": "请选择收到渠道",
        "name": "请填写姓名",
        "email": "电子邮箱格式不正确",
        "subject": "请填写反映事项",
        "content": "请填写具体内容",
    }.items():
        assert f'id="f-{field}-error"' in html, field
        assert message in html, message
    assert 'value="bad"' in html  # what was typed comes back
    # anonymous: no name or contact needed, the rest still reported together
    r = office.post("/registers/new/complaint/", {"received_on": "2025-03-07", "anonymous": "1"})
    html = r.content.decode()
    assert 'id="f-name-error"' not in html and 'id="f-phone-error"' not in html
    assert all(f'id="f-{f}-error"' in html for f in ("channel", "subject", "content"))


def test_office_reissues_a_lost_query_code_after_checking_identity(reg, login, client):  # noqa: F811
    from fazhi.registers import public

    case = new_case(reg)  # 张三丰, 13800138000
    office = login("office")
    url = f"/registers/cases/{case.pk}/query-code/"
    assert 'id="query-code"' in office.get(f"/registers/cases/{case.pk}/").content.decode()
    assert (
        'id="query-code"'
        not in login("leader").get(f"/registers/cases/{case.pk}/").content.decode()
    )
    # nothing typed: every missing field at once, nothing changed
    before = Case.objects.get(pk=case.pk).query_digest
    r = office.post(url, {"method": "callback"})
    html = r.content.decode()
    assert r.status_code == 422
    assert "请填写姓名或名称" in html and "回拨核实时，请填写所回拨的电话号码" in html
    # the wrong person: refused, audited, nothing changed
    r = office.post(url, {"method": "callback", "name": "李四", "phone": "13900139000"})
    html = r.content.decode()
    assert r.status_code == 422
    assert "姓名或名称与案件登记的不一致" in html and "电话号码与案件登记的不一致" in html
    assert 'value="李四"' in html
    refused = AuditEntry.objects.filter(action="case.query_code.refused").get()
    assert json.loads(refused.after) == {"fields": ["name", "phone"]}
    assert Case.objects.get(pk=case.pk).query_digest == before
    # checked by calling back the number on file: a new code, shown once; the old one is void
    r = office.post(url, {"method": "callback", "name": " 张三丰", "phone": "138-0013-8000"})
    assert r.status_code == 302
    page = office.get(r["Location"]).content.decode()
    code = re.search(r"原查询码已失效）：([A-Z0-9]+)", page).group(1)
    entry = AuditEntry.objects.filter(action="case.query_code.reissue").get()
    assert json.loads(entry.after) == {"tracking_no": case.tracking_no, "method": "callback"}
    assert code not in entry.after
    assert (
        public.track(case.tracking_no, code, address="1.2.3.4")["tracking_no"] == case.tracking_no
    )
    with pytest.raises(public.NotFound):
        public.track(case.tracking_no, "WRONGCODE", address="1.2.3.4")
    # only the office; another zone's office does not even see the case
    assert login("leader").post(url, {"method": "callback"}).status_code == 403
    assert login("office2").post(url, {"method": "callback"}).status_code == 404


def test_no_query_code_for_an_anonymous_complaint(reg, login):  # noqa: F811
    case = anonymous_complaint(reg, "hotline")
    office = login("office")
    assert 'id="query-code"' not in office.get(f"/registers/cases/{case.pk}/").content.decode()
    r = office.post(f"/registers/cases/{case.pk}/query-code/", {"method": "callback", "name": "x"})
    assert r.status_code == 409 and "匿名投诉举报没有可核对的身份信息" in r.content.decode()


def test_the_api_names_every_refused_field(reg, api):  # noqa: F811
    body = {"kind": "complaint", "zone": "zy-gxq", "received_on": "2025-03-07", "email": "bad"}
    r = api("office").post("/registers/cases", body)
    assert r.status_code == 422
    out = r.json()
    assert (out["field"], out["detail"]) == (out["errors"][0]["field"], out["errors"][0]["detail"])
    assert [e["field"] for e in out["errors"]] == ["channel", "name", "email", "subject", "content"]
