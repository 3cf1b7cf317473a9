from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.assessments.exports import write_xlsx
from fazhi.assessments.models import Assessment
from fazhi.audit.services import record


class Command(BaseCommand):
    help = "自评：export ID --xlsx PATH"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出自查评分表")
        export.add_argument("id", type=int)
        export.add_argument("--xlsx", required=True, help="输出文件路径")

    def handle(self, *args, action, id, xlsx, **opts):
        assessment = Assessment.objects.select_related("zone", "framework").filter(pk=id).first()
        if assessment is None:
            raise CommandError(f"自评 {id} 不存在")
        path = Path(xlsx)
        if not path.parent.is_dir():
            raise CommandError(f"目录 {path.parent} 不存在")
        with open(path, "wb") as out:
            write_xlsx(assessment, out)
        record("cli", "assessment.export", assessment, after={"format": "xlsx", "path": str(path)})
        self.stdout.write(f"已导出到 {path}")
