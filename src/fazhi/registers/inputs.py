"""Validators for what the public and the staff send about a case: each returns the clean value
or raises RuleError naming the field, with a Chinese message. Text is kept as text (HTML or
script is not interpreted anywhere: pages escape it, letters and spreadsheets hold it as text).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from fazhi.core.errors import RuleError
from fazhi.core.personal import normalise_phone
from fazhi.core.validate import text

LIMITS = {
    "name": 50,
    "org_name": 100,
    "id_number": 30,
    "phone": 30,
    "email": 100,
    "address": 200,
    "subject": 200,
    "content": 4000,
    "respondent": 200,
    "delivery": 50,
    "reason": 1000,
    "reply_text": 4000,
    "note": 1000,
    "agency": 100,
    "published_at": 300,
    "third_party": 200,
}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")  # area code 0xx / 0xxx with a 7–8 digit number
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")  # a local number without area code
_SERVICE = re.compile(r"^(400|800)\d{7}$")
_PHONE_CHARS = re.compile(r"^[0-9０-９+＋()（）\-－—\s]+$")
_ID_CHARS = re.compile(r"^[0-9A-Za-z]+$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def phone(value, field: str = "phone", label: str = "联系电话", *, required: bool = False) -> str:
    raw = text(value, field, label, limit=LIMITS["phone"], required=required)
    if not raw:
        return ""
    digits = normalise_phone(raw)
    if not _PHONE_CHARS.match(raw) or not (
        _MOBILE.match(digits)
        or _LANDLINE.match(digits)
        or _LOCAL.match(digits)
        or _SERVICE.match(digits)
    ):
        raise RuleError(
            field, f"{label}格式不正确：手机号码为 11 位数字，固定电话请带区号（如 028-12345678）"
        )
    return raw


def email(value, field: str = "email", label: str = "电子邮箱", *, required: bool = False) -> str:
    raw = text(value, field, label, limit=LIMITS["email"], required=required)
    if not raw:
        return ""
    try:
        validate_email(raw)
    except ValidationError:
        raise RuleError(field, f"{label}格式不正确（如 name@example.com）") from None
    return raw


def id_number(value, field: str = "id_number", label: str = "身份证件号码") -> str:
    raw = (
        unicodedata.normalize("NFKC", text(value, field, label, limit=LIMITS["id_number"]))
        .replace(" ", "")
        .upper()
    )
    if not raw:
        return ""
    if not _ID_CHARS.match(raw) or len(raw) < 5:
        raise RuleError(field, f"{label}格式不正确：只能包含数字和字母")
    if len(raw) == 18 and raw[:17].isdigit():
        check = _ID_CHECK[sum(int(d) * w for d, w in zip(raw[:17], _ID_WEIGHTS, strict=True)) % 11]
        if raw[17] != check:
            raise RuleError(field, f"{label}校验位不正确，请核对居民身份证号码")
    return raw


def given(value) -> bool:
    """Whether something was entered (blank text counts as nothing; any other value as given)."""
    return bool(value.strip()) if isinstance(value, str) else value is not None


def boolean(value, field: str, label: str) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "on", "yes", "是"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "off", "no", "否"}:
        return False
    raise RuleError(field, f"{label}必须是 true 或 false")


def choice(
    value,
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    required: bool = True,
    default: str = "",
) -> str:
    if value in (None, ""):
        if required and not default:
            raise RuleError(field, f"请选择{label}")
        return default
    if not isinstance(value, str) or value not in choices:
        raise RuleError(
            field, f"{label}应为以下之一：{'、'.join(f'{k}（{v}）' for k, v in choices.items())}"
        )
    return value


def only_known(data: dict, allowed: set[str]) -> None:
    """A body may carry only the fields the use case reads: a stray field is named, not ignored."""
    if not isinstance(data, dict):
        raise RuleError("body", "请求体必须是 JSON 对象")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleError(unknown[0], f"不接受字段 {unknown[0]}")
