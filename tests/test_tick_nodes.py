"""Two app nodes run `fazhi tick` from cron at the same minute (issue 15): each piece of work is
done once. Real processes on one database (PostgreSQL's advisory lock, SQLite's write lock),
each node with its own audit checkpoint file, as on two machines."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest

from tests.test_backup import ROOT, new_instance

# Late in the year the demo fills (this one): tasks are red or yellow and reports are owed, so a
# tick has reminders to send; the registers' cases are due or overdue.
DAY = f"{date.today().year}-12-15"

# `fazhi tick` as cron starts it, held until a shared moment after Django has loaded: the two
# nodes' ticks then overlap, as they would at the same minute (a command started cold spends most
# of its first second loading, and one could finish before the other begins).
TICK_AT = """
import sys, time
import django; django.setup()
from django.core.management import call_command
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
call_command("tick", "--today", sys.argv[2])
"""

COUNT = """
import django; django.setup()
from fazhi.workplan.models import Notification
from django.db.models import Count
n = Notification.objects.count()
twice = Notification.objects.values("user_id", "event").annotate(k=Count("id")).filter(k__gt=1)
print(n, twice.count())
"""


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_two_nodes_ticking_at_once_remind_once(tmp_path, vendor):
    with new_instance(tmp_path, vendor) as inst:
        r = inst.fazhi("demo", "--no-serve", timeout=300)
        assert r.returncode == 0, r.stderr
        before = int(inst.python(COUNT).stdout.split()[0])
        at = time.time() + 8
        nodes = [
            subprocess.Popen(
                [sys.executable, "-c", TICK_AT, str(at), DAY],
                env=inst.env(FAZHI_AUDIT_CHECKPOINT=str(tmp_path / f"node{k}.checkpoint")),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for k in (1, 2)
        ]
        outputs = [node.communicate(timeout=300) for node in nodes]
        for node, (out, err) in zip(nodes, outputs, strict=True):
            assert node.returncode == 0, err
            assert "审计检查点：第" in out
        sent = [int(out.split("新发提醒 ")[1].split(" 条")[0]) for out, _ in outputs]
        after, duplicated = map(int, inst.python(COUNT).stdout.split())
        assert duplicated == 0
        assert sum(sent) == after - before > 0  # what was sent was sent by one node or the other
        # a third tick, on either node, finds nothing left to send
        again = inst.fazhi("tick", "--today", DAY)
        assert again.returncode == 0 and "新发提醒 0 条" in again.stdout, again.stdout
