"""The FAZHI_PUBLIC_* settings of the public intake, read by the public pages and by the
nightly clean-up of their counters (own module so neither has to import the other)."""

from __future__ import annotations

import os

from django.conf import settings


def conf(name: str, default):
    """A FAZHI_PUBLIC_* setting: Django settings first, then the environment, then the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None:
        return default
    if isinstance(default, bool):
        return str(value).strip().lower() not in {"0", "off", "false", "no"}
    if isinstance(default, int):
        return int(value)
    return value
