from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "fazhi.assessments"
    verbose_name = "评估"
