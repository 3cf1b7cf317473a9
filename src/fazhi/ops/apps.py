from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "fazhi.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from . import middleware

        middleware.connect_signals()
