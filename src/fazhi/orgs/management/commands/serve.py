from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "以生产方式启动服务（静态文件由应用自行提供；--workers 大于 1 时启动多个工作进程）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="每个工作进程的线程数")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="工作进程数（默认 1；多进程需 PostgreSQL 或同一台机器上的 SQLite）",
        )

    def handle(self, *args, host, port, threads, workers, **opts):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库未初始化或需要升级，请先运行 fazhi init")
        if not 0 < port < 65536:
            raise CommandError("端口须在 1 至 65535 之间")
        if not 1 <= workers <= 64:
            raise CommandError("--workers 须在 1 至 64 之间")
        if not 1 <= threads <= 256:
            raise CommandError("--threads 须在 1 至 256 之间")

        from fazhi.reports.gongwen.pdf import FontsMissing, warm_up
        from fazhi.wsgi import application

        try:
            warm_up()
        except FontsMissing as exc:  # the platform runs; only the PDFs of 公文 are refused
            self.stderr.write(f"注意：{exc}")
        from fazhi.ops.warm import settle

        settle()  # routes and templates loaded once, then frozen out of the garbage collector
        # Worker processes are forked from this one: none may inherit its database connection.
        connection.close()

        self.stdout.write(
            f"Fazhi 已启动：http://{host}:{port}/  （{workers} 个工作进程，每个 {threads} 个线程；Ctrl+C 停止）"
        )
        self.stdout.flush()
        if workers == 1:
            from waitress import serve

            serve(application, host=host, port=port, threads=threads, ident="fazhi")
        else:
            from fazhi.ops.workers import serve_workers

            serve_workers(application, host, port, workers, threads)
