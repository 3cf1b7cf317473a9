"""Personal data as the platform compares and shows it (等保 2.0 三级, 个人信息保护): one
normal form per kind of value, so that the same person typed two ways is found by one blind
index (core.crypto.blind_index), and a masked display form (脱敏显示). Pure: no Django."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

KINDS = ("name", "phone", "id_number", "email", "address", "text")
_SPACES = re.compile(r"\s+")
_NAME_DOTS = str.maketrans(dict.fromkeys("•‧∙⋅・･.．", "·"))  # 阿卜杜拉·买买提 written with any dot


def _nfkc(value: str) -> str:
    """NFKC folds full-width letters and digits (１３８ → 138) and compatibility forms."""
    return unicodedata.normalize("NFKC", value).strip()


def _digits(value: str) -> str:
    out = []
    for ch in value:
        d = unicodedata.decimal(ch, None)
        if d is not None:
            out.append(str(d))
    return "".join(out)


def normalise_text(value: str) -> str:
    return _nfkc(value)


def normalise_name(value: str) -> str:
    return _SPACES.sub("", _nfkc(value).translate(_NAME_DOTS)).casefold()


def normalise_phone(value: str) -> str:
    digits = _digits(_nfkc(value))
    # +86 / 0086 before a mainland mobile number: the same subscriber.
    if len(digits) == 15 and digits.startswith("00861"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits


def normalise_id_number(value: str) -> str:
    # Digits only, except the check character X of an 18-digit 居民身份证号码.
    return "".join(ch if ch == "X" else _digits(ch) for ch in _nfkc(value).upper())


def normalise_email(value: str) -> str:
    return _nfkc(value).lower()


def normalise_address(value: str) -> str:
    return _SPACES.sub("", _nfkc(value)).casefold()


NORMALISERS: Mapping[str, Callable[[str], str]] = {
    "name": normalise_name,
    "phone": normalise_phone,
    "id_number": normalise_id_number,
    "email": normalise_email,
    "address": normalise_address,
    "text": normalise_text,
}


def mask(value: str | None, kind: str = "text") -> str:
    """A display form that hides most of the value (脱敏显示): 张*丰, 138****8000, 5101**********123X."""
    if not value:
        return ""
    v = value.strip()
    if kind == "phone":
        return v[:3] + "*" * max(len(v) - 7, 1) + v[-4:] if len(v) > 7 else "*" * len(v)
    if kind == "id_number":
        return v[:4] + "*" * max(len(v) - 8, 1) + v[-4:] if len(v) > 8 else "*" * len(v)
    if kind == "email":
        local, _, domain = v.partition("@")
        return (local[:1] + "***" + ("@" + domain if domain else "")) if local else "***"
    if kind == "name":
        if len(v) <= 1:
            return "*"
        return v[0] + "*" * (len(v) - 2) + v[-1] if len(v) > 2 else v[0] + "*"
    if kind == "address":
        return v[:6] + "****" if len(v) > 6 else v[:1] + "****"
    return v[:1] + "****"
