"""The production web server: gunicorn with threaded workers, static files by whitenoise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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


def start_job_worker() -> subprocess.Popen[bytes]:
    """Run `steward worker` (background jobs: ingestion, findings refresh) as a child process."""
    return subprocess.Popen([sys.executable, "-m", "steward", "worker"])


def stop_job_worker(process: subprocess.Popen[bytes]) -> None:
    """Stop the job worker: ask politely, then kill it if it does not exit within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_forever(*, host: str, port: int, workers: int, jobs: bool = True) -> None:
    """Serve until interrupted; with `jobs`, a job worker runs beside the web workers so that
    queued work (a findings refresh after an import, an ingestion) runs without a second
    command."""
    from django.conf import settings
    from django.db import connections

    allow_served_host(settings, host)

    # Connections opened before the fork (migrations) must not be shared by the workers.
    connections.close_all()
    job_worker = start_job_worker() if jobs else None
    try:
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
    finally:
        if job_worker is not None:
            stop_job_worker(job_worker)
