"""Fixtures of the departments' annual assessment, shared by API, page and browser tests:
the test department table (tests/data/department-table.yaml) and the 科技经济局's sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

TABLE = Path(__file__).parent / "data" / "department-table.yaml"


@pytest.fixture
def dept_framework(db):
    from fazhi.frameworks.services import load_file

    return load_file(TABLE)[0]


@pytest.fixture
def sheet(dept_framework, users):
    """The 科技经济局's annual assessment, its block picked by the block's org."""
    from fazhi.assessments.services import create_assessment

    return create_assessment(users["office"], "zy-gxq-kjj", dept_framework.code, None, 2025)


def put(client, a, code, data):
    """PUT one result through the API with its current version."""
    body = client.get(f"/assessments/{a.pk}").json()
    version = next(r["version"] for r in body["results"] if r["indicator_code"] == code)
    return client.put(f"/assessments/{a.pk}/results/{code}", {"version": version, **data})
