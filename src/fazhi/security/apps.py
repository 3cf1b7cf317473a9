from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "fazhi.security"
    verbose_name = "个人信息保护"
