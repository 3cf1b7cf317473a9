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
    if major:
        step(user, case, "legal_reviewed", "2025-04-01", reviewer=officers["legal"].pk, note="同意")
    step(
        user, case, "decided", "2025-04-10", decision_kind="penalty", penalty_kind="fine",
        amount="5000", decision_no="资高科罚〔2025〕1号", decision_text="罚款五千元",
        legal_basis="《科学技术进步法》第一百一十二条",
    )  # fmt: skip
    case.refresh_from_db()
    return case
