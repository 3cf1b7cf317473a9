"""法律顾问: the office keeps counsel, opinions and attendance; readers of the zone see them,
departments and other zones do not; the yearly figures as item 3's source."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.core.errors import RuleError
from fazhi.decisions import counsel, documents
from fazhi.decisions.models import Counsel, CounselOpinion

pytestmark = pytest.mark.django_db
D = date
FIRM = {
    "kind": "firm",
    "name": "四川某律师事务所",
    "contract_start": "2025-01-01",
    "contract_end": "2025-12-31",
    "scope": "合法性审查、合同审查",
}


def test_add_counsel_refuses_all_errors_at_once(users):
    with pytest.raises(RuleError) as exc:
        counsel.add_counsel(
            users["office"], {**FIRM, "kind": "x", "contract_end": "2024-12-31", "scope": ""}
        )
    assert set(exc.value.errors) == {"kind", "contract_end", "scope"}
    assert not Counsel.objects.exists()
    with pytest.raises(PermissionDenied):
        counsel.add_counsel(users["kjj"], FIRM)


def test_opinions_attendance_and_item_3(users, orgs, workcalendar):
    c = counsel.add_counsel(users["office"], FIRM)
    doc = documents.create_document(users["office"], {"title": "办法"}, D(2025, 1, 6))
    with pytest.raises(RuleError) as exc:
        counsel.add_opinion(
            users["office"],
            c.pk,
            {"subject_kind": "document", "document": 999999, "conclusion": ""},
            D(2025, 3, 1),
        )
    assert set(exc.value.errors) == {"document", "conclusion"}
    op = counsel.add_opinion(
        users["office"],
        c.pk,
        {
            "subject_kind": "document",
            "document": doc.pk,
            "conclusion": "无违法内容",
            "given_on": "2025-02-01",
        },
        D(2025, 3, 1),
    )
    assert op.subject == "办法"
    counsel.add_opinion(
        users["office"],
        c.pk,
        {
            "subject_kind": "contract",
            "subject": "采购合同",
            "conclusion": "可签",
            "given_on": "2025-03-01",
        },
        D(2025, 3, 1),
    )
    counsel.add_attendance(
        users["office"], c.pk, {"meeting": "主任办公会", "attended_on": "2025-03-01"}, D(2025, 3, 1)
    )
    from fazhi.assessments.sources import sources_for

    (source,) = sources_for("3")
    with CaptureQueriesContext(connection) as q:
        s = source.summarise(orgs["zy-gxq"], 2025, D(2025, 12, 31))
    assert len(q) == 3
    assert s.stamp() == {
        "在聘法律顾问": "1 名",
        "出具法律意见": "2 件",
        "审查重大行政决策": "0 项",
        "审查规范性文件": "1 件",
        "列席会议": "1 次",
    }
    assert s.rows[0][5:] == (2, 1)
    assert source.summarise(orgs["zy-gxq"], 2024, D(2025, 12, 31)).missing == (
        "2024 年度没有在聘的法律顾问（聘用合同）",
    )
    assert CounselOpinion.objects.count() == 2


def test_pages_scope(users, login):
    c = counsel.add_counsel(users["office"], FIRM)
    assert "四川某律师事务所" in login("leader").get("/counsel/").content.decode()
    assert "登记法律顾问" not in login("leader").get("/counsel/").content.decode()
    assert login("office2").get(f"/counsel/{c.pk}/").status_code == 404
    assert login("kjj").get("/counsel/").status_code == 403
    r = login("office").post(
        f"/counsel/{c.pk}/attendance/", {"meeting": "", "attended_on": "2099-01-01"}
    )
    assert r.status_code == 422
    assert (
        'id="a-meeting-error"' in r.content.decode()
        and 'id="a-attended_on-error"' in r.content.decode()
    )


def test_list_pages_queries_constant(users, orgs, login):
    from fazhi.decisions.models import CounselAttendance, DecisionCatalogue

    c = login("office")

    def grow(n, start):
        for i in range(start, start + n):
            made = Counsel.objects.create(
                zone=orgs["zy-gxq"],
                kind="person",
                name=f"律师{i}",
                contract_start=D(2025, 1, 1),
                contract_end=D(2025, 12, 31),
                scope="审查",
            )
            CounselAttendance.objects.create(counsel=made, meeting="会", attended_on=D(2025, 3, 1))
            DecisionCatalogue.objects.create(
                zone=orgs["zy-gxq"], year=2000 + i, adopted_on=D(2025, 1, 1)
            )

    grow(1, 0)
    counts = []
    for n, start in ((0, 1), (30, 1)):
        grow(n, start)
        c.get("/counsel/")
        with CaptureQueriesContext(connection) as a:
            assert c.get("/counsel/").status_code == 200
        with CaptureQueriesContext(connection) as b:
            assert c.get("/decisions/catalogues/").status_code == 200
        counts.append((len(a), len(b)))
    assert counts[0] == counts[1]
