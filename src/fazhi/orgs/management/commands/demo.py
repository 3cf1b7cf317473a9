from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from fazhi.assessments.services import create_assessment
from fazhi.orgs import demo_year
from fazhi.orgs.models import Org, Role, User
from fazhi.orgs.services import add_org, add_user, random_password
from fazhi.workplan.services import create_plan

# The seed's own organisations: 资阳高新区 and the departments its application names.
ORGS = [
    ("sc", "四川省科学技术厅", "province", None),
    ("sc-zy", "资阳市科学技术局", "city", "sc"),
    ("zy-gxq", "资阳高新区", "zone", "sc-zy"),
    ("zy-gxq-kjj", "科技经济局", "department", "zy-gxq"),
    ("zy-gxq-sfj", "司法分局", "department", "zy-gxq"),
    ("zy-gxq-dzb", "党政办", "department", "zy-gxq"),
]
USERS = [
    ("office", Role.OFFICE, "zy-gxq", "创建办"),
    ("kjj", Role.DEPARTMENT, "zy-gxq-kjj", "科技经济局填报员"),
    ("leader", Role.LEADER, "zy-gxq", "工作专班"),
    ("city", Role.REVIEWER, "sc-zy", "市科技局审核员"),
    ("security", Role.SECURITY, None, "安全管理员"),
    ("auditor", Role.AUDITOR, None, "审计管理员"),
]


class Command(BaseCommand):
    help = "初始化并载入演示园区（资阳高新区），然后启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve, host, port, **opts):
        call_command("init", stdout=self.stdout)
        with transaction.atomic():
            from fazhi.review import demo as review_demo

            for code, name, kind, parent in ORGS + review_demo.ORGS:
                if not Org.objects.filter(code=code).exists():
                    add_org(code, name, kind, parent)
            for username, role, org, name in USERS + review_demo.USERS:
                if not User.objects.filter(username=username).exists():
                    password = random_password()
                    add_user(username, password, role, org, name)
                    self.stdout.write(
                        f"演示用户 {username}（{role.label}），密码（只显示这一次）：{password}"
                    )
            office = User.objects.select_related("org").get(username="office")
            year = date.today().year
            if not office.org.assessments.filter(year=year).exists():
                create_assessment(office, "zy-gxq", "sc-sti-law-zone-2019", None, year)
                self.stdout.write(f"已为资阳高新区创建 {year} 年度自评")
            fresh = not office.org.plans.filter(year=year).exists()
            if fresh:
                create_plan(office, "zy-gxq", "zy-gxq-sti-law-2020", year, report_day=25)
                self.stdout.write(f"已为资阳高新区创建 {year} 年度工作方案")
        if fresh:  # the year so far, once: tasks, reports, 督办单, cases, scores
            with transaction.atomic():
                demo_year.populate(date.today(), self.stdout.write)
        with transaction.atomic():  # idempotent: the seed's application and the review chain
            review_demo.load(self.stdout)
        if not no_serve:
            call_command("serve", host=host, port=port, stdout=self.stdout)
