from django.core.management.base import BaseCommand

from fazhi.cli import fail
from fazhi.review.package import PackageBroken, verify_package


class Command(BaseCommand):
    help = "证据包：verify PATH（逐个文件核对清单中的大小与 SM3）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="核对证据包").add_argument("path")

    def handle(self, *args, action, path, **opts):
        try:
            count = verify_package(path)
        except PackageBroken as exc:
            fail(self, [str(exc)])
        self.stdout.write(f"{path}：{count} 个文件与清单一致")
