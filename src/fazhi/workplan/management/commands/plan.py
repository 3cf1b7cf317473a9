from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.cli import fail, print_warnings
from fazhi.core.errors import RuleError
from fazhi.workplan.exports import write_schedule_xlsx
from fazhi.workplan.models import Plan, PlanTemplate
from fazhi.workplan.schema import parse_plan_file
from fazhi.workplan.services import TemplateRefused, load_template


class Command(BaseCommand):
    help = "工作方案：validate PATH | load PATH | list | export PLAN_ID --xlsx PATH [--today DATE]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("validate", help="检查工作方案模板，不载入").add_argument("path")
        sub.add_parser("load", help="载入工作方案模板").add_argument("path")
        sub.add_parser("list", help="列出模板和工作方案")
        export = sub.add_parser("export", help="导出任务倒排表")
        export.add_argument("plan_id", type=int)
        export.add_argument("--xlsx", required=True)
        export.add_argument("--today", help="按该日期计算红黄绿灯（YYYY-MM-DD）")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_validate(self, path, **_):
        parsed = parse_plan_file(path)
        print_warnings(self, parsed.warnings)
        if parsed.errors:
            fail(self, parsed.errors)
        self.stdout.write(f"{path}: 有效（{parsed.code} 第 {parsed.version} 版）")

    def do_load(self, path, **_):
        try:
            template, created = load_template(path)
        except TemplateRefused as exc:
            fail(self, exc.errors)
        self.stdout.write(
            f"工作方案模板 {template.code} 第 {template.version} 版：{'已载入' if created else '内容相同，未作改动'}"
        )

    def do_list(self, **_):
        for t in PlanTemplate.objects.all():
            self.stdout.write(f"模板\t{t.code}\t第 {t.version} 版\t{t.title}")
        for p in Plan.objects.select_related("zone"):
            self.stdout.write(f"方案\t{p.pk}\t{p.zone.name}\t{p.year}\t{p.title}")

    def do_export(self, plan_id, xlsx, today=None, **_):
        plan = Plan.objects.select_related("zone").filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"工作方案 {plan_id} 不存在")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today 格式应为 YYYY-MM-DD") from None
        path = Path(xlsx)
        if not path.parent.is_dir():
            raise CommandError(f"目录 {path.parent} 不存在")
        try:
            with open(path, "wb") as out:
                write_schedule_xlsx(out, plan, day)
        except RuleError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已导出任务倒排表到 {path}")
