import json

from django.core.management.base import BaseCommand, CommandError

from fazhi.cli import fail, print_warnings
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import indicator_to_dict, parse_file
from fazhi.frameworks.services import FrameworkRefused, find, load_file, tree


class Command(BaseCommand):
    help = "评分表：validate PATH | load PATH | show CODE [--version N] [--json] | list"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("validate", help="检查评分表文件，不载入").add_argument("path")
        sub.add_parser("load", help="载入评分表文件").add_argument("path")
        show = sub.add_parser("show", help="显示已载入的评分表")
        show.add_argument("code")
        show.add_argument("--version", type=int)
        show.add_argument("--json", action="store_true")
        sub.add_parser("list", help="列出已载入的评分表")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

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

    def do_list(self, **_):
        for f in Framework.objects.all():
            self.stdout.write(f"{f.code}\t第 {f.version} 版\t{f.title}")


_json = json


def _num(d):
    return format(d.normalize(), "f")
