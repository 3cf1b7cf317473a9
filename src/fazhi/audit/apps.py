from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fazhi.audit"
    verbose_name = "审计"

    def ready(self):
        from . import signals  # noqa: F401  (connects the auth signal receivers)
