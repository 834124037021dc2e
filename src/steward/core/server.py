"""The production web server: gunicorn with threaded workers, static files by whitenoise."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class StewardServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn configured in code, serving the Steward WSGI application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def serve_forever(*, host: str, port: int, workers: int) -> None:
    """Serve until interrupted."""
    from django.db import connections

    # Connections opened before the fork (migrations) must not be shared by the workers.
    connections.close_all()
    StewardServer(
        {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "worker_class": "gthread",
            "threads": 4,
            "accesslog": "-",
            "timeout": 120,
            "preload_app": True,
        }
    ).run()
