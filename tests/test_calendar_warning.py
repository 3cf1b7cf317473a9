"""Issue 9 item 2: the system administrator is warned, on the home page and by reminder,
from 1 November when next year's holiday notice is missing (and all year when this year's is)."""

from __future__ import annotations

from datetime import date

from fazhi.core.workdays import WorkCalendar, missing_notice_year
from fazhi.workplan.models import Notification
from fazhi.workplan.supervision import tick
from tests.conftest import login_with_totp

CAL = WorkCalendar(
    years=frozenset({2025, 2026}), rest_days=frozenset(), make_up_workdays=frozenset()
)


def test_which_year_is_due():
    assert missing_notice_year(CAL, date(2026, 10, 31)) is None
    assert missing_notice_year(CAL, date(2026, 11, 1)) == 2027
    assert missing_notice_year(CAL, date(2027, 1, 4)) == 2027  # this year's, all year
    assert missing_notice_year(CAL, date(2025, 12, 31)) is None  # 2026 is entered


def test_home_page_warns_the_administrator_only(workcalendar, users, login, settings):
    settings.FAZHI_TODAY = "2026-11-30"  # frozen: the calendar (2024–2026) lacks 2027
    page = login_with_totp("admin").get("/").content.decode()
    assert "2027 年的节假日安排尚未录入" in page and 'href="/admin/calendar/"' in page
    assert "2027 年的节假日安排尚未录入" not in login("office").get("/").content.decode()
    settings.FAZHI_TODAY = "2026-10-31"
    assert "节假日安排尚未录入" not in login_with_totp("admin").get("/").content.decode()


def test_tick_reminds_the_administrator_once_from_november(workcalendar, users):
    tick(date(2026, 10, 31))
    assert not Notification.objects.filter(event__startswith="calendar:").exists()
    tick(date(2026, 11, 1))
    tick(date(2026, 11, 30))
    sent = list(Notification.objects.filter(event="calendar:2027"))
    assert [n.user.username for n in sent] == ["admin"]
    assert sent[0].text.startswith("2027 年的节假日安排尚未录入")
