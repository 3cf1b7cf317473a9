import sys

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Role, User
from fazhi.orgs.security import unlock
from fazhi.orgs.services import add_user, reset_password, set_roles


class Command(BaseCommand):
    help = "用户管理：fazhi user add USERNAME --org CODE --role ROLE --password-stdin"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="添加用户")
        add.add_argument("username")
        add.add_argument("--org")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--name", default="", help="姓名")
        add.add_argument(
            "--password-stdin", action="store_true", required=True, help="从标准输入读取密码"
        )
        add.add_argument(
            "--extra-role",
            action="append",
            default=[],
            choices=Role.values,
            help="其他角色（可重复）",
        )
        roles = sub.add_parser("roles", help="设定角色（安全管理员职责）")
        roles.add_argument("username")
        roles.add_argument("roles", nargs="+", choices=Role.values)
        sub.add_parser("unlock", help="解除登录锁定").add_argument("username")
        sub.add_parser(
            "reset-password", help="重置密码（显示一次临时密码，下次登录须修改）"
        ).add_argument("username")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**opts)
        except RuleError as exc:
            raise CommandError(exc.message) from None

    def _user(self, username):
        user = User.objects.filter(username=username).select_related("org").first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        return user

    def do_add(self, username, role, org=None, name="", extra_role=(), **_):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("标准输入中没有密码")
        user = add_user(username, password, role, org, name, extra_roles=list(extra_role))
        self.stdout.write(
            f"已添加用户 {user.username}（{user.get_role_display()}），首次登录须修改密码"
        )

    def do_roles(self, username, roles, **_):
        set_roles("cli", self._user(username), roles)
        self.stdout.write(f"已设定 {username} 的角色：{'、'.join(Role(r).label for r in roles)}")

    def do_unlock(self, username, **_):
        unlock("cli", username)
        self.stdout.write(f"已解除 {username} 的登录锁定")

    def do_reset_password(self, username, **_):
        password = reset_password("cli", self._user(username))
        self.stdout.write(f"{username} 的临时密码（只显示这一次，下次登录须修改）：{password}")
