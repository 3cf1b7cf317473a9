"""文号 (发文字号) of the documents the platform issues: 资高新督〔2026〕3号.

A 文号 is the org's prefix (机关代字, e.g. 资高新), the kind's character (督, 通, 函), the year in
〔〕 and a number counted per org, kind and year (the counter lives in the database).
"""

from __future__ import annotations

from .errors import RuleError

# Kinds of document that carry a 文号, and the character that marks each in it.
KINDS = {
    "supervision": "督",  # 督办单
    "bulletin": "通",  # 工作进展通报
    "letter": "函",  # the registers' letters to applicants (告知书)
}
PREFIX_LIMIT = 10
# Words dropped when a prefix is made from a full name: what is left is the place and its kind.
_DROP = ("管理委员会", "管委会", "技术产业开发区", "开发区", "园区", "人民政府", "委员会")


def default_prefix(name: str) -> str:
    """A prefix from the org's name: 资阳高新技术产业开发区 -> 资高新, 资阳市科学技术局 -> 资科."""
    name = "".join(name.split())
    for city_end in ("市", "州", "县", "区", "省"):
        i = name.find(city_end)
        if 0 < i <= 3:
            rest = name[i + 1 :]
            if rest.startswith("高新"):
                return name[0] + "高新"
            return name[0] + (rest[:1] if rest else "")
    if "高新" in name:
        return name[0] + "高新"
    for word in _DROP:
        name = name.replace(word, "")
    return name[:3] or "文"


def check_prefix(prefix: str) -> str:
    prefix = "".join((prefix or "").split())
    if not prefix:
        raise RuleError("prefix", "请填写发文机关代字")
    if len(prefix) > PREFIX_LIMIT:
        raise RuleError("prefix", f"发文机关代字最多 {PREFIX_LIMIT} 个字，现为 {len(prefix)} 个字")
    if any(c in prefix for c in "〔〕[]()（）号"):
        raise RuleError("prefix", "发文机关代字不能含括号或“号”字：年份和序号由平台编排")
    return prefix


def format_doc_no(prefix: str, kind: str, year: int, number: int) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of document: {kind}")
    if number < 1:
        raise ValueError("a 文号 counts from 1")
    return f"{prefix}{KINDS[kind]}〔{year}〕{number}号"
