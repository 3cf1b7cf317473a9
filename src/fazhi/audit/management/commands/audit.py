from django.core.management.base import BaseCommand

from fazhi.audit.services import verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计日志哈希链是否完整")

    def handle(self, *args, action, **opts):
        checked, broken, reason = verify()
        if broken is not None:
            self.stderr.write(
                f"审计链在第 {broken} 条记录处断开：{reason}（此前 {checked} 条完好）"
            )
            raise SystemExit(1)
        self.stdout.write(f"审计链完好：已校验 {checked} 条记录")
