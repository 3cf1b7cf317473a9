"""The answering agency's phone and address at the foot of every public page, set by the
office or by the operator with `fazhi registers intake`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import Client

from fazhi.audit.models import AuditEntry
from fazhi.core.errors import RuleError
from fazhi.registers.models import IntakeSettings
from fazhi.registers.services import set_intake

pytestmark = pytest.mark.django_db

PAGES = ["/public/", "/public/complaints/new/", "/public/disclosure/new/", "/public/track/"]


def footer(path: str) -> str:
    html = Client().get(path).content.decode()
    return html[html.index('<footer class="site-footer"') : html.index("</footer>")]


def test_operator_sets_the_contact_printed_on_every_public_page(users, settings):
    settings.FAZHI_PUBLIC_CHALLENGE = "off"
    out = StringIO()
    call_command(
        "registers",
        "intake",
        "zy-gxq",
        "--agency",
        "资阳高新区管理委员会",
        "--phone",
        "028-2665 0000",
        "--address",
        "资阳市雁江区某路 1 号政务服务中心 3 楼",
        stdout=out,
    )
    assert "受理电话：028-2665 0000" in out.getvalue()
    for path in PAGES:
        f = footer(path)
        assert "资阳高新区管理委员会" in f and "（资阳高新区）" in f, path
        assert '<a href="tel:02826650000">028-2665 0000</a>' in f
        assert "地址 资阳市雁江区某路 1 号政务服务中心 3 楼" in f
    # a zone that has not given them says so, instead of leaving people guessing
    assert '成都高新区</span> · <span class="muted">电话和地址尚未公布</span>' in " ".join(
        footer("/public/").split()
    )
    assert AuditEntry.objects.filter(action="intake.settings").count() == 1


def test_too_long_phone_refused_naming_field_and_limit(users):
    with pytest.raises(CommandError, match=r"^受理电话不能超过 30 字（当前 31 字）$"):
        call_command("registers", "intake", "zy-gxq", "--phone", "1" * 31, "--address", "某地")
    assert not IntakeSettings.objects.exists()  # nothing half-written
    with pytest.raises(CommandError, match="园区 nowhere 不存在"):
        call_command("registers", "intake", "nowhere", "--phone", "1")


def test_office_sets_its_own_zone_only(users):
    row = set_intake(users["office"], "zy-gxq", {"phone": "028-1", "address": "某路"})
    assert (row.phone, row.address) == ("028-1", "某路")
    with pytest.raises(Http404):
        set_intake(users["office2"], "zy-gxq", {"phone": "1"})
    with pytest.raises(PermissionDenied):
        set_intake(users["leader"], "zy-gxq", {"phone": "1"})
    with pytest.raises(RuleError) as exc:
        set_intake(users["office"], "zy-gxq", {"address": "路" * 201})
    assert exc.value.field == "address" and "200" in exc.value.message
    assert IntakeSettings.objects.get().address == "某路"
