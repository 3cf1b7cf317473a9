from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.audit.services import record
from fazhi.ops.backups import BackupError, create_backup, human_size, vendor_label


class Command(BaseCommand):
    help = "备份数据库和全部佐证材料到一个新目录（含 SM3 清单；审计链断开时拒绝备份）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份目录（须不存在或为空目录）")
        parser.add_argument(
            "--force", action="store_true", help="审计链断开或佐证材料缺失时仍然备份"
        )

    def handle(self, *args, path, force, **opts):
        try:
            result = create_backup(Path(path), force=force, warn=self.stderr.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        record(
            "cli",
            "ops.backup",
            object_type="backup",
            object_id=result.path.name,
            after={
                "path": str(result.path),
                "files": result.files,
                "bytes": result.total_bytes,
                "audit_count": result.audit_count,
                "audit_last_hash": result.audit_last_hash,
                "skipped": result.skipped,
            },
        )
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(
            f"  数据库（{vendor_label(result.vendor)}）：{result.db_file}，{human_size(result.db_bytes)}"
        )
        self.stdout.write(
            f"  佐证材料：{result.evidence_files} 个文件，{human_size(result.evidence_bytes)}"
        )
        last = result.audit_last_hash[:16] + "…" if result.audit_last_hash else "无"
        self.stdout.write(f"  审计链：{result.audit_count} 条记录，末条哈希 {last}")
        if result.skipped:
            self.stdout.write(
                f"  已跳过 {len(result.skipped)} 个有问题的佐证材料文件（见上方警告）"
            )
        self.stdout.write(
            f"  合计 {result.files} 个文件，{result.total_bytes} 字节（{human_size(result.total_bytes)}），"
            f"用时 {result.seconds:.2f} 秒"
        )
        self.stdout.write(
            "提示：密钥文件和 secret_key 不在备份中，请另行妥善保管（恢复时需要同一把密钥）"
        )
