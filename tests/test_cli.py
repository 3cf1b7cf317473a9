"""The `fazhi` command: operator tasks, their errors and exit codes."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.conftest import SEED_FRAMEWORK

pytestmark = pytest.mark.django_db
FAZHI = str(Path(sys.executable).with_name("fazhi"))


def run(*args, stdin: str = "", data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FAZHI_DATA_DIR": str(data_dir)}
    env.pop("FAZHI_DATABASE_URL", None)  # a fresh embedded instance of its own
    return subprocess.run(
        [FAZHI, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_real_command_init_is_idempotent_and_validates(tmp_path):
    first = run("init", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "已创建管理员 admin" in first.stdout and "已载入" in first.stdout
    second = run("init", data_dir=tmp_path)
    assert (
        second.returncode == 0
        and "已创建管理员" not in second.stdout
        and "已是最新" in second.stdout
    )
    assert (tmp_path / "fazhi.sqlite3").exists() and (tmp_path / "secret_key").exists()
    with sqlite3.connect(tmp_path / "fazhi.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: x\ntitle: t\nversion: 1\nindicators:\n  - code: '1'\n    title: a\n    kind: weird\n",
        encoding="utf-8",
    )
    r = run("framework", "validate", str(bad), data_dir=tmp_path)
    assert r.returncode == 1 and f"{bad}:7:" in r.stderr and "weird" in r.stderr
    ok = run("framework", "validate", str(SEED_FRAMEWORK), data_dir=tmp_path)
    assert ok.returncode == 0 and "警告" in ok.stdout
    r = run("org", "add", "x", "某区", "--kind", "galaxy", data_dir=tmp_path)
    assert r.returncode != 0 and "galaxy" in r.stderr
    assert run("audit", "verify", data_dir=tmp_path).returncode == 0


def test_demo_without_serving(tmp_path):
    r = run("demo", "--no-serve", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "演示用户 office" in r.stdout and "已为资阳高新区创建" in r.stdout
    # a zone in the middle of its year, not an empty shell
    assert "已登记 14 件" in r.stdout and "提醒" in r.stdout
    with sqlite3.connect(tmp_path / "fazhi.sqlite3") as db:
        states = {s for (s,) in db.execute("SELECT DISTINCT state FROM registers_case")}
        overdue = db.execute("SELECT COUNT(*) FROM registers_case WHERE overdue").fetchone()[0]
        notices = {s for (s,) in db.execute("SELECT state FROM workplan_notice")}
        extensions = {s for (s,) in db.execute("SELECT state FROM workplan_extension")}
        # this year's sheet of 资阳高新区 and the two years before it (the review chain's
        # demo adds the seed's 2020 application beside them)
        this_year = date.today().year
        evidence = db.execute(
            "SELECT COUNT(*) FROM assessments_evidence e"
            " JOIN assessments_result r ON e.result_id = r.id"
            " JOIN assessments_assessment a ON r.assessment_id = a.id"
            " JOIN orgs_org o ON a.zone_id = o.id WHERE o.code = 'zy-gxq' AND a.year = ?",
            [this_year],
        ).fetchone()[0]
        years = db.execute(
            "SELECT COUNT(*) FROM assessments_assessment a JOIN orgs_org o ON a.zone_id = o.id"
            " WHERE o.code = 'zy-gxq' AND a.year >= ?",
            [this_year - 2],
        ).fetchone()[0]
    assert len(states) >= 10 and overdue >= 1
    assert notices == {"issued", "replied"} and extensions == {"approved", "pending"}
    assert evidence == 4 and years == 3
    again = run("demo", "--no-serve", data_dir=tmp_path)
    assert again.returncode == 0 and "演示用户" not in again.stdout


def test_org_and_user_add(capsys):
    call_command("org", "add", "sc", "四川省科学技术厅", "--kind", "province")
    call_command("org", "add", "zy", "资阳高新区", "--kind", "zone", "--parent", "sc")
    assert "已添加组织 zy" in capsys.readouterr().out
    for args, message in [
        (("org", "add", "zy", "重复", "--kind", "zone"), "已存在"),
        (("org", "add", "d1", "部门", "--kind", "department"), "部门的上级须为：园区"),
        (
            ("org", "add", "d1", "部门", "--kind", "department", "--parent", "nope"),
            "上级组织 nope 不存在",
        ),
        (("org", "add", "坏 代码", "部门", "--kind", "zone"), "组织代码只能由"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command(*args)


def test_user_add_reads_password_from_stdin(monkeypatch, capsys, orgs):
    monkeypatch.setattr("sys.stdin", io.StringIO("Zy-Office-2025!\n"))
    call_command("user", "add", "zhang", "--org", "zy-gxq", "--role", "office", "--password-stdin")
    assert "已添加用户 zhang" in capsys.readouterr().out
    from fazhi.orgs.models import User

    assert User.objects.get(username="zhang").check_password("Zy-Office-2025!")
    for password, args, message in [
        ("Sh0rt!", ("user", "add", "li", "--org", "zy-gxq", "--role", "office"), "密码至少 8 位"),
        ("alllowercase", ("user", "add", "li", "--org", "zy-gxq", "--role", "office"), "至少 3 类"),
        (
            "Li-2025-abc",
            ("user", "add", "li", "--org", "zy-gxq", "--role", "office"),
            "不能包含用户名",
        ),
        ("Password1", ("user", "add", "li", "--org", "zy-gxq", "--role", "office"), "过于常见"),
        (
            "Zy-Office-2025!",
            ("user", "add", "zhang", "--org", "zy-gxq", "--role", "office"),
            "已存在",
        ),
        (
            "Zy-Office-2025!",
            ("user", "add", "wang", "--org", "zy-gxq-kjj", "--role", "office"),
            "创建办用户须属于园区",
        ),
        (
            "Zy-Office-2025!",
            ("user", "add", "zhao", "--org", "nope", "--role", "leader"),
            "组织 nope 不存在",
        ),
        ("", ("user", "add", "qian", "--org", "zy-gxq", "--role", "leader"), "标准输入中没有密码"),
    ]:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n" if password else ""))
        with pytest.raises(CommandError, match=message):
            call_command(*args, "--password-stdin")


def test_framework_load_is_idempotent_and_versions_are_immutable(tmp_path, capsys):
    call_command("framework", "load", str(SEED_FRAMEWORK))
    call_command("framework", "load", str(SEED_FRAMEWORK))
    assert "内容相同，未作改动" in capsys.readouterr().out
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        SEED_FRAMEWORK.read_text(encoding="utf-8").replace("max_points: 29", "max_points: 30"),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit):
        call_command("framework", "load", str(changed))
    assert "已存在且内容不同" in capsys.readouterr().err
    newer = tmp_path / "v2.yaml"
    newer.write_text(
        changed.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1), encoding="utf-8"
    )
    call_command("framework", "load", str(newer))
    from fazhi.frameworks.models import Framework

    assert list(Framework.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_framework_load_refuses_invalid_and_loads_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: x\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("framework", "load", str(bad))
    assert f"{bad}:" in capsys.readouterr().err
    from fazhi.frameworks.models import Framework, Indicator

    assert not Framework.objects.exists() and not Indicator.objects.exists()


def test_framework_show_json(framework, capsys):
    call_command("framework", "show", "sc-sti-law-zone-2019", "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "code",
        "title",
        "version",
        "declared_total",
        "computed_total",
        "warnings",
        "indicators",
    }
    assert data["declared_total"] == "99" and data["computed_total"] == "99"
    assert len(data["warnings"]) == 4
    five = data["indicators"][4]
    assert five["declared_max"] == "30" and five["children"][0]["max_points"] == "29"
    extra = data["indicators"][6]["children"]
    assert [c["kind"] for c in extra] == ["bonus", "bonus", "veto", "deduction"]
    assert (
        extra[0]["points"] is None
        and extra[3]["points_per_case"] == "5"
        and extra[3]["cap"] == "20"
    )
    assert set(extra[0]) == {
        "code",
        "title",
        "kind",
        "max_points",
        "points",
        "points_per_case",
        "cap",
        "declared_max",
        "evidence",
        "label",
        "min_points",
        "rule",
        "optional",
        "choose",
        "org",
        "children",
    }
    with pytest.raises(CommandError, match="不存在"):
        call_command("framework", "show", "nope")


def test_assessment_export(assessment, tmp_path, capsys):
    out = tmp_path / "自查评分表.xlsx"
    call_command("assessment", "export", str(assessment.pk), "--xlsx", str(out))
    assert "已导出" in capsys.readouterr().out
    ws = load_workbook(out).active
    assert any(c.value == "序号" for row in ws.iter_rows() for c in row)
    with pytest.raises(CommandError, match="不存在"):
        call_command("assessment", "export", "9999", "--xlsx", str(out))
    with pytest.raises(CommandError, match="目录"):
        call_command(
            "assessment", "export", str(assessment.pk), "--xlsx", str(tmp_path / "no" / "x.xlsx")
        )
