"""The production web server: gunicorn with threaded workers, static files by whitenoise."""

from __future__ import annotations

import os
import socket
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


def allow_served_host(settings: Any, host: str) -> None:
    """Answer to the address `steward serve --host` binds, unless hosts are configured."""
    if os.environ.get("STEWARD_ALLOWED_HOSTS", "").strip():
        return
    names = [host]
    if host in ("0.0.0.0", "::", ""):
        # Every interface: the machine's own names.
        names = [socket.gethostname(), socket.getfqdn()]
    for name in names:
        entry = f"[{name}]" if ":" in name else name
        if entry and entry not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(entry)


def serve_forever(*, host: str, port: int, workers: int) -> None:
    """Serve until interrupted."""
    from django.conf import settings
    from django.db import connections

    allow_served_host(settings, host)

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
