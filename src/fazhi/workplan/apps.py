from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "fazhi.workplan"
    verbose_name = "工作方案与督办"
