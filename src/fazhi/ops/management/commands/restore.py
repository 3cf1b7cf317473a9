import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fazhi.audit.services import record
from fazhi.ops.backups import (
    BackupError,
    check_backup,
    current_vendor,
    human_size,
    vendor_label,
)
from fazhi.ops.restore import restore_backup


class Command(BaseCommand):
    help = "从备份目录恢复数据库和佐证材料（先校验全部文件的 SM3 摘要，再覆盖当前数据）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="由 fazhi backup 生成的备份目录")
        parser.add_argument(
            "--yes", action="store_true", help="不再询问，直接覆盖当前数据（非交互方式运行时必需）"
        )

    def handle(self, *args, path, yes, **opts):
        started = time.monotonic()
        try:
            backup = check_backup(Path(path))
            vendor = current_vendor()
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        m = backup.manifest
        if backup.vendor != vendor:
            raise CommandError(
                f"备份来自 {vendor_label(backup.vendor)} 数据库，而当前配置的是 {vendor_label(vendor)}："
                f"不能跨数据库类型恢复。请把 FAZHI_DATABASE_URL 设为 {vendor_label(backup.vendor)} 数据库后再恢复"
            )
        audit = m["audit"]
        evidence_bytes = sum(f["size"] for f in backup.evidence)
        self.stdout.write(
            f"备份已校验：{backup.path}（创建于 {m['created_at']}，平台版本 {m['app_version']}，"
            f"{vendor_label(backup.vendor)}，{len(m['files'])} 个文件全部完好）"
        )
        self.stdout.write(
            f"  佐证材料 {len(backup.evidence)} 个（{human_size(evidence_bytes)}），审计链 {audit['count']} 条记录"
        )
        checked_in = time.monotonic() - started
        target = settings.DATABASES["default"]["NAME"]
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "恢复会覆盖当前数据库和佐证材料。非交互方式运行时请加 --yes 确认；未作任何改动"
                )
            answer = input(
                f"将用该备份覆盖当前数据库 {target} 和佐证材料，此操作不可撤销。输入 yes 继续："
            )
            if answer.strip().lower() not in {"yes", "y"}:
                raise CommandError("已取消，未作任何改动")
        started = time.monotonic() - checked_in  # the wait for an answer is not counted
        try:
            result = restore_backup(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已恢复数据库：{target}")
        self.stdout.write(
            f"已恢复佐证材料：写入 {result.evidence_written} 个，已存在且完好 {result.evidence_present} 个"
        )
        if m["app_version"] != _app_version():
            self.stdout.write(
                f"提示：备份来自平台版本 {m['app_version']}，当前为 {_app_version()}，请运行 fazhi init 升级数据库"
            )
        self._verify(audit)
        record(
            "cli",
            "ops.restore",
            object_type="backup",
            object_id=backup.path.name,
            after={
                "path": str(backup.path),
                "created_at": m["created_at"],
                "manifest_sm3": backup.manifest_digest,
                "audit_count": audit["count"],
                "audit_last_hash": audit["last_hash"],
            },
        )
        self.stdout.write("已在审计日志中记录本次恢复")
        self.stdout.write(
            f"恢复完成，用时 {time.monotonic() - started:.2f} 秒（校验备份 {checked_in:.2f} 秒，写入 {result.seconds:.2f} 秒）"
        )

    def _verify(self, audit):
        from fazhi.audit.models import AuditEntry
        from fazhi.audit.services import checkpoint, verify
        from fazhi.core.crypto import CryptoError

        try:
            checked, broken, reason = verify(use_checkpoint=False)
        except CryptoError as exc:  # no key file: the keyed chain cannot be checked
            raise CommandError(f"恢复已完成，但无法校验审计链：{exc}") from None
        if broken is not None:
            raise CommandError(
                f"恢复已完成，但审计链在第 {broken} 条记录处断开：{reason}（此前 {checked} 条完好）"
            )
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        if checked != audit["count"] or last != audit["last_hash"]:
            raise CommandError(
                f"恢复已完成，但审计链与备份清单不一致：现有 {checked} 条，清单记录 {audit['count']} 条"
            )
        self.stdout.write(f"审计链完好：已校验 {checked} 条记录，与备份清单一致")
        if checked:
            cp = checkpoint(reset=True)
            self.stdout.write(f"已重写审计检查点：第 {cp.id} 条")


def _app_version() -> str:
    import fazhi

    return fazhi.__version__
