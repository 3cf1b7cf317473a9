"""The API is a contract: the OpenAPI document is valid, and every operation's request body
and 2xx answer is a declared schema, every field typed and described in Chinese.

The check walks the live document, so it covers every router, including ones added later.
"""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

CJK = re.compile(r"[\u4e00-\u9fff]")
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


@pytest.fixture(scope="module")
def document():
    """The document as served (JSON: status codes are strings there)."""
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(doc: dict, node: dict) -> dict:
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        assert ref not in seen, f"circular $ref {ref}"
        seen.add(ref)
        node = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return node


def untyped(doc: dict, node: dict, where: str, _seen: frozenset = frozenset()) -> list[str]:
    """What is wrong with a schema: each untyped or free-form part, and each field without a
    Chinese description, by its place ("body.person.name")."""
    ref = node.get("$ref")
    if ref in _seen:  # a recursive schema (the indicator tree) is checked once
        return []
    if ref:
        _seen = _seen | {ref}
    node = _resolve(doc, node)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in node:
            return [
                problem
                for member in node[combinator]
                for problem in untyped(doc, member, where, _seen)
            ]
    kind = node.get("type")
    if kind is None and "enum" not in node and "const" not in node:
        return [f"{where}: no type"]
    if kind == "array":
        if "items" not in node:
            return [f"{where}: array without item type"]
        return untyped(doc, node["items"], f"{where}[]", _seen)
    if kind != "object":
        return []
    properties = node.get("properties", {})
    extra = node.get("additionalProperties")
    if not properties and not isinstance(extra, dict):
        return [f"{where}: free-form object (no declared fields)"]
    problems = []
    if isinstance(extra, dict):
        problems += untyped(doc, extra, f"{where}.*", _seen)
    for name, prop in properties.items():
        if not CJK.search(prop.get("description", "")):
            problems.append(f"{where}.{name}: no Chinese description")
        problems += untyped(doc, prop, f"{where}.{name}", _seen)
    return problems


def operation_problems(doc: dict) -> list[str]:
    """Every problem of every operation, named "METHOD /path: place: problem"."""
    problems = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            body = op.get("requestBody")
            if body is not None:
                content = body.get("content") or {}
                if not content:
                    problems.append(f"{name}: request body without content")
                for media, spec in content.items():
                    if "schema" not in spec:
                        problems.append(f"{name}: request body {media} without schema")
                    else:
                        problems += [f"{name}: {p}" for p in untyped(doc, spec["schema"], "body")]
            answers = {
                code: r for code, r in op.get("responses", {}).items() if str(code)[0] == "2"
            }
            if not answers:
                problems.append(f"{name}: no 2xx answer declared")
            for code, answer in answers.items():
                content = answer.get("content") or {}
                if str(code) == "204":
                    continue
                if not content:
                    problems.append(f"{name}: {code} answer without content")
                for media, spec in content.items():
                    if "schema" not in spec:
                        problems.append(f"{name}: {code} answer {media} without schema")
                    elif media.startswith("application/json"):
                        problems += [
                            f"{name}: {p}" for p in untyped(doc, spec["schema"], f"{code}")
                        ]
                    elif spec["schema"].get("format") != "binary":
                        problems.append(f"{name}: {code} answer {media} is not a declared file")
    return problems


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_every_operation_has_typed_and_described_bodies_and_answers(document):
    problems = operation_problems(document)
    assert not problems, "untyped API operations:\n" + "\n".join(problems)


def test_errors_are_declared_with_the_error_shape(document):
    missing = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            codes = {str(c) for c in op["responses"]}
            if op.get("security") and "401" not in codes:
                missing.append(f"{method.upper()} {path}: 401 not declared")
            for code in codes - {"200", "201", "204"}:
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                if schema != {"$ref": "#/components/schemas/ErrorOut"}:
                    missing.append(f"{method.upper()} {path}: {code} is not ErrorOut")
    assert not missing, "\n".join(missing)
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"] and set(error["properties"]) == {"detail", "field"}


def test_the_check_names_what_is_untyped():
    """The walker above must be able to fail: a document with each kind of gap."""
    described = {"type": "string", "description": "名称"}
    doc = {
        "components": {"schemas": {"Loose": {"type": "object", "properties": {"x": {}}}}},
        "paths": {
            "/a": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "additionalProperties": True}
                            }
                        }
                    },
                    "responses": {"201": {"content": {"application/json": {"schema": {}}}}},
                },
                "get": {"responses": {"401": {"description": "no answer"}}},
            },
            "/b": {
                "put": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Loose"}
                                }
                            }
                        }
                    }
                },
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "ok": described,
                                            "list": {
                                                "type": "array",
                                                "items": {"type": "object"},
                                                "description": "列表",
                                            },
                                        },
                                    }
                                }
                            }
                        }
                    }
                },
            },
            "/c": {"get": {"responses": {"200": {"content": {"application/pdf": {"schema": {}}}}}}},
        },
    }
    assert operation_problems(doc) == [
        "POST /a: body: free-form object (no declared fields)",
        "POST /a: 201: no type",
        "GET /a: no 2xx answer declared",
        "PUT /b: 200.x: no Chinese description",
        "PUT /b: 200.x: no type",
        "GET /b: 200.list[]: free-form object (no declared fields)",
        "GET /c: 200 answer application/pdf is not a declared file",
    ]


def test_operation_ids_are_unique(document):
    """Generated clients name their functions after them (the handler's name)."""
    seen: dict[str, str] = {}
    clashes = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            if op["operationId"] in seen:
                clashes.append(f"{op['operationId']}: {seen[op['operationId']]} and {where}")
            seen.setdefault(op["operationId"], where)
    assert not clashes, "rename the handlers:\n" + "\n".join(clashes)
