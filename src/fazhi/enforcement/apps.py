from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "fazhi.enforcement"
    verbose_name = "行政执法与行政复议"

    def ready(self):
        from fazhi.assessments.sources import Source, register_source
        from fazhi.workdays.services import calendar_changed
        from fazhi.workplan.supervision import register_tick_reminder

        from .figures import summarise_enforcement, summarise_reviews
        from .refresh import refresh_after_calendar_change, tick_enforcement

        register_tick_reminder(tick_enforcement)
        calendar_changed.connect(refresh_after_calendar_change, dispatch_uid="enforcement.refresh")
        register_source(
            Source("enforcement", "投诉举报转立案与查处", frozenset({"12"}), summarise_enforcement)
        )
        register_source(
            Source(
                "file-reviews", "行政执法案卷评查与行政复议", frozenset({"11"}), summarise_reviews
            )
        )
