from django.core.management.base import BaseCommand, CommandError

from fazhi.audit.anchor import CheckpointInvalid, path
from fazhi.audit.services import checkpoint, verify
from fazhi.core.crypto import CryptoError


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链；checkpoint 把链头锚定到数据库之外的检查点文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("verify", help="校验审计日志哈希链（含检查点）是否完整")
        v.add_argument(
            "--workers",
            type=int,
            help="并行校验的进程数（默认：记录数达 20 万条时每个 CPU 核一个，否则 1）",
        )
        sub.add_parser("checkpoint", help="校验新增记录并写入检查点文件")

    def handle(self, *args, action, workers=None, **opts):
        if action == "checkpoint":
            try:
                cp = checkpoint()
            except (ValueError, CheckpointInvalid, CryptoError) as exc:
                raise CommandError(f"未写入检查点：{exc}") from None
            self.stdout.write(f"已写入审计检查点：第 {cp.id} 条（{path()}）")
            return
        try:
            if workers is not None and not 1 <= workers <= 64:
                raise CommandError("--workers 须在 1 至 64 之间")
            checked, broken, reason = verify(workers=workers)
        except CryptoError as exc:
            raise CommandError(f"无法校验审计链：{exc}") from None
        if broken is not None:
            where = "检查点文件" if broken == 0 else f"第 {broken} 条记录"
            self.stderr.write(f"审计链在{where}处断开：{reason}（此前 {checked} 条完好）")
            raise SystemExit(1)
        self.stdout.write(f"审计链完好：已校验 {checked} 条记录")
