from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "fazhi.registers"
    verbose_name = "台账（依申请公开、投诉举报）"
