import re

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.errors import RuleError
from fazhi.core.workdays import add_calendar_days, parse_day
from fazhi.workdays import selectors, services


def _count(text: str, name: str = "N") -> int:
    value = (text or "").strip()
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise RuleError(name, f"天数“{value}”不是整数")
    n = int(value)
    if n < 0:
        raise RuleError(name, f"天数不能为负数（{n}）")
    return n


class Command(BaseCommand):
    help = (
        "工作日历：add DATE N | days DATE N | between START END | years | import [YEAR …] | "
        "set DATE --kind rest|workday [--name NAME] | unset DATE | year add YEAR --source 通知"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("add", help="DATE 之后第 N 个工作日（当日不计）")
        p.add_argument("date")
        p.add_argument("n")
        p = sub.add_parser(
            "days", help="DATE 之后 N 个自然日；届满日为节假日的顺延至其后第一个工作日"
        )
        p.add_argument("date")
        p.add_argument("n")
        p = sub.add_parser("between", help="(START, END] 之间的工作日数")
        p.add_argument("start")
        p.add_argument("end")
        sub.add_parser("years", help="列出已录入节假日安排的年度及依据")
        p = sub.add_parser("import", help="从 chinesecalendar 导入尚未录入的年度（可重复执行）")
        p.add_argument("years", nargs="*", metavar="YEAR")
        p = sub.add_parser("set", help="设定某日为法定节假日或调休上班日")
        p.add_argument("date")
        p.add_argument("--kind", required=True, help="rest（法定节假日）或 workday（调休上班日）")
        p.add_argument("--name", default="", help="节日名称，例如 春节")
        p = sub.add_parser("unset", help="删除某日的节假日或调休设定")
        p.add_argument("date")
        year = sub.add_parser("year", help="年度").add_subparsers(dest="year_action", required=True)
        p = year.add_parser("add", help="录入一个年度（国务院发布通知后）")
        p.add_argument("year")
        p.add_argument(
            "--source",
            required=True,
            help="依据的通知，例如“国务院办公厅关于2027年部分节假日安排的通知”",
        )

    def run_from_argv(self, argv):
        # Usage errors (argparse exits 2) exit 1 like every other error of this command.
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            if exc.code == 2:
                raise SystemExit(1) from None
            raise

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"do_{action}")(**opts)
        except RuleError as exc:
            raise CommandError(exc.message) from None

    def do_add(self, date, n, **_):
        start, count = parse_day(date), _count(n)
        self.stdout.write(selectors.get_calendar().add_workdays(start, count).isoformat())

    def do_days(self, date, n, **_):
        start, count = parse_day(date), _count(n)
        self.stdout.write(
            add_calendar_days(start, count, calendar=selectors.get_calendar()).isoformat()
        )

    def do_between(self, start, end, **_):
        a, b = parse_day(start, "start"), parse_day(end, "end")
        self.stdout.write(str(selectors.get_calendar().workdays_between(a, b)))

    def do_years(self, **_):
        rows = selectors.covered_years()
        if not rows:
            self.stdout.write("尚未录入任何年度的节假日安排（运行 fazhi workdays import）")
        for y in rows:
            self.stdout.write(
                f"{y.year}\t法定节假日 {y.rest} 天\t调休上班日 {y.workday} 天\t{y.source_notice}"
            )

    def do_import(self, years=(), **_):
        done = services.import_years(years or None)
        if done:
            self.stdout.write(
                f"已导入 {len(done)} 个年度的节假日安排：{done[0]}–{done[-1]}"
                if len(done) > 1
                else f"已导入 {done[0]} 年的节假日安排"
            )
        else:
            self.stdout.write("没有需要导入的年度（已全部录入）")

    def do_set(self, date, kind, name="", **_):
        h = services.set_day(parse_day(date), kind, name, None)
        self.stdout.write(
            f"已设定 {h.date.isoformat()} 为{h.get_kind_display()}{f'（{h.name}）' if h.name else ''}"
        )

    def do_unset(self, date, **_):
        d = parse_day(date)
        services.remove_day(d, None)
        self.stdout.write(f"已删除 {d.isoformat()} 的设定")

    def do_year(self, year_action, year, source, **_):
        cy = services.add_year(year, source, None)
        self.stdout.write(
            f"已录入 {cy.year} 年，依据：{cy.source_notice}。请用 fazhi workdays set 录入该年的节假日和调休上班日。"
        )
