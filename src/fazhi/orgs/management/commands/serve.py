from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "以生产方式启动服务（waitress，静态文件由应用自行提供）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **opts):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库未初始化或需要升级，请先运行 fazhi init")
        if not 0 < port < 65536:
            raise CommandError("端口须在 1 至 65535 之间")
        from waitress import serve

        from fazhi.reports.gongwen.pdf import FontsMissing, warm_up
        from fazhi.wsgi import application

        try:
            warm_up()
        except FontsMissing as exc:  # the platform runs; only the PDFs of 公文 are refused
            self.stderr.write(f"注意：{exc}")

        self.stdout.write(f"Fazhi 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        serve(application, host=host, port=port, threads=threads, ident="fazhi")
