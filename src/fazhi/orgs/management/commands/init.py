from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fazhi.frameworks.services import FrameworkRefused, load_shipped
from fazhi.orgs.models import Role
from fazhi.orgs.services import add_user, random_password
from fazhi.security.files import tighten_data_dir
from fazhi.workdays.services import import_years
from fazhi.workplan.services import TemplateRefused, load_template


class Command(BaseCommand):
    help = "创建或升级数据库，载入随附的评分表、节假日安排和工作方案模板，创建管理员（可重复执行）"

    def handle(self, *args, **opts):
        if tighten_data_dir(settings.DATA_DIR):
            self.stdout.write(
                f"数据文件夹 {settings.DATA_DIR} 的权限已收紧为 700（仅服务账号可访问）"
            )
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"数据库已就绪：{settings.DATABASES['default']['NAME']}")
        try:
            for framework, created in load_shipped(settings.FAZHI_FRAMEWORKS_DIR):
                state = "已载入" if created else "已是最新"
                self.stdout.write(f"评分表 {framework.code} 第 {framework.version} 版：{state}")
                for w in framework.warnings if created else []:
                    self.stdout.write(f"  提示：{w}")
        except FrameworkRefused as exc:
            raise CommandError("\n".join(exc.errors)) from None
        self.stdout.write(f"节假日安排（chinesecalendar）：新导入 {len(import_years())} 个年度")
        try:
            for path in sorted(settings.FAZHI_PLANS_DIR.glob("*.yaml")):
                template, created = load_template(path)
                self.stdout.write(
                    f"工作方案模板 {template.code} 第 {template.version} 版：{'已载入' if created else '已是最新'}"
                )
        except TemplateRefused as exc:
            raise CommandError("\n".join(exc.errors)) from None
        call_command(
            "rules", "load", stdout=self.stdout, stderr=self.stderr
        )  # deadline rules (rules/*.yaml)
        if not get_user_model().objects.filter(role=Role.ADMIN).exists():
            password = random_password()
            # The password is shown once: if it cannot be shown, the account is not kept.
            with transaction.atomic():
                add_user("admin", password, Role.ADMIN, None, "系统管理员")
                self.stdout.write(f"已创建管理员 admin，初始密码（只显示这一次）：{password}")
                self.stdout.flush()
