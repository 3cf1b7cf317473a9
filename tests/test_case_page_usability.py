"""The case page: departments by name, files that open, windows that close with the case;
the office's registration form reports every error at once."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.audit.models import AuditEntry
from fazhi.registers.services import record_event, register_case
from tests.test_register_pages import TODAY, new_case, reg  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
    data = {
        "kind": "complaint",
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": "2025-03-07",
        "anonymous": "1",
        "subject": "执法不规范",
        "content": "来信",
    }
    files = [SimpleUploadedFile("来信扫描件.pdf", PDF)]
    case, _ = register_case(reg["office"], data, today=TODAY, files=files)
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
