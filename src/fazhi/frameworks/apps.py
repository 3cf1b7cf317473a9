from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "fazhi.frameworks"
    verbose_name = "评分表"
