"""Several worker processes behind one port (gunicorn's pre-fork server with threaded
workers). Nothing of Fazhi's lives in process memory that another process must see: sessions,
rate limits, versions, reminders and the audit chain are in the database."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve_workers(application, host: str, port: int, workers: int, threads: int) -> None:
    _Server(
        application,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 120,  # a province-wide export may take a while
            "graceful_timeout": 30,
            # Longer than a user's pause between pages and a balancer's idle pooled connection:
            # at gunicorn's 2 s a request sent as the worker closed the connection was reset.
            "keepalive": 75,
            "proc_name": "fazhi",
            "accesslog": None,  # every write is in the audit log; access logs belong to the proxy
            "errorlog": "-",
            "loglevel": "warning",
        },
    ).run()
