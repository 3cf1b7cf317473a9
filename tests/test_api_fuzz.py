"""Schemathesis against the OpenAPI document: no input makes the API answer 5xx.

Every operation in /api/v1/openapi.json gets a handful of generated requests (valid and
invalid) through the real Django WSGI application, authenticated as an office user.
Half of them have their path ids pointed at objects that exist (the seed's assessment,
plan and tasks), so the generated bodies reach the use cases, not only the 404s.
"""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import token_for

pytestmark = pytest.mark.django_db

EXAMPLES = 12  # per operation


@pytest.fixture(autouse=True)
def one_connection():
    """As Django's own test client does: requests share the test's connection (and its
    transaction) instead of closing it when they end."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(plan, assessment):
    task = plan.tasks.order_by("number").first()
    return {
        "assessment_id": assessment.pk,
        "plan_id": plan.pk,
        "task_id": task.pk if task else 1,
        "code": "1",
        "year": 2025,  # a body field: a valid year lets the other fields reach the use case
    }


# Read at collection time: serving the OpenAPI document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
_turn = itertools.count()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_input_gives_a_server_error(case, real_ids):
    if case.path_parameters and next(_turn) % 2:
        for name in case.path_parameters:
            if name in real_ids:
                case.path_parameters[name] = real_ids[name]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token_for('office')}"}, checks=[not_a_server_error]
    )


# ------------------------------------------------------------------ NUL characters
# PostgreSQL refuses U+0000 in text ("PostgreSQL text fields cannot contain NUL (0x00)
# bytes"); SQLite stores it. A request carrying one must be refused (4xx), not crash. The
# generator above produces NUL only by chance, so every operation is also probed with it
# in every string it takes: the path, the query and the JSON body.

NUL = "a\x00b"
RAW = schema.raw_schema
OPERATIONS = [(method.upper(), path) for path, ops in RAW["paths"].items() for method in ops]


# 5xx found on PostgreSQL in endpoints outside this test's remit, reported, not fixed here.
def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = RAW["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _value(node: dict, name: str, real_ids: dict, text: str = NUL):
    node = _resolve(node)
    types = {_resolve(n).get("type") for n in node.get("anyOf", [node])}
    if name in real_ids and types & {"integer"}:
        return real_ids[name]
    if "string" in types or None in types:  # untyped fields are strings to the rules
        return text
    if "integer" in types:
        return 1
    if "boolean" in types:
        return True
    return None


def _nul_request(
    method: str, path: str, real_ids: dict, text: str = NUL
) -> tuple[str, dict, dict | None]:
    op = RAW["paths"][path][method.lower()]
    query = {}
    for param in op.get("parameters", []):
        value = _value(param.get("schema", {}), param["name"], real_ids)
        if param["in"] == "path":
            path = path.replace(
                "{" + param["name"] + "}", quote(str(value if value is not None else 1), safe="")
            )
        elif param["in"] == "query" and value == NUL:
            query[param["name"]] = value
    body = None
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content:
        body_schema = _resolve(content["schema"])
        body = {
            k: v
            for k, v in (
                (k, _value(s, k, real_ids, text))
                for k, s in body_schema.get("properties", {}).items()
            )
            if v is not None
        }
    return path, query, body


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_nul_characters_are_refused_not_crashing(method, path, real_ids, request):
    from django.test import Client

    url, query, body = _nul_request(method, path, real_ids)
    if query:
        url += "?" + urlencode(query)
    kwargs = {"headers": {"Authorization": f"Bearer {token_for('office')}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(Client(raise_request_exception=False), method.lower())(url, **kwargs)
    assert response.status_code < 500, (method, url, body, response.status_code)


# A lone surrogate ("\\ud800" in JSON) cannot be encoded as UTF-8: any JSON text field that
# carries one must be refused (422), never reach a write and crash.
SURROGATE = "a\ud800b"
BODY_OPERATIONS = [
    (m, p)
    for m, p in OPERATIONS
    if RAW["paths"][p][m.lower()].get("requestBody", {}).get("content", {}).get("application/json")
]


@pytest.mark.parametrize(
    ("method", "path"), BODY_OPERATIONS, ids=[f"{m} {p}" for m, p in BODY_OPERATIONS]
)
def test_lone_surrogates_are_refused_not_crashing(method, path, real_ids):
    from django.test import Client

    _, _, body = _nul_request(method, path, real_ids, SURROGATE)
    url = re.sub(r"\{(\w+)\}", lambda m: str(real_ids.get(m[1], 1)), path)  # real objects
    body = {**(body or {}), "x\udc00": SURROGATE}  # in a key as well
    response = getattr(Client(raise_request_exception=False), method.lower())(
        url,
        data=json.dumps(body),  # ensure_ascii: the surrogate goes as the escape \\ud800
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for('office')}"},
    )
    assert response.status_code == 422, (method, url, response.status_code)
    assert "代理项" in response.json()["detail"]
