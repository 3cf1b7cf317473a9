from functools import partial

from django.apps import AppConfig


class LedgersConfig(AppConfig):
    """The zone's everyday registers that back scoring items: 主体考核目标 (item 13),
    学习/培训/宣传/专题研究 (items 1, 2, 4, 5, 14) and 表彰与推广 (items 15, 16).

    One app with a module per register (targets, activities, awards): they share scope,
    files and the evidence-source declarations, and one app keeps the shared files (settings,
    urls, API mount) to one line each."""

    name = "fazhi.ledgers"
    verbose_name = "工作台账（考核目标、学习培训宣传、表彰推广）"

    def ready(self):
        from fazhi.assessments.sources import Source, register_source
        from fazhi.workplan.supervision import register_tick_reminder

        from . import reminders, sources

        register_tick_reminder(reminders.remind_due)

        register_source(
            Source("targets", "主体考核目标", frozenset({"13"}), sources.summarise_targets)
        )
        for code, (key, title) in sources.ACTIVITY_SOURCES.items():
            register_source(
                Source(key, title, frozenset({code}), sources.activity_summariser(code))
            )
        register_source(
            Source(
                "projects",
                "科技计划项目与资金",
                frozenset({"10"}),
                sources.summarise_projects,
                figures=partial(sources.summarise_projects, records=False),
            )
        )
        register_source(
            Source("policies", "政策清单", frozenset({"9"}), sources.summarise_policies)
        )
        for code, (key, title) in sources.AWARD_SOURCES.items():
            register_source(Source(key, title, frozenset({code}), sources.award_summariser(code)))
