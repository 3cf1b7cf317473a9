from django.apps import AppConfig


class RegistersPagesConfig(AppConfig):
    name = "fazhi.registers_pages"
    label = "registers_pages"
    verbose_name = "台账页面"
