"""Documents on the one 公文 generator: the 督办单, the monthly 工作进展通报, the registers'
letters, each with its 文号 from the database; read back with python-docx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn

from fazhi.audit.models import AuditEntry
from fazhi.core import docno
from fazhi.core.errors import RuleError
from fazhi.orgs import docnos
from fazhi.orgs.models import DocSerial, Org
from fazhi.registers.models import Case, IntakeSettings
from fazhi.workplan import notices, progress
from tests.conftest import task_of
from tests.test_registers import act, disclosure, fresh, refused
from tests.test_registers import reg as reg  # the fixture
from tests.test_workplan_pages import assign

pytestmark = pytest.mark.django_db

TODAY = date(2025, 10, 20)
AGENCY = "资阳高新技术产业开发区管理委员会"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("fazhi.workplan.views.common.today", lambda: TODAY)


def paragraphs(content: bytes) -> list[str]:
    d = read_docx(io.BytesIO(content))
    texts = [p.text for p in d.paragraphs]
    for table in d.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def east_asian_fonts(content: bytes) -> set[str | None]:
    """The East Asian font named on every run that carries text."""
    d = read_docx(io.BytesIO(content))
    fonts = set()
    for p in d.paragraphs:
        for run in p.runs:
            if run.text.strip():
                rfonts = run._element.rPr.find(qn("w:rFonts"))
                fonts.add(None if rfonts is None else rfonts.get(qn("w:eastAsia")))
    return fonts


# ---------------------------------------------------------------- 文号


def test_doc_no_format_and_default_prefix():
    assert docno.format_doc_no("资高新", "supervision", 2026, 3) == "资高新督〔2026〕3号"
    assert docno.default_prefix("资阳高新区") == "资高新"
    assert docno.default_prefix("资阳高新技术产业开发区") == "资高新"
    assert docno.default_prefix("资阳市科学技术局") == "资科"
    with pytest.raises(RuleError) as exc:
        docno.check_prefix("资高新〔")
    assert exc.value.field == "prefix" and "括号" in exc.value.message
    with pytest.raises(RuleError) as exc:
        docno.check_prefix("一二三四五六七八九十一")
    assert "最多 10 个字" in exc.value.message
    with pytest.raises(RuleError):
        docno.check_prefix("  ")


def test_allocation_counts_per_org_kind_and_year(users):
    zone, other = Org.objects.get(code="zy-gxq"), Org.objects.get(code="cd-gxq")
    assert docnos.allocate(zone, "supervision", 2026) == "资高新督〔2026〕1号"
    assert docnos.allocate(zone, "supervision", 2026) == "资高新督〔2026〕2号"
    assert docnos.allocate(zone, "bulletin", 2026) == "资高新通〔2026〕1号"
    assert docnos.allocate(zone, "supervision", 2027) == "资高新督〔2027〕1号"
    assert docnos.allocate(other, "supervision", 2026) == "成高新督〔2026〕1号"
    docnos.set_prefix(users["office"], zone, " 资阳高新 ")
    assert docnos.allocate(zone, "supervision", 2026) == "资阳高新督〔2026〕3号"
    assert AuditEntry.objects.filter(action="org.doc_prefix").count() == 1
    with pytest.raises(RuleError):
        docnos.set_prefix(users["office"], zone, "")
    assert Org.objects.get(pk=zone.pk).doc_prefix == "资阳高新"
    with pytest.raises(ValueError):
        docnos.allocate(zone, "memo", 2026)


# ---------------------------------------------------------------- 督办单


def test_notice_docx_official_layout_and_scope(login, plan, users):
    task = assign(plan, users, "一.2", due="2025-10-15")
    notice = notices.issue_notice(
        users["office"],
        plan.pk,
        {
            "to_org": "zy-gxq-kjj",
            "task": task.number,
            "text": "请加快推进决策咨询机制建设",
            "reply_due": "2025-10-24",
        },
        today=TODAY,
    )
    assert notice.number == "资高新督〔2025〕1号"
    r = login("kjj").get(f"/notices/{notice.pk}/notice.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    texts = paragraphs(r.content)
    assert "资阳高新区" in texts  # the red 发文机关标志
    assert "资高新督〔2025〕1号" in texts and "督办单" in texts and "科技经济局：" in texts
    body = "\n".join(texts)
    assert "请加快推进决策咨询机制建设" in body and "2025年10月24日前" in body
    assert "2025年10月20日" in texts and f"督办任务：{task.number} {task.title}。" in body
    assert None not in east_asian_fonts(r.content)
    assert {"仿宋_GB2312", "方正小标宋简体"} <= east_asian_fonts(r.content)
    assert AuditEntry.objects.filter(action="notice.download", actor_name="kjj").exists()
    # the notices page links it; another zone's office and the administrator never get it
    assert (
        f"/notices/{notice.pk}/notice.docx"
        in login("leader").get(f"/plans/{plan.pk}/notices/").content.decode()
    )
    task_page = login("kjj").get(f"/tasks/{task.pk}/").content.decode()
    assert f"/notices/{notice.pk}/notice.docx" in task_page and "资高新督〔2025〕1号" in task_page
    assert login("office2").get(f"/notices/{notice.pk}/notice.docx").status_code == 404
    downloads = AuditEntry.objects.filter(action="notice.download").count()
    assert downloads == 1


# ---------------------------------------------------------------- 工作进展通报


def test_bulletin_by_area_with_lights_counts_and_reports(login, plan, users):
    red = assign(plan, users, "一.2", due="2025-10-15")
    assign(plan, users, "一.1", start="2025-10-17", due="2025-12-31")
    progress.report_progress(
        users["kjj"], red.pk, {"percent": 40, "text": "已起草制度初稿"}, today=TODAY
    )
    office = login("office")
    page = office.get(f"/plans/{plan.pk}/").content.decode()
    assert f'action="/plans/{plan.pk}/bulletin.docx"' in page and 'value="2025-10"' in page
    r = office.post(f"/plans/{plan.pk}/bulletin.docx", {"month": "2025-10"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    texts = paragraphs(r.content)
    body = "\n".join(texts)
    assert "资高新通〔2025〕1号" in texts and "各有关部门：" in texts and "资阳高新区" in texts
    # the title is broken over lines by the layout
    assert "关于2025年10月法治示范区创建工作进展情况的通报" in "".join(texts)
    assert "已办结 0 项，逾期（红灯）1 项" in body and "2025年10月共填报进展 1 次" in body
    first_area = task_of(plan, "一").title
    assert f"一、{first_area}" in texts
    assert "红灯（已逾期 3 个工作日）" in texts and "已起草制度初稿" in texts
    assert None not in east_asian_fonts(r.content)
    # each issue takes the next number, and is audited
    r = office.post(f"/plans/{plan.pk}/bulletin.docx", {"month": "2025-09"})
    texts = paragraphs(r.content)
    assert "资高新通〔2025〕2号" in texts and "本月没有填报进展。" in texts
    assert AuditEntry.objects.filter(action="plan.bulletin").count() == 2


def test_bulletin_refusals_write_nothing(login, plan, users):
    office = login("office")
    before = AuditEntry.objects.count()
    for month, message in (
        ("2025-13", "通报月份应为 年-月"),
        ("", "通报月份应为 年-月"),
        ("2025-11", "通报月份不能晚于本月 2025-10"),
    ):
        r = office.post(f"/plans/{plan.pk}/bulletin.docx", {"month": month})
        page = r.content.decode()
        assert r.status_code == 422 and message in page
        assert 'id="bulletin-month-error"' in page and f'value="{month}"' in page
    assert not DocSerial.objects.exists() and AuditEntry.objects.count() == before
    # the leader reads the plan but does not issue: no form, and the post is refused
    leader = login("leader")
    assert "bulletin.docx" not in leader.get(f"/plans/{plan.pk}/").content.decode()
    assert leader.post(f"/plans/{plan.pk}/bulletin.docx", {"month": "2025-10"}).status_code == 403
    assert office.get(f"/plans/{plan.pk}/bulletin.docx").status_code == 405


# ---------------------------------------------------------------- the registers' letters


def test_already_published_reply_needs_its_place_and_writes_nothing_without(reg):
    office = reg["office"]
    IntakeSettings.objects.create(zone=Org.objects.get(code="zy-gxq"), agency_name=AGENCY)
    case = disclosure(reg)
    act(office, case, "accepted", "2025-03-04")
    audit_before = AuditEntry.objects.count()
    err = refused(
        act, office, case, "replied", "2025-03-20", reply_type="disclosed_already", text="见网站"
    )
    assert err.field == "published_at" and "信息公开位置" in err.message
    c = fresh(case)
    assert c.state == "accepted" and c.letter_id is None and not c.letter_no
    assert not DocSerial.objects.exists() and AuditEntry.objects.count() == audit_before
    # the place belongs to that reply type only
    err = refused(
        act,
        office,
        case,
        "replied",
        "2025-03-20",
        reply_type="disclosed",
        text="x",
        published_at="网站",
    )
    assert err.field == "published_at" and "不填写信息公开位置" in err.message
    place = "资阳高新区门户网站“政府信息公开—财政资金”栏目（www.example.gov.cn/zj）"
    act(
        office,
        case,
        "replied",
        "2025-03-20",
        reply_type="disclosed_already",
        text="请按所示途径获取",
        published_at=place,
    )
    c = fresh(case)
    assert c.reply_published_at == place and c.letter_no == "资高新函〔2025〕1号"
    from fazhi.registers.services import letter_of

    name, content = letter_of(office, case.pk)
    texts = paragraphs(content)
    body = "\n".join(texts)
    assert "资高新函〔2025〕1号" in texts and "政府信息公开申请答复告知书" in texts
    assert "张三丰：" in texts and texts.count(AGENCY) == 2  # 发文机关标志 and the signature
    assert f"现告知您获取该政府信息的方式和途径：{place}。" in body
    assert "2025年3月20日" in texts and case.tracking_no in body
    assert None not in east_asian_fonts(content)


def test_notice_letters_carry_a_doc_no(reg):
    case = disclosure(reg)
    act(
        reg["office"],
        case,
        "correction_requested",
        "2025-03-04",
        text="请写明所需文件的年份",
        correction_due="2025-03-14",
    )
    item = case.attachments.get()
    assert "补正告知书" in item.name
    from fazhi.assessments import evidence as evidence_store

    with evidence_store.open_blob(item.blob) as f:
        texts = paragraphs(f.read())
    assert "资高新函〔2025〕1号" in texts and "张三丰：" in texts and "资阳高新区" in texts
    entry = AuditEntry.objects.filter(action="case.correction_requested").get()
    assert "资高新函〔2025〕1号" in entry.after


def test_case_page_reply_form_keeps_input_and_shows_the_place(reg, login):
    office = login("office")
    case = disclosure(reg)
    act(reg["office"], case, "accepted", "2025-03-04")
    url = f"/registers/cases/{case.pk}/"
    page = office.get(url).content.decode()
    assert 'name="published_at"' in page and "信息公开位置（已主动公开时必填" in page
    data = {"kind": "replied", "on": "2025-03-20", "reply_type": "disclosed_already"}
    r = office.post(f"{url}events/", {**data, "text": "请按途径获取"})
    page = r.content.decode()
    assert r.status_code == 422 and "请填写信息公开位置" in page
    assert "请按途径获取</textarea>" in page
    assert Case.objects.get(pk=case.pk).state == "accepted"
    r = office.post(
        f"{url}events/", {**data, "text": "请按途径获取", "published_at": "门户网站公开栏目"}
    )
    assert r.status_code in (200, 302)
    page = office.get(url).content.decode()
    assert "信息公开位置：门户网站公开栏目" in page and "文号 资高新函〔2025〕1号" in page


def test_prefix_from_the_command_line(users):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("org", "prefix", "zy-gxq", "资高新区", stdout=out)
    assert "资阳高新区 的发文机关代字为 资高新区" in out.getvalue()
    assert (
        docnos.allocate(Org.objects.get(code="zy-gxq"), "letter", 2026) == "资高新区函〔2026〕1号"
    )
    with pytest.raises(CommandError, match="不能含括号"):
        call_command("org", "prefix", "zy-gxq", "资〔高新")
    with pytest.raises(CommandError, match="没有代码为 nope 的组织"):
        call_command("org", "prefix", "nope", "资")
