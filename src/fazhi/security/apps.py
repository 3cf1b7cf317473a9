from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "fazhi.security"
    verbose_name = "个人信息保护"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .files import private_sqlite_files

        connection_created.connect(private_sqlite_files, dispatch_uid="fazhi-private-sqlite")
