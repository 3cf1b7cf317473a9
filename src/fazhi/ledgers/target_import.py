"""Import of a yearly target list from .xlsx: one row per indicator, under a header row

    指标 | 单位 | 目标值 | 权重 | 数据来源 | 责任部门 | 填报频次

All or nothing: every bad cell is reported by its address (B3: 请填写单位) and nothing is
written unless every row is good."""

from __future__ import annotations

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fazhi.audit.services import record
from fazhi.core.errors import RuleError, RuleErrors
from fazhi.core.validate import int_in

from . import access
from .models import Target
from .targets import clean_target

COLUMNS = (
    ("indicator", "指标"),
    ("unit", "单位"),
    ("target", "目标值"),
    ("weight", "权重"),
    ("source", "数据来源"),
    ("department", "责任部门"),
    ("frequency", "填报频次"),
)
MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(upload) -> list[tuple[int, dict]]:
    """(row number, {field: text}) of each non-empty row under the header."""
    if upload is None:
        raise RuleError("file", "请选择 .xlsx 文件")
    if (upload.size or 0) > MAX_BYTES:
        raise RuleError("file", f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB")
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise RuleError("file", "无法读取文件：请上传 Excel 工作簿（.xlsx）") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [(_cell(v)).strip() for v in next(rows, ())]
    expected = [label for _, label in COLUMNS]
    if header[: len(expected)] != expected:
        raise RuleError("file", "第 1 行应为表头：" + " | ".join(expected))
    out = []
    for n, values in enumerate(rows, start=2):
        values = list(values)[: len(COLUMNS)]
        if not any(_cell(v).strip() for v in values):
            continue
        values += [None] * (len(COLUMNS) - len(values))
        out.append((n, {f: _cell(v) for (f, _), v in zip(COLUMNS, values, strict=True)}))
        if len(out) > MAX_ROWS:
            raise RuleError("file", f"一次最多导入 {MAX_ROWS} 个指标")
    wb.close()
    if not out:
        raise RuleError("file", "表中没有指标（第 2 行起每行一个指标）")
    return out


def import_targets(user, year_value, upload) -> list[Target]:
    zone = access.office_zone(user)
    year = int_in(year_value, "year", "年度", 2000, 2100)
    rows = read_rows(upload)
    errors: dict[str, str] = {}
    column = {f: get_column_letter(i + 1) for i, (f, _) in enumerate(COLUMNS)}
    clean_rows = []
    seen: dict[str, int] = {}
    existing = set(Target.objects.filter(zone=zone, year=year).values_list("indicator", flat=True))
    for n, data in rows:
        try:
            clean = clean_target(zone, data)
        except RuleErrors as exc:
            for f, message in exc.errors.items():
                errors[f"{column.get(f, 'A')}{n}"] = message
            continue
        name = clean["indicator"]
        if name in seen:
            errors[f"A{n}"] = f"指标“{name}”与第 {seen[name]} 行重复"
        elif name in existing:
            errors[f"A{n}"] = f"{year} 年已有指标“{name}”"
        seen[name] = n
        clean_rows.append(clean)
    if errors:
        raise RuleErrors(errors)
    with transaction.atomic():
        made = Target.objects.bulk_create(Target(zone=zone, year=year, **c) for c in clean_rows)
        record(
            user,
            "target.import",
            zone,
            after={"year": year, "count": len(made), "name": getattr(upload, "name", "")[:100]},
        )
    return made
