from django.core.management.base import BaseCommand, CommandError

from fazhi.core.errors import RuleError
from fazhi.orgs.docnos import set_prefix
from fazhi.orgs.models import Org
from fazhi.orgs.services import add_org


class Command(BaseCommand):
    help = (
        "组织管理：fazhi org add CODE NAME --kind province|city|zone|department [--parent CODE]；"
        "fazhi org prefix CODE 代字（文号的发文机关代字，如 资高新）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="添加组织")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--kind", required=True, choices=[k for k, _ in Org.Kind.choices])
        add.add_argument("--parent")
        sub.add_parser("list", help="列出组织")
        prefix = sub.add_parser("prefix", help="设置文号的发文机关代字")
        prefix.add_argument("code")
        prefix.add_argument("prefix")

    def handle(self, *args, action, **opts):
        if action == "list":
            for org in Org.objects.all():
                depth = org.path.count("/") - 2
                self.stdout.write(f"{'  ' * depth}{org.code}\t{org.name}\t{org.get_kind_display()}")
            return
        if action == "prefix":
            org = Org.objects.filter(code=opts["code"]).first()
            if org is None:
                raise CommandError(f"没有代码为 {opts['code']} 的组织")
            try:
                set_prefix("命令行", org, opts["prefix"])
            except RuleError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"{org.name} 的发文机关代字为 {org.doc_prefix}")
            return
        try:
            org = add_org(opts["code"], opts["name"], opts["kind"], opts.get("parent"))
        except RuleError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已添加组织 {org.code} {org.name}（{org.get_kind_display()}）")
