from datetime import date

from django.core.management.base import BaseCommand, CommandError

from fazhi.registers.services import refresh


class Command(BaseCommand):
    help = "台账：refresh [--today DATE] 按办理记录重新计算全部案件的期限与逾期（可重复执行，适合由 cron 每日调用）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("refresh", help="重新计算全部案件的期限与逾期")
        r.add_argument("--today", help="按该日期计算（YYYY-MM-DD），用于回放和测试")
        r.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, action, today=None, batch=2000, **opts):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today 格式应为 YYYY-MM-DD") from None
        result = refresh(day, batch=batch)
        self.stdout.write(
            f"已计算 {result.cases} 件案件的期限：更新 {result.changed} 件，逾期 {result.overdue} 件，"
            f"无法计算 {result.errors} 件；用时 {result.seconds * 1000:.0f} ms"
        )
        for line in result.error_samples:
            self.stdout.write(f"  无法计算：{line}")
