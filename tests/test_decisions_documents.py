"""行政规范性文件 end to end: drafting to expiry through the services, every refusal with
nothing written, the register and its query counts, the catalogues on the portal, the yearly
figures as the scoring item's source, the reminders from tick."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.audit.models import AuditEntry
from fazhi.core.errors import RuleError, RuleErrors
from fazhi.decisions import documents as svc
from fazhi.decisions.models import DocumentStep, NormativeDocument, ZoneSettings

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = date
MARCH_3 = D(2025, 3, 3)


def step(user, doc, today, **data):
    return svc.record_document_step(user, doc.pk, data, today=today)


def published(users, title="园区科技项目管理办法", on=MARCH_3, dept="zy-gxq-kjj", number=None):
    office = users["office"]
    doc = svc.create_document(
        office, {"title": title, "department": dept, "drafted_on": "2025-01-06"}, D(2025, 1, 6)
    )
    step(office, doc, D(2025, 2, 10), step="solicit", on="2025-01-10", comment_end="2025-02-10")
    step(
        office,
        doc,
        D(2025, 2, 20),
        step="review",
        on="2025-02-20",
        sent_on="2025-02-12",
        reviewer="司法分局",
        opinion="合法",
    )
    step(office, doc, D(2025, 2, 25), step="deliberate", on="2025-02-25", meeting="主任办公会")
    step(
        office,
        doc,
        D(2025, 2, 28),
        step="register",
        on="2025-02-28",
        **({"number": number} if number else {}),
    )
    return step(office, doc, on, step="publish", on=on.isoformat(), published_in="门户网站")


def test_from_drafting_to_filing_accepted(users, workcalendar):
    doc = published(users)
    assert doc.doc_no == "资高新规〔2025〕1号"
    assert doc.state == "published"
    assert doc.valid_until == D(2030, 3, 2)
    # 30 days after 2025-03-03 is Wednesday 2025-04-02.
    assert doc.filing_due == D(2025, 4, 2)
    doc = step(
        users["kjj"], doc, D(2025, 3, 20), step="file", on="2025-03-20", to_body="资阳市人民政府"
    )
    doc = step(
        users["office"],
        doc,
        D(2025, 4, 1),
        step="filing_result",
        on="2025-04-01",
        result="accepted",
    )
    assert (doc.state, doc.filed_on, doc.filing_result) == ("accepted", D(2025, 3, 20), "accepted")
    assert [s.step for s in doc.steps.all()] == [
        "draft",
        "solicit",
        "review",
        "deliberate",
        "register",
        "publish",
        "file",
        "filing_result",
    ]
    assert AuditEntry.objects.filter(action__startswith="normative.").count() == 8


def test_provisional_documents_valid_two_years_and_zone_settings(users, workcalendar, orgs):
    ZoneSettings.objects.create(
        zone=orgs["zy-gxq"], filing_days=15, validity_years=5, provisional_years=3
    )
    doc = published(users, title="园区人才引进暂行办法", on=D(2026, 1, 30))
    assert doc.provisional
    assert doc.valid_until == D(2029, 1, 29)
    # 15 days after 2026-01-30 is Saturday 2026-02-14, a make-up workday: no roll.
    assert doc.filing_due == D(2026, 2, 14)


def test_filing_period_rolls_over_spring_festival(users, workcalendar):
    doc = published(users, on=D(2026, 1, 16))
    assert doc.filing_due == D(2026, 2, 24)


def test_refusals_write_nothing(users, workcalendar):
    office = users["office"]
    doc = svc.create_document(office, {"title": "办法", "drafted_on": "2025-01-06"}, D(2025, 1, 6))
    before = (DocumentStep.objects.count(), AuditEntry.objects.count())
    # Out of order: names the missing step.
    with pytest.raises(RuleError) as exc:
        step(office, doc, D(2025, 2, 1), step="publish")
    assert exc.value.message == "尚未办理“征求意见”，不能办理“公布”"
    # Every field at once.
    with pytest.raises(RuleErrors) as exc:
        step(office, doc, D(2025, 2, 1), step="solicit", on="2025-01-01", comment_end="2024-12-01")
    assert set(exc.value.errors) == {"on", "comment_end"}
    assert "2025-01-06" in exc.value.errors["on"]
    with pytest.raises(RuleError) as exc:
        svc.create_document(
            office, {"title": "", "drafted_on": "2099-01-01", "department": "nope"}, D(2025, 1, 6)
        )
    assert set(exc.value.errors) == {"title", "drafted_on", "department"}
    assert (DocumentStep.objects.count(), AuditEntry.objects.count()) == before
    assert NormativeDocument.objects.count() == 1


def test_filed_before_published_and_duplicate_number_refused(users, workcalendar):
    first = published(users, title="甲办法")
    with pytest.raises(RuleError) as exc:
        step(users["office"], first, D(2025, 3, 10), step="file", on="2025-03-01", to_body="市政府")
    assert exc.value.field == "on" and "早于公布日期" in exc.value.message
    office = users["office"]
    doc = svc.create_document(
        office, {"title": "乙办法", "drafted_on": "2025-01-06"}, D(2025, 1, 6)
    )
    step(office, doc, D(2025, 2, 10), step="solicit", on="2025-01-10", comment_end="2025-02-10")
    step(
        office,
        doc,
        D(2025, 2, 20),
        step="review",
        sent_on="2025-02-12",
        reviewer="司法分局",
        opinion="合法",
        on="2025-02-20",
    )
    step(office, doc, D(2025, 2, 25), step="deliberate", meeting="会", on="2025-02-25")
    with pytest.raises(RuleError) as exc:
        step(office, doc, D(2025, 3, 5), step="register", on="2025-03-05", year=2025, number=1)
    assert exc.value.field == "number"
    assert "资高新规〔2025〕1号《甲办法》" in exc.value.message
    doc.refresh_from_db()
    assert doc.state == "deliberated" and doc.number is None
    # The same number in another year is fine.
    doc = step(office, doc, D(2026, 1, 5), step="register", on="2026-01-05", year=2026, number=1)
    assert doc.doc_no == "资高新规〔2026〕1号"


def test_cleanup_needs_a_reason_and_moves_catalogues(users, workcalendar, client):
    doc = published(users)
    with pytest.raises(RuleError) as exc:
        step(
            users["office"],
            doc,
            D(2027, 3, 1),
            step="cleanup",
            on="2027-03-01",
            outcome="abolish",
            reason="",
        )
    assert exc.value.field == "reason"
    kept = published(users, title="保留的办法", number=2)
    step(
        users["office"],
        doc,
        D(2027, 3, 1),
        step="cleanup",
        on="2027-03-01",
        outcome="abolish",
        reason="上位法修改",
    )
    valid = client.get("/public/documents/zy-gxq/").content.decode()
    abolished = client.get("/public/documents/zy-gxq/?list=abolished").content.decode()
    expired = client.get("/public/documents/zy-gxq/?list=expired").content.decode()
    assert "有效的规范性文件（1 件）" in valid and "废止的规范性文件（1 件）" in valid
    assert "保留的办法" in valid and "园区科技项目管理办法" not in valid
    assert "园区科技项目管理办法" in abolished and "保留的办法" not in abolished
    assert "园区科技项目管理办法" not in expired
    assert kept.doc_no in valid


def test_step_files_in_the_evidence_store_downloadable_by_readers_only(users, workcalendar, login):
    office = users["office"]
    doc = svc.create_document(office, {"title": "办法", "department": "zy-gxq-kjj"}, D(2025, 1, 6))
    svc.record_document_step(
        office,
        doc.pk,
        {"step": "solicit", "comment_end": "2025-02-10"},
        [SimpleUploadedFile("征求意见稿.pdf", PDF)],
        today=D(2025, 1, 10),
    )
    f = doc.files.get()
    assert len(f.blob_id) == 64 and f.step == "solicit"
    url = f"/documents/{doc.pk}/files/{f.pk}/"
    assert login("kjj").get(url).status_code == 200
    assert login("office2").get(url).status_code == 404
    with pytest.raises(RuleError):
        svc.record_document_step(
            office,
            doc.pk,
            {"step": "review", "sent_on": "2025-01-20", "reviewer": "x", "opinion": "y"},
            [SimpleUploadedFile("a.pdf", b"MZ not a pdf")],
            today=D(2025, 1, 21),
        )
    doc.refresh_from_db()
    assert doc.state == "soliciting"


def test_department_sees_and_acts_on_its_own_documents_only(users, workcalendar, login):
    mine = svc.create_document(users["kjj"], {"title": "科技局起草"}, D(2025, 1, 6))
    assert mine.department.code == "zy-gxq-kjj"
    other = svc.create_document(
        users["office"], {"title": "司法分局起草", "department": "zy-gxq-sfj"}, D(2025, 1, 6)
    )
    page = login("kjj").get("/documents/").content.decode()
    assert "科技局起草" in page and "司法分局起草" not in page
    assert login("kjj").get(f"/documents/{other.pk}/").status_code == 404
    office_page = login("office").get("/documents/").content.decode()
    assert "科技局起草" in office_page and "司法分局起草" in office_page
    # Leaders read, and are shown no step form.
    leader = login("leader").get(f"/documents/{mine.pk}/").content.decode()
    assert "可办理的下一步" not in leader
    assert "可办理的下一步" in login("kjj").get(f"/documents/{mine.pk}/").content.decode()


def test_step_form_errors_shown_beside_fields_with_values_kept(users, workcalendar, login):
    doc = svc.create_document(users["office"], {"title": "办法"}, D(2025, 1, 6))
    r = login("office").post(
        f"/documents/{doc.pk}/steps/", {"step": "solicit", "comment_end": "1999-01-01x"}
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="solicit-comment_end-error"' in body and "1999-01-01x" in body


def make_many(orgs, n, start=0):
    NormativeDocument.objects.bulk_create(
        [
            NormativeDocument(
                zone=orgs["zy-gxq"],
                department=orgs["zy-gxq-kjj"],
                title=f"文件{i}",
                drafted_on=D(2025, 1, 1),
                state="published",
                published_on=D(2025, 2, 1),
                filing_due=D(2025, 3, 3),
                valid_until=D(2030, 1, 31),
                year=2025,
                number=i + 1,
                doc_no=f"资高新规〔2025〕{i + 1}号",
            )
            for i in range(start, start + n)
        ]
    )


def test_register_page_queries_constant(users, orgs, workcalendar, login):
    c = login("office")
    make_many(orgs, 3)
    c.get("/documents/")  # the session and the calendar cache warm
    with CaptureQueriesContext(connection) as small:
        assert c.get("/documents/").status_code == 200
    make_many(orgs, 120, start=3)
    with CaptureQueriesContext(connection) as large:
        assert c.get("/documents/").status_code == 200
    assert len(small) == len(large)


def test_figures_source_names_missing_documents(users, orgs, workcalendar):
    from fazhi.assessments.sources import sources_for

    a = published(users, title="甲办法")
    published(users, title="乙办法", number=2)
    step(users["office"], a, D(2025, 3, 20), step="file", on="2025-03-20", to_body="市政府")
    (source,) = sources_for("6")
    with CaptureQueriesContext(connection) as q:
        s = source.summarise(orgs["zy-gxq"], 2025, D(2025, 12, 31))
    assert len(q) <= 2
    assert s.stamp() == {
        "公布文件": "2 件",
        "已报送备案": "1 件",
        "报备率": "50.0%",
        "及时报备率": "50.0%",
        "合法性审查率": "100.0%",
    }
    assert s.missing == ("未报送备案：资高新规〔2025〕2号《乙办法》",)
    assert len(s.rows) == 2


def test_reminders_once_per_event(users, orgs, workcalendar):
    from fazhi.workplan.models import Notification
    from fazhi.workplan.supervision import tick

    published(users)  # filing due 2025-04-02
    tick(D(2025, 3, 28))
    first = Notification.objects.filter(event__startswith="normative-filing").count()
    assert first == 2  # kjj and the office
    tick(D(2025, 3, 29))
    assert Notification.objects.filter(event__startswith="normative-filing").count() == first
    tick(D(2025, 4, 3))  # now overdue: a new event
    assert Notification.objects.filter(event__contains=":late:").count() == 2


def test_catalogue_xlsx_has_the_three_lists(users, workcalendar, login):
    import io

    from openpyxl import load_workbook

    doc = published(users, title="=HYPERLINK(1)")
    step(
        users["office"],
        doc,
        D(2027, 3, 1),
        step="cleanup",
        on="2027-03-01",
        outcome="expire",
        reason="到期",
    )
    published(users, title="有效的办法", number=2)
    r = login("office").get("/documents/catalogue.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    assert wb.sheetnames == ["有效", "废止", "失效"]
    assert wb["有效"]["B3"].value == "有效的办法"
    assert wb["失效"]["B3"].value == "'=HYPERLINK(1)"
    assert login("kjj").get("/documents/catalogue.xlsx").status_code == 403


def test_zone_settings_page_checks_every_field(users, workcalendar, login, orgs):
    c = login("office")
    r = c.post(
        "/documents/settings/",
        {"filing_days": "0", "validity_years": "3", "provisional_years": "4"},
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="s-filing_days-error"' in body and 'id="s-provisional_years-error"' in body
    assert not ZoneSettings.objects.exists()
    r = c.post(
        "/documents/settings/",
        {"filing_days": "15", "validity_years": "3", "provisional_years": "1"},
    )
    assert r.status_code == 302
    assert svc.settings_of(orgs["zy-gxq"]) == svc.nd.Settings(15, 3, 1)
    assert login("kjj").get("/documents/settings/").status_code == 403
    assert "备案期限与有效期设置" not in login("leader").get("/documents/").content.decode()


def test_expiry_and_cleanup_reminders(users, workcalendar):
    from fazhi.workplan.models import Notification
    from fazhi.workplan.supervision import tick

    doc = published(users, title="园区暂行办法")  # valid until 2027-03-02
    step(users["kjj"], doc, D(2025, 3, 20), step="file", on="2025-03-20", to_body="市政府")
    tick(D(2026, 12, 1))
    assert not Notification.objects.filter(event__startswith="normative-expiring").exists()
    tick(D(2027, 1, 15))
    tick(D(2027, 1, 16))
    assert Notification.objects.filter(event__startswith="normative-expiring").count() == 2
    assert not Notification.objects.filter(event__startswith="normative-cleanup").exists()
    tick(D(2028, 2, 29))  # past two years without a cleanup
    assert Notification.objects.filter(event__startswith="normative-cleanup").count() == 2
