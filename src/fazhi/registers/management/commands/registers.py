from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from fazhi.core.errors import RuleError
from fazhi.registers.refresh import refresh
from fazhi.registers.services import INTAKE_TEXT, set_intake

# option -> IntakeSettings field of `fazhi registers intake`
INTAKE_OPTIONS = {
    "agency": "agency_name",
    "phone": "phone",
    "address": "address",
    "contact": "contact",
}


class Command(BaseCommand):
    help = (
        "台账：refresh [--today DATE] 按办理记录重新计算全部案件的期限与逾期（可重复执行，适合由 cron 每日调用）；"
        "intake ZONE [--agency 名称] [--phone 电话] [--address 地址] [--contact 联系方式] 设置园区公开受理的机关和联系方式"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("refresh", help="重新计算全部案件的期限与逾期")
        r.add_argument("--today", help="按该日期计算（YYYY-MM-DD），用于回放和测试")
        r.add_argument("--batch", type=int, default=2000)
        i = sub.add_parser(
            "intake", help="设置园区公开受理的机关、电话和地址（印在公众服务页面底部）"
        )
        i.add_argument("zone", help="园区代码")
        for option, field in INTAKE_OPTIONS.items():
            label, limit = INTAKE_TEXT[field]
            i.add_argument(f"--{option}", help=f"{label}（不超过 {limit} 字）")

    def handle(self, *args, action, today=None, batch=2000, **opts):
        if action == "intake":
            return self.intake(opts)
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

    def intake(self, opts):
        data = {field: opts[o] for o, field in INTAKE_OPTIONS.items() if opts.get(o) is not None}
        try:
            row = set_intake(None, opts["zone"], data)
        except Http404:
            raise CommandError(f"园区 {opts['zone']} 不存在") from None
        except RuleError as exc:
            raise CommandError(exc.message) from None
        for field, (label, _) in INTAKE_TEXT.items():
            self.stdout.write(f"{label}：{getattr(row, field) or '（未设置）'}")
