from django.core.management.base import BaseCommand, CommandError

from fazhi.cli import fail
from fazhi.registers.models import RuleSetVersion
from fazhi.registers.rules import RulesRefused, describe, load_rules, parse, rules_dir


class Command(BaseCommand):
    help = "期限规则：load [PATH ...]（不给路径则载入 rules/*.yaml）| validate PATH | show KIND [--version N] | list"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入期限规则文件（可重复执行）").add_argument(
            "paths", nargs="*"
        )
        sub.add_parser("validate", help="检查期限规则文件，不载入").add_argument("path")
        show = sub.add_parser("show", help="显示某类案件的期限规则")
        show.add_argument("kind", help="disclosure（依申请公开）或 complaint（投诉举报）")
        show.add_argument("--version", type=int, dest="rules_version")
        sub.add_parser("list", help="列出已载入的期限规则版本")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_load(self, paths=(), **_):
        files = paths or [str(p) for p in sorted(rules_dir().glob("*.yaml"))]
        if not files:
            raise CommandError(f"{rules_dir()} 中没有期限规则文件")
        for path in files:
            try:
                row, created = load_rules(path)
            except RulesRefused as exc:
                fail(self, exc.errors)
            self.stdout.write(
                f"期限规则 {row.kind} 第 {row.version} 版（{row.title}）：{'已载入' if created else '内容相同，未作改动'}"
            )

    def do_validate(self, path, **_):
        ruleset, errors = parse(path)
        if errors or ruleset is None:
            fail(self, errors)
        self.stdout.write(
            f"{path}: 有效（{ruleset.kind} 第 {ruleset.version} 版，{len(ruleset.periods)} 个期限）"
        )

    def do_show(self, kind, rules_version=None, **_):
        qs = RuleSetVersion.objects.filter(kind=kind)
        row = (
            qs.filter(version=rules_version) if rules_version else qs.order_by("-version")
        ).first()
        if row is None:
            raise CommandError(
                f"没有已载入的期限规则 {kind}{f' 第 {rules_version} 版' if rules_version else ''}"
            )
        for line in describe(row):
            self.stdout.write(line)

    def do_list(self, **_):
        for row in RuleSetVersion.objects.all():
            self.stdout.write(
                f"{row.kind}\t第 {row.version} 版\t{row.title}\t{row.loaded_at:%Y-%m-%d %H:%M}\t{row.cases.count()} 件"
            )
