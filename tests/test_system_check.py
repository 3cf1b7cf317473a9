"""Django's system checks pass without a warning: every command prints them, and a warning such
as a URL namespace included twice (urls.W005) hides a route that can no longer be reversed."""

from __future__ import annotations

from django.core.management import call_command


def test_no_system_check_warnings():
    call_command("check", fail_level="WARNING")
