from django.core.management.base import BaseCommand, CommandError

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Org
from fazhi.orgs.services import add_org


class Command(BaseCommand):
    help = "组织管理：fazhi org add CODE NAME --kind province|city|zone|department [--parent CODE]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="添加组织")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--kind", required=True, choices=[k for k, _ in Org.Kind.choices])
        add.add_argument("--parent")
        sub.add_parser("list", help="列出组织")

    def handle(self, *args, action, **opts):
        if action == "list":
            for org in Org.objects.all():
                depth = org.path.count("/") - 2
                self.stdout.write(f"{'  ' * depth}{org.code}\t{org.name}\t{org.get_kind_display()}")
            return
        try:
            org = add_org(opts["code"], opts["name"], opts["kind"], opts.get("parent"))
        except RuleError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已添加组织 {org.code} {org.name}（{org.get_kind_display()}）")
