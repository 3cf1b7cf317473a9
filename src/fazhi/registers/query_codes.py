"""Reissuing a lost 查询码. The code is shown once and kept only as a digest, so a person who
lost it cannot get it back: the office checks who is asking against the details on the case
(as presented in person or confirmed by calling back the number on file) and issues a new
code, which replaces the old one. Refusals are audited as well as reissues."""

from __future__ import annotations

import hmac
import unicodedata

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fazhi.audit.services import record
from fazhi.core.errors import Collect, ConflictError, RuleErrors
from fazhi.core.personal import normalise_phone
from fazhi.core.validate import text

from . import codes, inputs
from .models import Case
from .selectors import get_case, is_office_of

# How the office made sure the person asking is the one on the case.
METHODS = {
    "id_document": "当面查验身份证件（单位为营业执照等证照）",
    "callback": "回拨案件登记的联系电话核实",
}
FIELDS = {"name", "id_number", "phone", "method"}


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def _name(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _parse(data: dict) -> tuple[str, str, str, str]:
    """(method, name, id number, phone) as typed; RuleErrors naming every missing field."""
    check = Collect()
    method = check(inputs.choice, data.get("method"), "method", "核实方式", METHODS)
    name = check(text, data.get("name"), "name", "姓名或名称", limit=100, required=True)
    id_number = check(inputs.id_number, data.get("id_number"))
    phone = check(inputs.phone, data.get("phone"))
    if method == "id_document" and not inputs.given(data.get("id_number")):
        check.errors["id_number"] = "当面查验证件时，请填写所查验证件的号码"
    if method == "callback" and not inputs.given(data.get("phone")):
        check.errors["phone"] = "回拨核实时，请填写所回拨的电话号码"
    check.done()
    return method, name, id_number, phone


def _mismatches(case: Case, method: str, name: str, id_number: str, phone: str) -> dict:
    """The fields that do not match the case (nothing of the stored details is revealed)."""
    person, wrong = case.person, {}
    if not _same(_name(name), _name(person.name)):
        wrong["name"] = "姓名或名称与案件登记的不一致"
    if method == "id_document" and not _same(id_number, inputs.id_number(person.id_number or "")):
        wrong["id_number"] = "证件号码与案件登记的不一致（或登记时未留证件号码）"
    if method == "callback" and not _same(
        normalise_phone(phone), normalise_phone(person.phone or "")
    ):
        wrong["phone"] = "电话号码与案件登记的不一致"
    return wrong


def reissue(user, case_id, data: dict) -> tuple[Case, str]:
    """(case, new code). Only the zone's office; never for an anonymous complaint."""
    inputs.only_known(data, FIELDS)
    case = get_case(user, case_id)
    if not is_office_of(user, case):
        raise PermissionDenied("只有创建办可以补发查询码")
    if case.anonymous or case.person_id is None:
        raise ConflictError("匿名投诉举报没有可核对的身份信息，不能补发查询码")
    method, name, id_number, phone = _parse(data)
    wrong = _mismatches(case, method, name, id_number, phone)
    if wrong:  # a failed identity check is kept, as a reissue is
        record(user, "case.query_code.refused", case, after={"fields": sorted(wrong)})
        raise RuleErrors(wrong)
    with transaction.atomic():
        case = get_case(user, case_id, for_update=True)
        code = codes.new_query_code()
        Case.objects.filter(pk=case.pk).update(query_digest=codes.digest(case.tracking_no, code))
        record(
            user,
            "case.query_code.reissue",
            case,
            after={"tracking_no": case.tracking_no, "method": method},
        )
    return case, code
