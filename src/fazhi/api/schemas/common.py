"""What every router's schemas share: the error shape, and the request-body convention.

Request bodies declare each field's type and meaning, but pydantic passes the values through
unchanged: the use case (services) checks every field and answers 422 with a Chinese message
naming the field and its limit ("完成进度必须在 0 至 100 之间"), the same for pages and API.
Letting pydantic refuse a wrong type first would replace those messages with generic ones.
Responses are the opposite: typed for real, and an undeclared key is a programming error
(`Out` forbids extra keys, so a presenter that grows a key fails the tests until declared).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文），可直接展示给用户")
    field: str | None = Field(
        None, description="出错的字段名（请求体、查询参数或路径中的名称）；与具体字段无关时不带"
    )


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declared error answers of an operation: 401, 403, 404, 409, 422, 429."""
    return dict.fromkeys(codes, ErrorOut)


# What a signed-in read and write can answer besides success: not signed in, not allowed,
# not found (or out of scope), a stale version or locked object (writes), bad input.
READ = errors(401, 403, 404, 422)
WRITE = errors(401, 403, 404, 409, 422)


class Out(Schema):
    """Base of response schemas."""

    model_config = ConfigDict(extra="forbid")


def typed(json_type: dict, *, nullable: bool = False) -> Any:
    """A request field documented as `json_type` whose value the use case checks."""
    schema = {"anyOf": [json_type, {"type": "null"}]} if nullable else json_type
    return Annotated[Any, WithJsonSchema(schema)]


Text = typed({"type": "string"})
TextOrNull = typed({"type": "string"}, nullable=True)
Int = typed({"type": "integer"})
IntOrNull = typed({"type": "integer"}, nullable=True)
Day = typed({"type": "string", "format": "date"})
DayOrNull = typed({"type": "string", "format": "date"}, nullable=True)
Flag = typed({"type": "boolean"})
Codes = typed({"type": "array", "items": {"type": "string"}})
Number = typed({"anyOf": [{"type": "number"}, {"type": "string"}]})  # "4.5" or 4.5


class In(BaseModel):
    """Base of request bodies: fields documented, values checked by the use case.

    Unknown fields are kept (extra="allow") so that the use case names them in its refusal
    ("不接受字段 x"); the document still says that no other field is accepted. `required`
    lists what the document marks as required (the use case is what enforces it)."""

    model_config = ConfigDict(extra="allow")
    required: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["additionalProperties"] = False
        for prop in schema.get("properties", {}).values():
            prop.pop("default", None)  # "null" is not a default a client should send
            prop.pop("title", None)
        if cls.required:
            schema["required"] = list(cls.required)
        return schema

    def data(self) -> dict:
        """The fields the client sent, unknown ones included, as the use case takes them."""
        return self.model_dump(exclude_unset=True)


def field(description: str) -> Any:
    """An optional request field (absent means "not sent")."""
    return Field(None, description=description)


def file_answer(content_type: str, description: str) -> dict:
    """`openapi_extra` of an operation whose 200 is a download (an attachment, not JSON)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": {content_type: binary}}}}


def files_answer(description: str, *content_types: str) -> dict:
    """`openapi_extra` of a download whose type depends on the file asked for."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = dict.fromkeys(content_types, binary)
    return {"responses": {200: {"description": description, "content": content}}}
