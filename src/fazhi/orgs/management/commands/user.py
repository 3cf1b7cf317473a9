import sys

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Role
from fazhi.orgs.services import add_user


class Command(BaseCommand):
    help = "用户管理：fazhi user add USERNAME --org CODE --role ROLE --password-stdin"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="添加用户")
        add.add_argument("username")
        add.add_argument("--org")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--name", default="", help="姓名")
        add.add_argument("--password-stdin", action="store_true", required=True, help="从标准输入读取密码")

    def handle(self, *args, action, **opts):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("标准输入中没有密码")
        try:
            user = add_user(opts["username"], password, opts["role"], opts.get("org"), opts["name"])
        except RuleError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已添加用户 {user.username}（{user.get_role_display()}）")
