from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "fazhi.registers"
    verbose_name = "台账（依申请公开、投诉举报）"

    def ready(self):
        from django.db.models.signals import post_save

        from fazhi.assessments.sources import register_source
        from fazhi.workdays.services import calendar_changed

        from .figures import SOURCES
        from .models import RuleSetVersion
        from .refresh import refresh_after_calendar_change
        from .rules import forget

        calendar_changed.connect(refresh_after_calendar_change, dispatch_uid="registers.refresh")
        post_save.connect(forget, sender=RuleSetVersion, dispatch_uid="registers.rules.forget")
        for source in SOURCES:
            register_source(source)
