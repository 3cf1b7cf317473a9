from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "fazhi.decisions"
    verbose_name = "依法决策（重大行政决策、规范性文件、法律顾问）"

    def ready(self):
        from fazhi.assessments.sources import Source, register_source
        from fazhi.workplan.supervision import register_tick_reminder

        from . import reminders, sources

        register_tick_reminder(reminders.remind_due)

        register_source(Source("counsel", "法律顾问", frozenset({"3"}), sources.summarise_counsel))
        register_source(
            Source(
                "normative-documents",
                "行政规范性文件",
                frozenset({"6"}),
                sources.summarise_documents,
            )
        )
        register_source(
            Source("decisions", "重大行政决策", frozenset({"7"}), sources.summarise_decisions)
        )
