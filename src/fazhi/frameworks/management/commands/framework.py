import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.cli import fail, print_warnings
from fazhi.core.framework import walk
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import indicator_to_dict, parse_file, parse_framework
from fazhi.frameworks.services import FrameworkRefused, find, load_file, tree
from fazhi.frameworks.xlsx_import import NotAScoringTable, read_table, to_yaml


class Command(BaseCommand):
    help = (
        "评分表：validate PATH | load PATH | show CODE [--version N] [--json] | list"
        " | import-xlsx PATH --code CODE --title TITLE [--out FILE.yaml]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("validate", help="检查评分表文件，不载入").add_argument("path")
        sub.add_parser("load", help="载入评分表文件").add_argument("path")
        show = sub.add_parser("show", help="显示已载入的评分表")
        show.add_argument("code")
        show.add_argument("--version", type=int)
        show.add_argument("--json", action="store_true")
        sub.add_parser("list", help="列出已载入的评分表")
        imp = sub.add_parser("import-xlsx", help="把按纸面格式排版的评分表（xlsx）转为 YAML")
        imp.add_argument("path")
        imp.add_argument("--code", required=True, help="评分表代码，如 dept-annual-2025")
        imp.add_argument("--title", required=True, help="评分表名称")
        imp.add_argument("--out", help="写入的 YAML 文件；省略时输出到屏幕")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action.replace('-', '_')}")(**opts)

    def do_validate(self, path, **_):
        parsed = parse_file(path)
        print_warnings(self, parsed.warnings)
        if parsed.errors:
            fail(self, parsed.errors)
        self.stdout.write(
            f"{path}: 有效（{parsed.code} 第 {parsed.version} 版，{len(parsed.warnings)} 条警告）"
        )

    def do_load(self, path, **_):
        try:
            framework, created = load_file(path)
        except FrameworkRefused as exc:
            fail(self, exc.errors)
        print_warnings(self, framework.warnings)
        state = "已载入" if created else "内容相同，未作改动"
        self.stdout.write(f"评分表 {framework.code} 第 {framework.version} 版：{state}")

    def do_show(self, code, version=None, json=False, **_):
        f = find(code, version)
        if f is None:
            raise CommandError(f"评分表 {code}{f' 第 {version} 版' if version else ''} 不存在")
        data = {
            "code": f.code,
            "title": f.title,
            "version": f.version,
            "declared_total": None if f.declared_total is None else _num(f.declared_total),
            "computed_total": _num(f.computed_total),
            "warnings": f.warnings,
            "indicators": [indicator_to_dict(i) for i in tree(f)],
        }
        if json:
            self.stdout.write(_json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{f.title}（{f.code} 第 {f.version} 版）标注总分 {data['declared_total']}，计算总分 {data['computed_total']}"
        )
        for w in f.warnings:
            self.stdout.write(f"  警告 {w}")

    def do_import_xlsx(self, path, code, title, out=None, **_):
        try:
            doc, warnings = read_table(path, code, title)
        except NotAScoringTable as exc:
            fail(self, exc.errors)
        text = to_yaml(doc)
        parsed = parse_framework(text, out or "(生成的 YAML)")
        if parsed.errors:  # e.g. a code the format refuses: say so, write nothing
            fail(self, parsed.errors)
        if out is None:  # the YAML goes to stdout, so the warnings go to stderr
            for w in warnings + parsed.warnings:
                self.stderr.write(f"警告 {w}")
            self.stdout.write(text)
            return
        print_warnings(self, warnings + parsed.warnings)
        Path(out).write_text(text, encoding="utf-8")
        count = sum(1 for _ in walk(parsed.indicators))
        self.stdout.write(f"已写入 {out}：{count} 行指标，计算总分 {_num(parsed.computed_total)}")

    def do_list(self, **_):
        for f in Framework.objects.all():
            self.stdout.write(f"{f.code}\t第 {f.version} 版\t{f.title}")


_json = json


def _num(d):
    return format(d.normalize(), "f")
