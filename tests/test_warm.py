"""A server process settles before it serves: every template compiled once (workers forked
from it inherit them) and the loaded application frozen out of the garbage collector."""

from __future__ import annotations

import gc

from django.template import engines

from fazhi.ops import warm


def _cached(name: str) -> bool:
    loader = engines["django"].engine.template_loaders[0]
    return any(key.startswith(name) for key in loader.get_template_cache)


def test_settle_loads_every_template_and_freezes_the_process():
    engines["django"].engine.template_loaders[0].reset()
    assert not _cached("web/assessment.html")
    try:
        frozen = warm.settle()
        assert frozen == gc.get_freeze_count() > 100_000
        # the scoring page, a partial it includes and an app's own template
        for name in ("web/assessment.html", "web/_item_row.html", "base.html"):
            assert _cached(name), name
        assert warm.load_templates() >= 100
    finally:
        gc.unfreeze()
