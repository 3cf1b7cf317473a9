"""The holiday table: import from chinesecalendar, the cached calendar, the administrator's
edits (command line and /admin/calendar/), and their audit entries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.audit.models import AuditEntry
from fazhi.core.errors import RuleError
from fazhi.core.workdays import CalendarGap
from fazhi.workdays import selectors, services
from fazhi.workdays.models import CalendarRevision, CalendarYear, Holiday

pytestmark = pytest.mark.django_db
D = date
FAZHI = str(Path(sys.executable).with_name("fazhi"))


def run(*args, data_dir: Path) -> subprocess.CompletedProcess:
    """The real `fazhi` command on a fresh embedded instance of its own."""
    env = {**os.environ, "FAZHI_DATA_DIR": str(data_dir)}
    env.pop("FAZHI_DATABASE_URL", None)
    return subprocess.run([FAZHI, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def imported(db):
    services.import_years()


def test_import_is_idempotent_and_audited():
    done = services.import_years()
    assert done == list(range(2004, 2027))
    assert services.import_years() == []
    assert CalendarYear.objects.count() == 23
    y2025 = CalendarYear.objects.get(year=2025)
    assert (
        y2025.source_notice
        == "国务院办公厅关于2025年部分节假日安排的通知（chinesecalendar 1.11.0）"
    )
    assert y2025.loaded_from == "chinesecalendar 1.11.0"
    rest = Holiday.objects.filter(year=y2025, kind="rest")
    assert rest.count() == 28 and Holiday.objects.filter(year=y2025, kind="workday").count() == 5
    # The weekend days inside a holiday period are kept as rest days, named after it.
    assert rest.get(date=D(2025, 2, 1)).name == "春节"
    assert Holiday.objects.get(date=D(2025, 9, 28)).kind == "workday"
    assert Holiday.objects.get(date=D(2025, 10, 6)).name == "中秋"
    assert AuditEntry.objects.filter(action="calendar.import").count() == 23
    # A year the package does not know is refused.
    with pytest.raises(RuleError, match="不含 2027 年"):
        services.import_years([2027])


def test_import_only_adds_what_is_missing():
    services.import_years([2025])
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025]
    services.add_year(2026, "国务院办公厅关于2026年部分节假日安排的通知", None)
    done = services.import_years()
    assert 2025 not in done and 2026 not in done and 2024 in done
    assert not Holiday.objects.filter(
        year__year=2026
    ).exists()  # the declared year is left as entered


def test_get_calendar_follows_every_edit(imported, users):
    admin = users["admin"]
    cal = selectors.get_calendar()
    assert selectors.get_calendar() is cal  # cached while nothing changed
    assert cal.add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 30)
    assert cal.is_workday(D(2025, 10, 20))

    services.set_day(D(2025, 10, 20), "rest", "临时休息", admin)
    cal2 = selectors.get_calendar()
    assert cal2 is not cal and not cal2.is_workday(D(2025, 10, 20))
    assert cal2.add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 31)

    services.set_day("2025-10-20", "rest", "改名", admin)  # change in place: same counts and ids
    cal3 = selectors.get_calendar()
    assert cal3 is not cal2

    services.remove_day(D(2025, 10, 20), admin)
    assert selectors.get_calendar().is_workday(D(2025, 10, 20))

    with pytest.raises(CalendarGap):
        selectors.get_calendar().add_workdays(D(2026, 12, 10), 20)
    services.add_year(2027, "国务院办公厅关于2027年部分节假日安排的通知", admin)
    assert selectors.get_calendar().add_workdays(D(2026, 12, 10), 20) == D(2027, 1, 7)


def test_cache_is_checked_against_the_database_not_this_process():
    """Another process's write is seen: nothing in this process is told about it."""
    services.import_years([2025])
    cal = selectors.get_calendar()
    # As another process would leave the table: a row changed and the token moved on.
    Holiday.objects.filter(date=D(2025, 9, 28)).update(kind="rest")
    CalendarRevision.objects.update(token="elsewhere")
    assert not selectors.get_calendar().is_workday(D(2025, 9, 28))
    assert cal.is_workday(D(2025, 9, 28))
    # Rows deleted behind the services' back change the fingerprint too.
    Holiday.objects.filter(date=D(2025, 10, 8)).delete()
    assert selectors.get_calendar().is_workday(D(2025, 10, 8))


def test_fingerprint_is_one_query(imported, django_assert_num_queries):
    selectors.get_calendar()
    with django_assert_num_queries(1):
        selectors.get_calendar()


def test_edits_are_checked(imported, users):
    admin = users["admin"]
    with pytest.raises(RuleError, match="2027 年的节假日安排尚未录入，请先录入该年度"):
        services.set_day(D(2027, 1, 1), "rest", "元旦", admin)
    with pytest.raises(RuleError, match="类型须为 rest"):
        services.set_day(D(2025, 3, 1), "holiday", "", admin)
    with pytest.raises(RuleError, match="本来就是工作日"):
        services.set_day(D(2025, 3, 3), "workday", "", admin)
    with pytest.raises(RuleError, match="不是已录入的节假日"):
        services.remove_day(D(2025, 3, 3), admin)
    with pytest.raises(RuleError, match="已录入"):
        services.add_year(2025, "某通知", admin)
    with pytest.raises(RuleError, match="请填写依据的通知"):
        services.add_year(2030, "  ", admin)
    with pytest.raises(PermissionDenied):
        services.set_day(D(2025, 3, 1), "rest", "", users["office"])
    with pytest.raises(PermissionDenied):
        services.add_year(2030, "通知", users["leader"])


# -- the command -------------------------------------------------------------------------


def test_command_counts_and_edits(imported, capsys):
    call_command("workdays", "add", "2025-09-26", "20")
    assert capsys.readouterr().out.strip() == "2025-10-30"
    call_command("workdays", "add", "2025-01-24", "20")
    assert capsys.readouterr().out.strip() == "2025-02-27"
    call_command("workdays", "days", "2025-09-24", "7")
    assert capsys.readouterr().out.strip() == "2025-10-09"
    call_command("workdays", "between", "2025-09-26", "2025-10-30")
    assert capsys.readouterr().out.strip() == "20"
    call_command("workdays", "years")
    out = capsys.readouterr().out
    assert (
        "2025\t法定节假日 28 天\t调休上班日 5 天\t国务院办公厅关于2025年部分节假日安排的通知" in out
    )
    call_command("workdays", "import")
    assert "没有需要导入的年度" in capsys.readouterr().out

    for args, message in [
        (
            ("add", "2026-12-10", "20"),
            "2027 年的节假日安排尚未录入（国务院尚未发布或未导入），无法按工作日计算期限",
        ),
        (("add", "2025-02-30", "1"), "格式不正确，应为 YYYY-MM-DD"),
        (("add", "2025-09-26", "-3"), "天数不能为负数"),
        (("add", "2025-09-26", "二十"), "不是整数"),
        (("set", "2027-01-01", "--kind", "rest", "--name", "元旦"), "请先录入该年度"),
        (("set", "2025-03-01", "--kind", "weekend"), "类型须为 rest"),
        (("unset", "2025-03-03"), "不是已录入的节假日"),
        (("year", "add", "20x7", "--source", "通知"), "不是有效的年份"),
    ]:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("workdays", *args)

    call_command(
        "workdays", "year", "add", "2027", "--source", "国务院办公厅关于2027年部分节假日安排的通知"
    )
    call_command("workdays", "set", "2027-01-01", "--kind", "rest", "--name", "元旦")
    call_command("workdays", "set", "2026-12-31", "--kind", "rest", "--name", "元旦")
    assert "已设定 2026-12-31 为法定节假日（元旦）" in capsys.readouterr().out
    call_command("workdays", "add", "2026-12-30", "1")
    assert capsys.readouterr().out.strip() == "2027-01-04"
    call_command("workdays", "unset", "2026-12-31")
    call_command("workdays", "add", "2026-12-30", "1")
    assert capsys.readouterr().out.strip().endswith("2026-12-31")
    actions = list(
        AuditEntry.objects.filter(action__startswith="calendar.")
        .exclude(action="calendar.import")
        .values_list("action", flat=True)
    )
    assert actions == [
        "calendar.year.add",
        "calendar.day.set",
        "calendar.day.set",
        "calendar.day.remove",
    ]


def test_real_command_exit_codes(tmp_path):
    assert run("init", data_dir=tmp_path).returncode == 0
    ok = run("workdays", "add", "2025-09-26", "20", data_dir=tmp_path)
    assert ok.returncode == 0 and ok.stdout == "2025-10-30\n", ok.stderr
    gap = run("workdays", "add", "2026-12-10", "20", data_dir=tmp_path)
    assert gap.returncode == 1 and "2027 年的节假日安排尚未录入" in gap.stderr and gap.stdout == ""
    for args in (("2025-9-26", "20"), ("2025-09-26", "-3"), ("2025-09-26", "x"), ("2025-09-26",)):
        bad = run("workdays", "add", *args, data_dir=tmp_path)
        assert bad.returncode == 1 and bad.stdout == "", (args, bad.stderr)
    assert "格式不正确" in run("workdays", "add", "2025-9-26", "20", data_dir=tmp_path).stderr
    assert run("init", data_dir=tmp_path).stdout.count("新导入 0 个年度") == 1


# -- the page ----------------------------------------------------------------------------


def test_admin_page_lists_and_edits(imported, login, users):
    c = login("admin")
    page = c.get("/admin/calendar/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025 年" in html and "国务院办公厅关于2025年部分节假日安排的通知" in html
    assert "2025-10-01" in html and "2025-09-28" in html and "调休上班日" in html
    assert 'data-confirm="确定删除 2025-10-01' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script"
    assert "http://" not in html and "https://" not in html

    r = c.post("/admin/calendar/days/", {"date": "2025-03-03", "kind": "rest", "name": "测试"})
    assert r.status_code == 302 and r["Location"].endswith("?year=2025")
    assert not selectors.get_calendar().is_workday(D(2025, 3, 3))
    r = c.post("/admin/calendar/days/", {"date": "2025-03-03", "kind": "rest", "name": "改名"})
    assert Holiday.objects.get(date=D(2025, 3, 3)).name == "改名"
    r = c.post("/admin/calendar/days/remove/", {"date": "2025-03-03"})
    assert r.status_code == 302 and not Holiday.objects.filter(date=D(2025, 3, 3)).exists()
    assert selectors.get_calendar().is_workday(D(2025, 3, 3))

    r = c.post(
        "/admin/calendar/days/", {"date": "2027-01-01", "kind": "rest", "name": "元旦"}, follow=True
    )
    assert "未保存：2027 年的节假日安排尚未录入" in r.content.decode()
    r = c.post(
        "/admin/calendar/years/",
        {"year": "2027", "source_notice": "国务院办公厅关于2027年部分节假日安排的通知"},
        follow=True,
    )
    assert "已录入 2027 年" in r.content.decode()
    c.post("/admin/calendar/days/", {"date": "2027-01-01", "kind": "rest", "name": "元旦"})
    assert "2027-01-01" in c.get("/admin/calendar/?year=2027").content.decode()

    entries = list(
        AuditEntry.objects.filter(actor_name="admin", action__startswith="calendar.").values_list(
            "action", "before", "after"
        )
    )
    assert [a for a, _, _ in entries] == [
        "calendar.day.set",
        "calendar.day.set",
        "calendar.day.remove",
        "calendar.year.add",
        "calendar.day.set",
    ]
    assert '"name":"测试"' in entries[1][1] and '"name":"改名"' in entries[1][2]
    assert '"date":"2025-03-03"' in entries[2][1]


def test_admin_page_is_for_the_system_admin_only(imported, login, users, client):
    assert client.get("/admin/calendar/").status_code == 302  # to the login page
    for name in ("office", "leader", "kjj", "city"):
        c = login(name)
        r = c.get("/admin/calendar/")
        assert (
            r.status_code == 403
            and "无权访问" in r.content.decode()
            and "系统管理员" in r.content.decode()
        )
        assert (
            c.post("/admin/calendar/days/", {"date": "2025-03-03", "kind": "rest"}).status_code
            == 403
        )
        assert c.post("/admin/calendar/days/remove/", {"date": "2025-10-01"}).status_code == 403
        assert (
            c.post("/admin/calendar/years/", {"year": "2030", "source_notice": "x"}).status_code
            == 403
        )
    assert (
        not Holiday.objects.filter(date=D(2025, 3, 3)).exists()
        and Holiday.objects.filter(date=D(2025, 10, 1)).exists()
    )
    assert not CalendarYear.objects.filter(year=2030).exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.day").exists()
