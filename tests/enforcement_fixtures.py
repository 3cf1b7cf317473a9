"""Fixtures for the enforcement tests: rules loaded, the 2024-2026 calendar, officers of
科技经济局 and one complaint of 资阳高新区 to turn into a case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 12, 31)


@pytest.fixture
def enf(workcalendar, users, settings):
    from fazhi.registers.rules import load_shipped

    settings.FAZHI_TODAY = TODAY
    load_shipped(ROOT / "rules")
    return users


def add_officer(user, name, cert_no, valid_to="2027-12-31", valid_from="2020-01-01", **extra):
    from fazhi.enforcement.officers import add_officer as add

    return add(
        user,
        {
            "department": "zy-gxq-kjj",
            "name": name,
            "cert_no": cert_no,
            "issuer": "资阳市人民政府",
            "valid_from": valid_from,
            "valid_to": valid_to,
            **extra,
        },
    )


@pytest.fixture
def officers(enf):
    office = enf["office"]
    return {
        "wang": add_officer(office, "王五", "51200001"),
        "zhao": add_officer(office, "赵六", "51200002"),
        "sun": add_officer(office, "孙七", "51200003", valid_to="2025-03-31"),
        "legal": add_officer(office, "周八", "51200004"),
    }


@pytest.fixture
def complaint(enf):
    from fazhi.registers.services import register_case

    case, _ = register_case(
        enf["office"],
        {
            "kind": "complaint",
            "zone": "zy-gxq",
            "channel": "hotline",
            "received_on": "2025-03-03",
            "name": "李四",
            "phone": "13900139000",
            "subject": "某公司虚报科技项目",
            "content": "某公司以虚假材料申报科技项目资金",
        },
        today=date(2025, 3, 3),
    )
    return case


def open_clue(user, received="2025-03-05", complaint=None, **extra):
    from fazhi.enforcement.cases import open_case

    data = {
        "department": "zy-gxq-kjj",
        "source": "inspection",
        "received_on": received,
        "subject": "虚报科技项目申报材料",
        "facts": "以虚假材料申报",
        "party_kind": "person",
        "name": "王小明",
        "id_number": "11010519491231002X",
        "address": "四川省资阳市雁江区某路1号",
        **extra,
    }
    if complaint is not None:
        data["complaint"] = complaint.tracking_no
    return open_case(user, data, today=TODAY)


def step(user, case, kind, on, files=(), **data):
    from fazhi.enforcement.cases import record_step

    return record_step(user, case.pk, {"kind": kind, "on": on, **data}, today=TODAY, files=files)


def decided_case(user, officers, received="2025-03-05", major=False, **extra):
    """A case through to its decision (a fine of 5000 yuan) on 2025-04-10."""
    case = open_clue(user, received, **extra)
    ids = [officers["wang"].pk, officers["zhao"].pk]
    step(user, case, "filed", "2025-03-10", officers=ids, major=major)
    step(user, case, "investigated", "2025-03-20", note="调查终结报告：事实清楚")
    step(user, case, "notified", "2025-03-25", penalty_kind="fine", amount="5000")
    step(user, case, "statement", "2025-03-28", statement="made", note="当事人申辩，未采纳")
    if major:
        step(user, case, "legal_reviewed", "2025-04-01", reviewer=officers["legal"].pk, note="同意")
    step(
        user, case, "decided", "2025-04-10", decision_kind="penalty", penalty_kind="fine",
        amount="5000", decision_no="资高科罚〔2025〕1号", decision_text="罚款五千元",
        legal_basis="《科学技术进步法》第一百一十二条",
    )  # fmt: skip
    case.refresh_from_db()
    return case


def authz_world(users) -> dict:
    """One of each enforcement object in 资阳高新区, for the authorisation matrix: a closed
    case handled by kjj with a file, a review round whose reviewer is leader, and a
    reconsideration just received."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.enforcement.cases import open_case, record_step
    from fazhi.enforcement.reconsiderations import register
    from fazhi.enforcement.reviews import create_round

    office, today = users["office"], date(2025, 12, 31)
    a = add_officer(office, "王五", "51900001")
    b = add_officer(office, "赵六", "51900002")
    case = open_case(
        office,
        {"department": "zy-gxq-kjj", "source": "inspection", "received_on": "2025-10-09",
         "subject": "案由", "party_kind": "org", "party_org": "某公司"},
        today=today,
    )  # fmt: skip
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    for kind, on, extra, files in (
        ("filed", "2025-10-10", {"officers": [a.pk, b.pk], "major": True}, ()),
        ("recorded", "2025-10-11", {"note": "现场检查"}, (SimpleUploadedFile("笔录.pdf", pdf),)),
        ("investigated", "2025-10-13", {"note": "报告"}, ()),
        ("notified", "2025-10-14", {"penalty_kind": "warning"}, ()),
        ("statement", "2025-10-14", {"statement": "waived"}, ()),
        ("legal_reviewed", "2025-10-15", {"reviewer": b.pk, "note": "同意"}, ()),
        ("decided", "2025-10-20", {"decision_kind": "penalty", "penalty_kind": "warning",
                                   "decision_no": "资高科罚〔2025〕9号", "decision_text": "警告",
                                   "legal_basis": "某法"}, ()),
        ("served", "2025-10-21", {}, ()),
        ("published", "2025-10-21", {}, ()),
        ("reported_up", "2025-10-21", {}, ()),
        ("closed", "2025-10-22", {}, ()),
    ):  # fmt: skip
        record_step(office, case.pk, {"kind": kind, "on": on, **extra}, today=today, files=files)
    rnd = create_round(office, {"title": "评查", "year": "2025", "reviewers": "leader"})
    recon = register(
        office,
        {"received_on": "2025-10-09", "name": "张三", "respondent": "科技经济局", "act": "处罚",
         "request": "撤销"},
        today=today,
    )  # fmt: skip
    from fazhi.enforcement.inspections import add_plan

    inspection = add_plan(office, {"title": "执法检查", "kind": "periodic", "year": "2025"})
    return {
        "inspection_id": inspection.pk,
        "enf_case_id": case.pk,
        "step_file_id": case.steps.get(kind="recorded").files.get().pk,
        "officer_id": a.pk,
        "round_id": rnd.pk,
        "file_review_id": rnd.files.get().pk,
        "recon_id": recon.pk,
    }
